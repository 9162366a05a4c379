package interact

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// document is what the person sees on a page, as far as acting on it goes.
//
// It is read with the x/net/html tokenizer rather than the tree builder on purpose: a browser
// associates form controls with the form through its "form element pointer", which stays set
// from <form> to </form> even where the tree builder moves the form element (a form opened inside
// a <table> ends up empty in the tree, its inputs beside it). Following start and end tags in
// order gives the browser's association; attribute order, unquoted attributes, character
// references (&amp;) and missing end tags are the tokenizer's business.
type document struct {
	title      string
	base       string // the first <base href>
	forms      []*form
	orphans    []*control // form controls outside any form
	links      []*link
	refreshes  []refresh
	onload     string   // the <body onload> attribute
	scripts    []string // inline JavaScript
	scriptSrcs int      // external scripts
	textLen    int      // visible text, in non-space bytes
}

type form struct {
	index     int
	id, name  string
	action    string
	hasAction bool
	method    string // as written, lower-cased
	controls  []*control
	// scripted: no <form> element but the buttons outside any form, which only
	// the page's scripts give a meaning (scriptedConsent): a real browser
	// clicks one; nothing is submitted.
	scripted bool
}

type control struct {
	tag          string // "input", "button", "select", "textarea"
	typ          string // normalised: inputs default to "text", buttons to "submit"
	name, id     string
	value        string
	hasValue     bool
	checked      bool
	disabled     bool
	multiple     bool
	autocomplete string
	text         string // visible text of a button, content of a textarea
	label        string // text of the <label> that labels it
	attrs        []html.Attribute
	options      []*option
	inNoscript   bool
	owner        *form
	formAttr     string
	concealed    bool // it or an element around it is hidden from view (a honeypot, a hidden dialog)
}

type option struct {
	value              string
	hasValue           bool
	text               string
	selected, disabled bool
}

type link struct {
	href, text, id, title string
}

type refresh struct {
	delay  float64
	url    string
	hasURL bool
}

type openLabel struct {
	forID   string
	text    strings.Builder
	control *control // first labelable control inside, when forID is empty
}

// attrVal looks key up; of a duplicated attribute the first wins, as in browsers (the tokenizer
// keeps them all).
func attrVal(attrs []html.Attribute, key string) (string, bool) {
	for _, a := range attrs {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attrString(attrs []html.Attribute, key string) string {
	v, _ := attrVal(attrs, key)
	return v
}

func hasAttr(attrs []html.Attribute, key string) bool {
	_, ok := attrVal(attrs, key)
	return ok
}

func (c *control) attr(key string) string { return attrString(c.attrs, key) }

func (c *control) has(key string) bool { return hasAttr(c.attrs, key) }

// isSubmit reports whether c is a submit button.
func (c *control) isSubmit() bool {
	switch c.tag {
	case "button":
		return c.typ == "submit"
	case "input":
		return c.typ == "submit" || c.typ == "image"
	}
	return false
}

// isButton reports whether c is any kind of button (they never contribute unless they submit).
func (c *control) isButton() bool {
	return c.tag == "button" || c.tag == "input" && (c.typ == "submit" || c.typ == "image" || c.typ == "reset" || c.typ == "button")
}

func normaliseInputType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	switch t {
	case "hidden", "text", "search", "tel", "url", "email", "password", "date", "month", "week", "time",
		"datetime-local", "number", "range", "color", "checkbox", "radio", "file", "submit", "image", "reset", "button":
		return t
	}
	return "text" // missing or unknown type: a text field, as browsers do
}

func normaliseButtonType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	switch t {
	case "button", "reset":
		return t
	}
	return "submit" // missing or invalid type: a submit button
}

func isJavaScriptType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript", "application/x-javascript":
		return true
	}
	return false
}

