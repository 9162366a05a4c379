package interact

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// This file lets a real browser (internal/browser) act on the page it rendered as the HTML
// reader acts on a page it read: the same decision code (runner.decide, through runner.next),
// the same hints, Steps and errors, the same state across pages. Only the way the decision is
// carried out differs: instead of a request the reader builds, the browser fills the controls
// and clicks the one the reader would press, so that the page's own scripts run.
//
// The page is the rendered DOM serialised (document.documentElement.outerHTML). It is parsed
// into a tree as the browser's own parser would build it again, every form and control of the
// tree is marked with its number, and the tree, written out again, is what the decision code
// reads: each control it picks then names its element in the tree, whose position is the CSS
// selector the browser acts on.

// domMark is the attribute that numbers the elements of the tree for the decision code. A
// page's own attribute of that name is dropped first: a page cannot point the person at
// another element.
const domMark = "data-implicitspec-el"

// markable are the elements the decision code can pick.
var markable = map[string]bool{"form": true, "input": true, "button": true, "select": true, "textarea": true}

// Planner is the person at a real browser: page after page, it says what to do on the
// rendered page, as Run does on a page it reads. It keeps the state Run keeps across pages
// (the password and identifier sent, the login that came back, the steps taken) and calls
// Options.OnPassword when it plans the password's submission. Not safe for concurrent use:
// one flow, one Planner.
type Planner struct {
	r *runner
	// The last press or submission: the page it was made on and its step, to tell one that
	// changes nothing (pressAgain).
	clickedOn []byte
	clickStep string
}

// NewPlanner starts a person with opt. prior, when set, is the outcome of the HTML reader
// that hands the flow over (Renderer.Run's prior): its Steps, flags and state go on.
func NewPlanner(opt Options, prior *Outcome) *Planner {
	r := newRunner(opt, prior)
	r.scripted = true
	return &Planner{r: r}
}

// DOMStep is what the person does on a rendered page: fill Fill in order, then click Click
// (or, without Click, submit Form as pressing Enter does), or navigate to Navigate. Stop: the
// flow ends on the page, Reason says why (Outcome().HeldConsent is set when the consent
// submission is held).
type DOMStep struct {
	Step    string // for Outcome.Steps (already appended): never the password
	Via     string // the cause the HTML reader gives the same navigation: agent.ViaForm, "link", "meta refresh", "script"
	Consent bool   // the submission of the consent form
	Fill    []DOMFill
	Click   *DOMTarget // the control to click
	Form    *DOMTarget // the form submitted (by Click, or by itself when Click is nil)
	// Navigate is the absolute URL to navigate to (GET), for a step that submits no form:
	// a link, a refresh, a script's location.
	Navigate string
	// Submission is the request the HTML reader would send for the same step (Page nil):
	// what the browser's own submission is expected to be, for evidence.
	Submission *Submission
	Stop       bool
	Reason     string
}

// DOMFill is a value the person gives a control before the click.
type DOMFill struct {
	Target DOMTarget
	Value  string // typed into a text field, or the option chosen in a select
	Check  bool   // a radio button to check (Value is its value)
	Secret bool   // the password: never logged
}

// DOMTarget names an element of the rendered page.
type DOMTarget struct {
	// Selector is the element's path from the root by position
	// ("html > body > div:nth-child(2) > form:nth-child(1) > input:nth-child(3)"): unique in
	// the DOM the page was serialised from, whatever ids and classes the page reuses.
	Selector string
	Tag      string // lower-case tag name
	Type     string // an input's or button's type, as the reader normalised it
	Name, ID string
	// Index is the element's position among the elements named Tag, in document order
	// (document.getElementsByTagName(Tag)[Index]): a second way to the same element, for a
	// browser whose DOM the serialisation did not give back exactly.
	Index int
}

// Outcome is the flow's outcome so far: the Steps, flags, Title and last Page; Kind Stopped
// with Reason once a step stopped it.
func (pl *Planner) Outcome() *Outcome { return pl.r.out }

