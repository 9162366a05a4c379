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

func attrVal(attrs []html.Attribute, key string) (string, bool) {
	for _, a := range attrs {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func (c *control) attr(key string) string {
	v, _ := attrVal(c.attrs, key)
	return v
}

func (c *control) has(key string) bool {
	_, ok := attrVal(c.attrs, key)
	return ok
}

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
	d := &document{}
	z := html.NewTokenizer(bytes.NewReader(body))
	var (
		cur        *form // the form element pointer
		all        []*control
		btn        *control
		btnText    strings.Builder
		sel        *control
		opt        *option
		optText    strings.Builder
		ta         *control
		taText     strings.Builder
		lnk        *link
		lnkText    strings.Builder
		labels     []*openLabel
		doneLabels []*openLabel
		inTitle    bool
		titleDone  bool
		titleText  strings.Builder
		inScript   bool
		scriptJS   bool
		scriptText strings.Builder
		inStyle    bool
		noscript   int
	)
	closeButton := func() {
		if btn != nil {
			btn.text = collapse(btnText.String())
			btn, btnText = nil, strings.Builder{}
		}
	}
	closeOption := func() {
		if opt != nil {
			opt.text = collapse(optText.String())
			if !opt.hasValue {
				opt.value = opt.text
			}
			opt, optText = nil, strings.Builder{}
		}
	}
	closeLink := func() {
		if lnk != nil {
			lnk.text = collapse(lnkText.String())
			d.links = append(d.links, lnk)
			lnk, lnkText = nil, strings.Builder{}
		}
	}
	closeTextarea := func() {
		if ta != nil {
			v := taText.String()
			v = strings.TrimPrefix(v, "\r")
			v = strings.TrimPrefix(v, "\n")
			ta.value, ta.hasValue = v, true
			ta, taText = nil, strings.Builder{}
		}
	}
	visibleText := func(s string) {
		d.textLen += countVisible(s)
		if btn != nil {
			btnText.WriteString(s)
		}
		if opt != nil {
			optText.WriteString(s)
		}
		if lnk != nil {
			lnkText.WriteString(s)
		}
		for _, l := range labels {
			l.text.WriteString(s)
		}
	}
	addControl := func(c *control) {
		c.inNoscript = noscript > 0
		c.owner = cur
		if fa, ok := attrVal(c.attrs, "form"); ok {
			c.formAttr = fa
		}
		all = append(all, c)
		if c.typ != "hidden" {
			for _, l := range labels {
				if l.forID == "" && l.control == nil {
					l.control = c
				}
			}
		}
	}

	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			closeButton()
			closeOption()
			closeLink()
			closeTextarea()
			if inTitle {
				d.title = collapse(titleText.String())
			}
			doneLabels = append(doneLabels, labels...)
			d.finish(all, doneLabels)
			return d

		case html.TextToken:
			s := string(z.Text())
			switch {
			case inScript:
				if scriptJS {
					scriptText.WriteString(s)
				}
			case inStyle:
			case inTitle:
				titleText.WriteString(s)
			case ta != nil:
				taText.WriteString(s)
			default:
				visibleText(s)
			}

		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			a := tok.Attr
			get := func(k string) string { v, _ := attrVal(a, k); return v }
			has := func(k string) bool { _, ok := attrVal(a, k); return ok }
			switch tok.Data {
			case "title":
				if !titleDone {
					inTitle = true
				}
			case "script":
				inScript = true
				scriptText.Reset()
				scriptJS = isJavaScriptType(get("type"))
				if has("src") {
					d.scriptSrcs++
					scriptJS = false
				}
			case "style":
				inStyle = true
			case "noscript":
				// A browser without scripting parses noscript content as markup; so do we.
				z.NextIsNotRawText()
				noscript++
			case "base":
				if v, ok := attrVal(a, "href"); ok && d.base == "" {
					d.base = v
				}
			case "body":
				if v, ok := attrVal(a, "onload"); ok && d.onload == "" {
					d.onload = v
				}
			case "meta":
				if strings.EqualFold(strings.TrimSpace(get("http-equiv")), "refresh") {
					if r, ok := parseRefresh(get("content")); ok {
						d.refreshes = append(d.refreshes, r)
					}
				}
			case "form":
				if cur == nil {
					cur = &form{
						index:  len(d.forms),
						id:     get("id"),
						name:   get("name"),
						method: strings.ToLower(strings.TrimSpace(get("method"))),
					}
					cur.action, cur.hasAction = attrVal(a, "action")
					d.forms = append(d.forms, cur)
				}
			case "input":
				c := &control{tag: "input", typ: normaliseInputType(get("type")), attrs: a}
				c.fill()
				addControl(c)
			case "button":
				closeButton()
				c := &control{tag: "button", typ: normaliseButtonType(get("type")), attrs: a}
				c.fill()
				addControl(c)
				if tt == html.StartTagToken {
					btn = c
				}
			case "select":
				closeOption()
				c := &control{tag: "select", typ: "select", attrs: a}
				c.fill()
				c.multiple = has("multiple")
				addControl(c)
				sel = c
			case "option":
				closeOption()
				if sel != nil {
					o := &option{selected: has("selected"), disabled: has("disabled")}
					o.value, o.hasValue = attrVal(a, "value")
					sel.options = append(sel.options, o)
					opt = o
				}
			case "optgroup":
				closeOption()
			case "textarea":
				c := &control{tag: "textarea", typ: "textarea", attrs: a}
				c.fill()
				c.value, c.hasValue = "", true
				addControl(c)
				if tt == html.StartTagToken {
					ta = c
				}
			case "a":
				closeLink()
				if href, ok := attrVal(a, "href"); ok {
					lnk = &link{href: href, id: get("id"), title: get("title")}
					if al := get("aria-label"); al != "" {
						lnkText.WriteString(al + " ")
					}
				}
			case "img":
				if alt := get("alt"); alt != "" {
					visibleText(" " + alt + " ")
				}
			case "label":
				labels = append(labels, &openLabel{forID: get("for")})
			}

		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "title":
				if inTitle {
					d.title = collapse(titleText.String())
					inTitle, titleDone = false, true
				}
			case "script":
				if inScript && scriptJS {
					d.scripts = append(d.scripts, scriptText.String())
				}
				inScript = false
			case "style":
				inStyle = false
			case "noscript":
				if noscript > 0 {
					noscript--
				}
			case "form":
				cur = nil
			case "button":
				closeButton()
			case "select":
				closeOption()
				sel = nil
			case "option":
				closeOption()
			case "textarea":
				closeTextarea()
			case "a":
				closeLink()
			case "label":
				if n := len(labels); n > 0 {
					doneLabels = append(doneLabels, labels[n-1])
					labels = labels[:n-1]
				}
			}
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