// collapse trims s and collapses runs of white space to one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func countVisible(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// parseDocument reads body. It never fails: whatever the markup, the tokenizer yields tokens.
func parseDocument(body []byte) *document {
	p := &docParser{z: html.NewTokenizer(bytes.NewReader(body)), doc: &document{}}
	for {
		switch tt := p.z.Next(); tt {
		case html.ErrorToken:
			p.end()
			return p.doc
		case html.TextToken:
			p.text(string(p.z.Text()))
		case html.StartTagToken, html.SelfClosingTagToken:
			// Only a start tag opens a button or textarea to collect the text that follows; a
			// self-closing one is complete.
			p.startTag(p.z.Token(), tt == html.StartTagToken)
		case html.EndTagToken:
			name, _ := p.z.TagName()
			p.endTag(string(name))
		}
	}
}

// docParser is the state of one parseDocument between tokens: what a browser's parser would
// have open at that point of the page.
type docParser struct {
	z   *html.Tokenizer
	doc *document

	form     *form      // the form element pointer
	controls []*control // every control in page order; forms claim them once all ids are known

	// Elements whose text is being collected, at most one of each kind at a time.
	button   textOf[*control]
	sel      *control // options belong to it
	option   textOf[*option]
	textarea textOf[*control]
	link     textOf[*link]

	labels     []*openLabel // open, innermost last
	doneLabels []*openLabel

	title struct {
		open, done bool // only the first <title> counts, as in browsers
		text       strings.Builder
	}
	script struct {
		open, js bool // the text of a non-JavaScript script is data, never looked at
		text     strings.Builder
	}
	inStyle  bool
	noscript int // depth: noscript elements nest

	open       []openElement // elements that may hide what they hold, innermost last
	concealing int           // how many of them hide their content
}

// openElement is an element whose end tag is still to come, and whether it hides its content.
type openElement struct {
	name    string
	conceal bool
}

// textOf is an element and the text collected inside it so far.
type textOf[T any] struct {
	el   T
	text strings.Builder
}

func (p *docParser) startTag(tok html.Token, opens bool) {
	a := tok.Attr
	if opens {
		p.push(tok.Data, a)
	}
	switch tok.Data {
	case "title":
		p.startTitle()
	case "script":
		p.startScript(a)
	case "style":
		p.inStyle = true
	case "noscript":
		p.startNoscript()
	case "base":
		p.base(a)
	case "body":
		p.body(a)
	case "meta":
		p.meta(a)
	case "form":
		p.startForm(a)
	case "input":
		p.input(a)
	case "button":
		p.startButton(a, opens)
	case "select":
		p.startSelect(a)
	case "option":
		p.startOption(a)
	case "optgroup":
		p.endOption()
	case "textarea":
		p.startTextarea(a, opens)
	case "a":
		p.startLink(a)
	case "img":
		p.img(a)
	case "label":
		p.labels = append(p.labels, &openLabel{forID: attrString(a, "for")})
	}
}

func (p *docParser) endTag(name string) {
	p.pop(name)
	switch name {
	case "title":
		p.endTitle()
	case "script":
		p.endScript()
	case "style":
		p.inStyle = false
	case "noscript":
		if p.noscript > 0 {
			p.noscript--
		}
	case "form":
		p.form = nil
	case "button":
		p.endButton()
	case "select":
		p.endOption()
		p.sel = nil
	case "option":
		p.endOption()
	case "textarea":
		p.endTextarea()
	case "a":
		p.endLink()
	case "label":
		p.endLabel()
	}
}

// text routes character data: script, style and title content is not on the page, and a
// textarea's content is its value.
func (p *docParser) text(s string) {
	switch {
	case p.script.open:
		if p.script.js {
			p.script.text.WriteString(s)
		}
	case p.inStyle:
	case p.title.open:
		p.title.text.WriteString(s)
	case p.textarea.el != nil:
		p.textarea.text.WriteString(s)
	default:
		p.visibleText(s)
	}
}