// Departed ends the flow on a departure the browser made; landing is what the browser saw on
// a client URI it was let to load (nil when it loaded none).
func (pl *Planner) Departed(d *agent.Departure, landing *Landing) *Outcome {
	return pl.r.depart(d, landing)
}

// Failed ends the flow on harness trouble (the browser failed, a timeout), as Run does.
func (pl *Planner) Failed(err error) *Outcome {
	out, _ := pl.r.fail(err)
	return out
}

// Next reads the rendered page (page.Body the serialised DOM; URL, Status and Header those of
// the main frame's document) and returns what the person does on it. The error is *Error, of
// the kinds Run returns (login-rejected, unreadable, ambiguous, step-limit); the Outcome then
// says so, as Run's does.
func (pl *Planner) Next(page *agent.Page) (*DOMStep, error) {
	if page == nil || page.URL == nil {
		return nil, errors.New("interact: Planner.Next without a page")
	}
	view, m := markDOM(page)
	var step *DOMStep
	act, err := pl.r.next(view, func(act *action) (err error) {
		if step, err = pl.domStep(view, m, act); err != nil {
			return err
		}
		return pl.pressAgain(page, step)
	})
	pl.r.out.Page = page // the page as rendered, not the marked copy the reader read
	if h := pl.r.out.HeldConsent; h != nil {
		h.Page = page
	}
	var again *noEffect
	if errors.As(err, &again) {
		if alert := pageAlert(page); alert != "" {
			pl.r.out.Kind, pl.r.out.Reason = Stopped, fmt.Sprintf("the page shows %q, and %s changes nothing on it", alert, again.step)
			return &DOMStep{Stop: true, Reason: pl.r.out.Reason}, nil
		}
		err = pl.r.pageError(view, KindStepLimit, fmt.Sprintf(
			"%s changed nothing on the page (it stayed the same, and no message on it says why); doing it again would loop", again.step))
	}
	if err != nil {
		pl.r.fail(err)
		return nil, err
	}
	if act == nil {
		return &DOMStep{Stop: true, Reason: pl.r.out.Reason}, nil
	}
	return step, nil
}

// domStep is how a browser makes act: the controls of the reader's press, by their elements.
func (pl *Planner) domStep(view *agent.Page, m *marks, act *action) (*DOMStep, error) {
	s := &DOMStep{Step: act.step, Via: act.via, Consent: act.consent,
		Submission: &Submission{Method: act.method, URL: act.url, Body: act.body}}
	pr := pl.r.press
	if pr.form == nil {
		s.Navigate = act.url
		return s, nil
	}
	missing := func(what string) error {
		return pl.r.pageError(view, KindUnreadable, what+" is not an element of the rendered page (inside <noscript> or <template>?)")
	}
	if pr.form.scripted {
		c, ok := m.control(pr.submitter)
		if !ok {
			return nil, missing(fmt.Sprintf("the button %q", pr.submitter.display()))
		}
		s.Click, s.Submission = &c, nil
		return s, nil
	}
	f, ok := m.form(pr.form)
	if !ok {
		return nil, missing(fmt.Sprintf("form %d", pr.form.index+1))
	}
	s.Form = &f
	if pr.submitter != nil {
		// A submitter that is no element (a <noscript> button a scripting browser does not
		// show) is left out: the form is submitted as a scripting browser's person would.
		if c, ok := m.control(pr.submitter); ok {
			s.Click = &c
		}
	}
	for _, c := range pr.form.controls {
		v, ok := pr.values[c]
		if !ok {
			continue
		}
		t, ok := m.control(c)
		if !ok {
			return nil, missing(fmt.Sprintf("the field %q", hintName(c)))
		}
		s.Fill = append(s.Fill, DOMFill{Target: t, Value: v, Check: c.typ == "radio" || c.typ == "checkbox",
			Secret: c.typ == "password" || v != "" && v == pl.r.opt.Password})
	}
	return s, nil
}

// marks are the elements of a page's tree the decision code can name.
type marks struct {
	nodes []*html.Node // by mark
	index []int        // by mark: the position among the elements of its tag
	forms []int        // the mark of each form the reader lists (document.forms order), -1 for none
}