// visibleText counts s as read on the page and gives it to every open element that is named
// by its text.
func (p *docParser) visibleText(s string) {
	p.doc.textLen += countVisible(s)
	if p.button.el != nil {
		p.button.text.WriteString(s)
	}
	if p.option.el != nil {
		p.option.text.WriteString(s)
	}
	if p.link.el != nil {
		p.link.text.WriteString(s)
	}
	for _, l := range p.labels {
		l.text.WriteString(s)
	}
}

// end closes what the page left open, as a browser does at the end of the input.
func (p *docParser) end() {
	p.endButton()
	p.endOption()
	p.endLink()
	p.endTextarea()
	p.endTitle()
	p.doneLabels = append(p.doneLabels, p.labels...)
	p.doc.finish(p.controls, p.doneLabels)
}

func (p *docParser) startTitle() {
	if !p.title.done {
		p.title.open = true
	}
}

func (p *docParser) endTitle() {
	if p.title.open {
		p.doc.title = collapse(p.title.text.String())
		p.title.open, p.title.done = false, true
	}
}

func (p *docParser) startScript(a []html.Attribute) {
	p.script.open = true
	p.script.text.Reset()
	p.script.js = isJavaScriptType(attrString(a, "type"))
	if hasAttr(a, "src") {
		// The browser runs the file, not the element's text.
		p.doc.scriptSrcs++
		p.script.js = false
	}
}

func (p *docParser) endScript() {
	if p.script.open && p.script.js {
		p.doc.scripts = append(p.doc.scripts, p.script.text.String())
	}
	p.script.open = false
}

func (p *docParser) startNoscript() {
	// A browser without scripting parses noscript content as markup; so do we.
	p.z.NextIsNotRawText()
	p.noscript++
}

func (p *docParser) base(a []html.Attribute) {
	if v, ok := attrVal(a, "href"); ok && p.doc.base == "" {
		p.doc.base = v
	}
}

func (p *docParser) body(a []html.Attribute) {
	if v, ok := attrVal(a, "onload"); ok && p.doc.onload == "" {
		p.doc.onload = v
	}
}

func (p *docParser) meta(a []html.Attribute) {
	if !strings.EqualFold(strings.TrimSpace(attrString(a, "http-equiv")), "refresh") {
		return
	}
	if r, ok := parseRefresh(attrString(a, "content")); ok {
		p.doc.refreshes = append(p.doc.refreshes, r)
	}
}

// startForm ignores a form inside a form, as browsers do: its controls belong to the outer one.
func (p *docParser) startForm(a []html.Attribute) {
	if p.form != nil {
		return
	}
	p.form = &form{
		index:  len(p.doc.forms),
		id:     attrString(a, "id"),
		name:   attrString(a, "name"),
		method: strings.ToLower(strings.TrimSpace(attrString(a, "method"))),
	}
	p.form.action, p.form.hasAction = attrVal(a, "action")
	p.doc.forms = append(p.doc.forms, p.form)
}

func (p *docParser) input(a []html.Attribute) {
	p.addControl(newControl("input", normaliseInputType(attrString(a, "type")), a))
}

func (p *docParser) startButton(a []html.Attribute, opens bool) {
	p.endButton()
	c := newControl("button", normaliseButtonType(attrString(a, "type")), a)
	p.addControl(c)
	if opens {
		p.button.el = c
	}
}

func (p *docParser) endButton() {
	if p.button.el != nil {
		p.button.el.text = collapse(p.button.text.String())
		p.button = textOf[*control]{}
	}
}

func (p *docParser) startSelect(a []html.Attribute) {
	p.endOption()
	c := newControl("select", "select", a)
	c.multiple = hasAttr(a, "multiple")
	p.addControl(c)
	p.sel = c
}