// markDOM parses page's body into a tree, marks its forms and controls, and returns the page
// with the tree written out as its body: what the decision code reads. A page that is not
// HTML, or whose tree cannot be written out, is returned as it is, with no marks.
func markDOM(page *agent.Page) (*agent.Page, *marks) {
	m := &marks{}
	if !page.IsHTML() {
		return page, m
	}
	root, err := html.Parse(bytes.NewReader(page.Body))
	if err != nil {
		return page, m
	}
	m.walk(root, map[string]int{})
	var b bytes.Buffer
	if err := html.Render(&b, root); err != nil {
		return page, &marks{}
	}
	view := *page
	view.Body = b.Bytes()
	m.forms = formMarks(view.Body)
	return &view, m
}

// walk marks the elements under n in document order and counts every element by tag, as
// getElementsByTagName does. Template contents are no part of the document: not walked.
func (m *marks) walk(n *html.Node, seen map[string]int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		pos := seen[c.Data]
		seen[c.Data]++
		if c.Namespace == "" && markable[c.Data] {
			attrs := c.Attr[:0:0]
			for _, a := range c.Attr {
				if a.Namespace != "" || a.Key != domMark {
					attrs = append(attrs, a)
				}
			}
			c.Attr = append(attrs, html.Attribute{Key: domMark, Val: strconv.Itoa(len(m.nodes))})
			m.nodes = append(m.nodes, c)
			m.index = append(m.index, pos)
		}
		if c.Namespace != "" || c.Data != "template" {
			m.walk(c, seen)
		}
	}
}

// formMarks reads the forms of body as parseDocument lists them (a <form> inside an open one
// is ignored; <noscript> is read as markup) and returns the mark of each.
func formMarks(body []byte) []int {
	z := html.NewTokenizer(bytes.NewReader(body))
	var out []int
	open := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch {
			case tok.Data == "noscript":
				z.NextIsNotRawText()
			case tok.Data == "form" && !open:
				open = true
				out = append(out, markOf(tok.Attr))
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "form" {
				open = false
			}
		}
	}
}

func markOf(attrs []html.Attribute) int {
	v, ok := attrVal(attrs, domMark)
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

func (m *marks) form(f *form) (DOMTarget, bool) {
	if f.index >= len(m.forms) {
		return DOMTarget{}, false
	}
	return m.target(m.forms[f.index], "", "")
}

func (m *marks) control(c *control) (DOMTarget, bool) {
	t, ok := m.target(markOf(c.attrs), c.typ, c.name)
	return t, ok
}

func (m *marks) target(mark int, typ, name string) (DOMTarget, bool) {
	if mark < 0 || mark >= len(m.nodes) {
		return DOMTarget{}, false
	}
	n := m.nodes[mark]
	return DOMTarget{Selector: cssPath(n), Tag: n.Data, Type: typ, Name: name, ID: attrString(n.Attr, "id"), Index: m.index[mark]}, true
}

// cssIdent is a tag name a type selector can carry unescaped.
var cssIdent = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// cssPath is the selector of n by its position: from the root, each element as its tag and
// its rank among its parent's elements (html, head and body are unique by their tag).
func cssPath(n *html.Node) string {
	var parts []string
	for e := n; e != nil && e.Type == html.ElementNode; e = e.Parent {
		tag := "*"
		if e.Namespace == "" && cssIdent.MatchString(e.Data) {
			tag = e.Data
		}
		p := e.Parent
		if p == nil || p.Type == html.DocumentNode ||
			e.Namespace == "" && (e.Data == "head" || e.Data == "body") && p.Data == "html" {
			parts = append(parts, tag)
			continue
		}
		k := 1
		for s := e.PrevSibling; s != nil; s = s.PrevSibling {
			if s.Type == html.ElementNode {
				k++
			}
		}
		parts = append(parts, fmt.Sprintf("%s:nth-child(%d)", tag, k))
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, " > ")
}

// noEffect is the planner's own step found to change nothing: made once, the page the same
// afterwards, the same step decided again. step says it in words ("pressing "Grant access"").
type noEffect struct{ step string }

func (e *noEffect) Error() string { return e.step + " changed nothing" }

// pressAgain records a press or a submission, and returns *noEffect when step is the same
// one, decided on the very page the last one was made on (its address, and its DOM byte for
// byte but for the messages it announces: a toast saying the press failed is all it adds;
// see steady): pressing a
// control that does nothing (a grant button whose request fails) must not loop until the step
// limit. The verdict then depends on the page (Next): a page that shows why (an alert) is
// where the flow stops, as the page a server shows instead of redirecting; a page that says
// nothing is trouble the harness cannot judge. Either way the same whether the flow got here
// by signing in or with a session already: only the page decides.
func (pl *Planner) pressAgain(page *agent.Page, step *DOMStep) error {
	if step.Navigate != "" {
		pl.clickedOn, pl.clickStep = nil, "" // a link or a refresh: a page may poll itself
		return nil
	}
	here := append([]byte(page.URL.String()+"\n"), steady(page.Body)...)
	if pl.clickStep == step.Step && bytes.Equal(pl.clickedOn, here) {
		what := "submitting the form"
		if c := pl.r.press.submitter; c != nil {
			what = "pressing " + quote(c.display())
		}
		return &noEffect{step: what}
	}
	pl.clickedOn, pl.clickStep = here, step.Step
	return nil
}

// steady is the page's DOM without its live regions (role alert, status or log, or an
// aria-live other than "off"; WAI-ARIA 1.2): what a press that fails adds to a page (a toast,
// a status line) is announced there, and comes and goes with timers. body as it is when it
// cannot be parsed.
func steady(body []byte) []byte {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return body
	}
	var strip func(n *html.Node)
	strip = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode && liveRegion(c) {
				n.RemoveChild(c)
			} else {
				strip(c)
			}
			c = next
		}
	}
	strip(doc)
	var b bytes.Buffer
	if html.Render(&b, doc) != nil {
		return body
	}
	return b.Bytes()
}

func liveRegion(n *html.Node) bool {
	role, live := ariaOf(n)
	return role == "alert" || role == "status" || role == "log" || live != "" && live != "off"
}

// ariaOf is n's role and aria-live, lower case.
func ariaOf(n *html.Node) (role, live string) {
	norm := func(key string) string { return strings.ToLower(strings.TrimSpace(attrString(n.Attr, key))) }
	return norm("role"), norm("aria-live")
}

// pageAlert is the text of the alerts a page shows (elements with role="alert" or
// aria-live="assertive", WAI-ARIA 1.2 §5.4: "important, and usually time-sensitive,
// information"), each in one line, joined by " / " and cut at 200 bytes; "" when there are
// none, or only hidden or empty ones. The role is what pages in any language share: the words
// are not read.
func pageAlert(p *agent.Page) string {
	if p == nil || !p.IsHTML() {
		return ""
	}
	doc, err := html.Parse(bytes.NewReader(p.Body))
	if err != nil {
		return ""
	}
	var found []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if hiddenElement(n) {
				return
			}
			if alertElement(n) {
				if t := collapse(nodeText(n)); t != "" && !slices.Contains(found, t) {
					found = append(found, t)
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return cut(strings.Join(found, " / "), 200)
}

func alertElement(n *html.Node) bool {
	role, live := ariaOf(n)
	return role == "alert" || live == "assertive"
}

// hiddenElement: an element a person does not see, by markup alone (no stylesheet is read).
func hiddenElement(n *html.Node) bool {
	switch n.Data {
	case "script", "style", "template", "noscript", "head":
		return true
	}
	style := strings.ToLower(strings.ReplaceAll(attrString(n.Attr, "style"), " ", ""))
	return hasAttr(n.Attr, "hidden") || strings.EqualFold(strings.TrimSpace(attrString(n.Attr, "aria-hidden")), "true") ||
		strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

// nodeText is the text under n, hidden elements left out.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
		case n.Type == html.ElementNode && hiddenElement(n):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