// startOption keeps only options inside a select: elsewhere they submit nothing.
func (p *docParser) startOption(a []html.Attribute) {
	p.endOption()
	if p.sel == nil {
		return
	}
	o := &option{selected: hasAttr(a, "selected"), disabled: hasAttr(a, "disabled")}
	o.value, o.hasValue = attrVal(a, "value")
	p.sel.options = append(p.sel.options, o)
	p.option.el = o
}

func (p *docParser) endOption() {
	if o := p.option.el; o != nil {
		o.text = collapse(p.option.text.String())
		if !o.hasValue {
			o.value = o.text
		}
		p.option = textOf[*option]{}
	}
}

func (p *docParser) startTextarea(a []html.Attribute, opens bool) {
	c := newControl("textarea", "textarea", a)
	c.value, c.hasValue = "", true // a value attribute means nothing on a textarea
	p.addControl(c)
	if opens {
		p.textarea.el = c
	}
}

// endTextarea drops one newline right after the start tag, as the HTML parser does.
func (p *docParser) endTextarea() {
	if p.textarea.el != nil {
		v := p.textarea.text.String()
		v = strings.TrimPrefix(v, "\r")
		v = strings.TrimPrefix(v, "\n")
		p.textarea.el.value, p.textarea.el.hasValue = v, true
		p.textarea = textOf[*control]{}
	}
}

// startLink keeps only links a person can follow: an <a> without href is an anchor.
func (p *docParser) startLink(a []html.Attribute) {
	p.endLink()
	href, ok := attrVal(a, "href")
	if !ok {
		return
	}
	p.link.el = &link{href: href, id: attrString(a, "id"), title: attrString(a, "title")}
	if al := attrString(a, "aria-label"); al != "" {
		p.link.text.WriteString(al + " ")
	}
}

func (p *docParser) endLink() {
	if p.link.el != nil {
		p.link.el.text = collapse(p.link.text.String())
		p.doc.links = append(p.doc.links, p.link.el)
		p.link = textOf[*link]{}
	}
}

// img reads as its alt text: an icon button or link is named by it.
func (p *docParser) img(a []html.Attribute) {
	if alt := attrString(a, "alt"); alt != "" {
		p.visibleText(" " + alt + " ")
	}
}

func (p *docParser) endLabel() {
	if n := len(p.labels); n > 0 {
		p.doneLabels = append(p.doneLabels, p.labels[n-1])
		p.labels = p.labels[:n-1]
	}
}

func newControl(tag, typ string, a []html.Attribute) *control {
	c := &control{tag: tag, typ: typ, attrs: a}
	c.fill()
	return c
}

// addControl gives c to the current form for now (a form attribute is resolved at the end) and
// to each open label still without a control: a label labels the first control inside it.
func (p *docParser) addControl(c *control) {
	c.inNoscript = p.noscript > 0
	c.concealed = p.concealing > 0 || conceals(c.attrs)
	c.owner = p.form
	if fa, ok := attrVal(c.attrs, "form"); ok {
		c.formAttr = fa
	}
	p.controls = append(p.controls, c)
	if c.typ == "hidden" {
		return
	}
	for _, l := range p.labels {
		if l.forID == "" && l.control == nil {
			l.control = c
		}
	}
}

// fill copies the common attributes into their fields.
func (c *control) fill() {
	c.name = c.attr("name")
	c.id = c.attr("id")
	c.value, c.hasValue = attrVal(c.attrs, "value")
	c.checked = c.has("checked")
	c.disabled = c.has("disabled")
	c.autocomplete = strings.ToLower(c.attr("autocomplete"))
}

// finish assigns controls to forms (a form="id" attribute wins over nesting) and labels to controls.
func (d *document) finish(all []*control, labels []*openLabel) {
	formByID := map[string]*form{}
	for _, f := range d.forms {
		if f.id != "" {
			if _, dup := formByID[f.id]; !dup {
				formByID[f.id] = f
			}
		}
	}
	ctlByID := map[string]*control{}
	for _, c := range all {
		if c.formAttr != "" {
			c.owner = formByID[c.formAttr]
		}
		if c.owner != nil {
			c.owner.controls = append(c.owner.controls, c)
		} else {
			d.orphans = append(d.orphans, c)
		}
		if c.id != "" {
			if _, dup := ctlByID[c.id]; !dup {
				ctlByID[c.id] = c
			}
		}
	}
	for _, l := range labels {
		c := l.control
		if l.forID != "" {
			c = ctlByID[l.forID]
		}
		if c != nil && c.label == "" {
			c.label = collapse(l.text.String())
		}
	}
}

// parseRefresh parses a <meta http-equiv=refresh> content attribute (HTML "shared declarative
// refresh steps").
func parseRefresh(content string) (refresh, bool) {
	s := strings.TrimLeft(content, " \t\n\f\r")
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 {
		return refresh{}, false
	}
	delay, err := strconv.ParseFloat(strings.TrimSuffix(s[:i], "."), 64)
	if err != nil {
		delay = 0
	}
	s = strings.TrimLeft(s[i:], " \t\n\f\r")
	if s != "" && s[0] != ';' && s[0] != ',' {
		return refresh{}, false
	}
	if s != "" {
		s = strings.TrimLeft(s[1:], " \t\n\f\r")
	}
	if s == "" {
		return refresh{delay: delay}, true
	}
	if len(s) >= 3 && strings.EqualFold(s[:3], "url") {
		rest := strings.TrimLeft(s[3:], " \t\n\f\r")
		if strings.HasPrefix(rest, "=") {
			s = strings.TrimLeft(rest[1:], " \t\n\f\r")
		}
	}
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		q := s[0]
		s = s[1:]
		if j := strings.IndexByte(s, q); j >= 0 {
			s = s[:j]
		}
	}
	s = strings.TrimRight(s, " \t\n\f\r")
	return refresh{delay: delay, url: s, hasURL: s != ""}, true
}

// voidElements never have content: their start tag is the whole element.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true,
	"hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// push opens an element for concealment. A <p> or <li> left open is closed by the next one, as
// the HTML parser does, so that sloppy markup does not leave a hidden paragraph open forever.
func (p *docParser) push(name string, a []html.Attribute) {
	if voidElements[name] {
		return
	}
	if n := len(p.open); n > 0 && (name == "p" || name == "li") && p.open[n-1].name == name {
		p.pop(name)
	}
	e := openElement{name: name, conceal: conceals(a)}
	if e.conceal {
		p.concealing++
	}
	p.open = append(p.open, e)
}

// pop closes the innermost open element of that name and what was left open inside it; an end
// tag with no open element of its name is ignored, as browsers do.
func (p *docParser) pop(name string) {
	for i := len(p.open) - 1; i >= 0; i-- {
		if p.open[i].name != name {
			continue
		}
		for _, e := range p.open[i:] {
			if e.conceal {
				p.concealing--
			}
		}
		p.open = p.open[:i]
		return
	}
}

// conceals reports an element a person does not see: the hidden attribute, aria-hidden, an
// inline style that hides it or moves it off the screen, or a class that says so. Bot traps
// ("honeypots") are built this way: a text field only a form-filling robot would fill.
func conceals(a []html.Attribute) bool {
	if hasAttr(a, "hidden") || strings.EqualFold(strings.TrimSpace(attrString(a, "aria-hidden")), "true") {
		return true
	}
	style := strings.ToLower(strings.Join(strings.Fields(attrString(a, "style")), ""))
	for _, s := range []string{"display:none", "visibility:hidden", "opacity:0;", "left:-9", "top:-9"} {
		if strings.Contains(style+";", s) {
			return true
		}
	}
	for _, c := range strings.Fields(strings.ToLower(attrString(a, "class"))) {
		switch c {
		case "hidden", "d-none", "hide", "is-hidden", "honeypot", "hp", "visually-hidden", "sr-only", "ohnohoney":
			return true
		}
	}
	return false
}
