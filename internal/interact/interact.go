// Package interact acts on the authorization server's pages as a person would: it logs in
// (including identifier-first logins), answers the consent page, and lets self-submitting pages
// (form_post, meta refresh, script redirects) carry it on, until the browser leaves the server
// or the flow stops on one of its pages.
//
// Every navigation goes through the agent, which decides whether a target leaves the server.
// Pages are read with golang.org/x/net/html; no script is run (see script.go for the two
// idioms that are recognised). A page that needs JavaScript can be given to a real browser
// (Options.Driver and Renderer; internal/browser), which acts on its rendered DOM with the same
// decisions through a Planner (dom.go).
//
// What ends a Run:
//   - a Departure (Redirected, Navigated, FormPost): the server sent the browser away;
//   - Stopped: a page of the server offers nothing a person would act on (an error page, a
//     form that is neither login nor consent, a consent page without the control the Decision
//     needs, a response that is not HTML). Not an error: for a negative test it is the
//     expected end, and the checks judge the page (internal/check, which sees the Outcome
//     as the check.Ending that target.EndingOf makes of it);
//   - an error, for harness trouble only: *agent.Error (timeout, transport, …) passed through,
//     or *Error of kind login-rejected (the password or identifier form came back after it was
//     submitted), unreadable (the page clearly asks for something this reader cannot do without
//     JavaScript: a password field outside any form, an HTML page that is only a script
//     application shell, a form whose action is a javascript: URL), ambiguous (the login or
//     consent form has several buttons and neither their words nor their look tell which one
//     to press: the error lists them and names the profile hint to set) or step-limit (more
//     than Options.MaxSteps pages acted on; in a real browser also a press that left the page
//     as it was, on a page that says nothing: see Planner.pressAgain).
//
// The words the reader knows, in seventeen languages, are in words.tsv (see words.go); where
// they are absent or ambiguous it decides by structure (see choose.go).
package interact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// Decision is the resource owner's answer on the consent page.
type Decision int

// The decisions.
const (
	Approve Decision = iota
	Deny
)

func (d Decision) String() string {
	if d == Deny {
		return "deny"
	}
	return "approve"
}

// Hints are profile overrides: a field's name or id; a control's name, id, value or visible
// text (a link's text, id or title), case-insensitive. Approve and Deny may also name the
// option (label or value) of a radio group or select that carries the consent decision.
type Hints struct {
	UsernameField, PasswordField, Approve, Deny string
	// Login names the login form's submit control, for a form with several buttons none of
	// which reads as signing in (profile key interaction.login_button).
	Login string
}

// Options says who the person is and what they decide.
type Options struct {
	Username, Password string
	Hints              Hints
	Decision           Decision
	MaxSteps           int // pages acted on; default 12
	// HoldConsent stops the flow just before the consent form is
	// submitted: the submission is returned in Outcome.HeldConsent, unsent
	// (the harness replays it in altered forms).
	HoldConsent bool
	// OnPassword, when set, is called each time the person submits the
	// password (the run counts its password logins).
	OnPassword func()
	// Driver chooses what drives the flow: this package's HTML reader
	// (DriverHTML, the default), a real browser (DriverBrowser), or the
	// reader handing over to the browser at the first page that needs
	// JavaScript (DriverAuto). The browser is Renderer: without one, every
	// Driver is DriverHTML.
	Driver   Driver
	Renderer Renderer
	// Passthrough lists the origins ("scheme://host[:port]") the harness
	// serves itself (a loopback callback server): a real browser loads them
	// for real, not through the agent, so that the page the client's
	// redirect URI shows is seen as a person's browser sees it
	// (Outcome.Landing). The HTML reader never loads them.
	Passthrough []string
}

// Driver is what drives the flow: see Options.Driver.
type Driver string

// The drivers.
const (
	DriverHTML    Driver = ""        // the HTML reader: no script is run
	DriverBrowser Driver = "browser" // the Renderer, from the start navigation on
	DriverAuto    Driver = "auto"    // the HTML reader, then the Renderer from the first page that needs JavaScript
)

// Renderer runs the flow in a real browser (internal/browser), through the
// same agent: it plans its actions with a Planner, so that it acts as the
// HTML reader would on the same page, and it ends as Run ends (the same
// Outcome shapes, the same error types). prior is the outcome of the HTML
// reader when it hands over (DriverAuto): its Steps and state go on; nil
// for a flow the browser drives from the start.
type Renderer interface {
	Run(ctx context.Context, a *agent.Agent, start Start, opt Options, prior *Outcome) (*Outcome, error)
}

// Submission is a form submission the person was about to make.
type Submission struct {
	Method, URL, Body string
	Page              *agent.Page // the page the form is on
}

// DefaultMaxSteps is Options.MaxSteps when zero.
const DefaultMaxSteps = 12

// Kind is how the flow left the server, or that it did not.
type Kind int

// The kinds of Outcome.
const (
	Redirected Kind = iota // left the server by an HTTP 3xx
	Navigated              // left by meta refresh, script location assignment, self-submitting GET form, link
	FormPost               // left by a POST form (response_mode=form_post)
	Stopped                // the flow ended on a page of the server (error page, or nothing to act on)
)

func (k Kind) String() string {
	switch k {
	case Redirected:
		return "redirected"
	case Navigated:
		return "navigated"
	case FormPost:
		return "form-post"
	case Stopped:
		return "stopped"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Outcome is what a Run ended in, and what the person did on the way.
type Outcome struct {
	Kind                     Kind
	Departure                *agent.Departure // nil when Stopped
	Page                     *agent.Page      // the last page rendered (always set when Stopped by a page; the last seen otherwise, may be nil)
	Title                    string           // <title> of Page
	Reason                   string           // why it stopped, one line
	Steps                    []string         // what the person did, no secrets
	LoginShown, ConsentShown bool
	// Denied is true once the person pressed the consent page's deny control
	// (a button or a deny link): only then is the server's answer a denial.
	Denied      bool
	HeldConsent *Submission // the consent submission, unsent (Options.HoldConsent)
	// Landing is what a real browser saw on a client URI it was let to
	// load (one on an Options.Passthrough origin): nil otherwise.
	Landing *Landing

	// flow is the person's state, kept for a driver that goes on from
	// this outcome (DriverAuto).
	flow flowState
}

// Landing is the page of the client's redirect URI as a real browser
// rendered it: what a client's script can read there.
type Landing struct {
	URL       string // location.href, fragment included
	Published string // JSON.stringify(window.__implicitspec), "" when the page published nothing
	Title     string // document.title
}

// flowState is what a driver remembers across pages besides the Outcome.
type flowState struct {
	passwordSent   bool // the password was submitted
	identifierSent bool // an identifier was submitted and no password form came since
	acted          int  // pages acted on
}

// Start is the first navigation (the authorization request).
type Start struct {
	Method, URL, Body string
}

// ErrorKind classifies an *Error.
type ErrorKind string

// The kinds of Error.
const (
	KindLoginRejected ErrorKind = "login-rejected"
	KindUnreadable    ErrorKind = "unreadable"
	KindStepLimit     ErrorKind = "step-limit"
	// KindAmbiguous: the reader cannot tell which of several buttons to press, and will not
	// guess; Detail lists them and the hint that settles it.
	KindAmbiguous ErrorKind = "ambiguous"
)

// Error is harness trouble on a page of the server.
type Error struct {
	Kind   ErrorKind
	URL    string // the page's URL, without fragment
	Title  string // the page's <title>
	Detail string
}

// Error returns one line naming the URL and the page title.
func (e *Error) Error() string {
	s := fmt.Sprintf("interact: %s at %s (title %q)", e.Kind, e.URL, e.Title)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return strings.Join(strings.Fields(s), " ")
}

// Run performs the flow: the start navigation, then one action per page until the browser
// leaves the server or stops on one of its pages. With a Renderer, Options.Driver may give the
// flow to a real browser, from the start (DriverBrowser) or from the first page that needs
// JavaScript (DriverAuto).
//
// On error the returned *Outcome is still non-nil: Kind Stopped, Reason the error's text, and
// the Steps, flags and last Page so far (evidence). The error is *agent.Error or *Error.
func Run(ctx context.Context, a *agent.Agent, start Start, opt Options) (*Outcome, error) {
	if a == nil {
		return nil, errors.New("interact: nil agent")
	}
	if opt.Driver == DriverBrowser && opt.Renderer != nil {
		return opt.Renderer.Run(ctx, a, start, opt, nil)
	}
	r := newRunner(opt, nil)
	method := start.Method
	if method == "" {
		method = http.MethodGet
	}
	res, err := a.Navigate(ctx, method, start.URL, start.Body, "start")
	for {
		if err != nil {
			return r.fail(err)
		}
		if d := res.Departure; d != nil {
			return r.depart(d, nil), nil
		}
		act, err := r.next(res.Page, nil)
		if r.handsOver(err) {
			// The page needs JavaScript: a real browser loads it again and goes on.
			return opt.Renderer.Run(ctx, a, Start{Method: http.MethodGet, URL: res.Page.URL.String()}, opt, r.handOver())
		}
		if err != nil {
			return r.fail(err)
		}
		if act == nil {
			return r.out, nil
		}
		res, err = a.Navigate(ctx, act.method, act.url, act.body, act.via)
	}
}

// newRunner starts a person with opt, going on from prior when it is set
// (its Steps, flags and state; prior itself is not changed).
func newRunner(opt Options, prior *Outcome) *runner {
	if opt.MaxSteps <= 0 {
		opt.MaxSteps = DefaultMaxSteps
	}
	r := &runner{opt: opt, out: &Outcome{Kind: Stopped}}
	if prior != nil {
		out := *prior
		out.Steps = append([]string(nil), prior.Steps...)
		out.Kind, out.Departure, out.Reason, out.HeldConsent, out.Landing = Stopped, nil, "", nil, nil
		r.out = &out
		r.passwordSent, r.identifierSent, r.acted = prior.flow.passwordSent, prior.flow.identifierSent, prior.flow.acted
	}
	return r
}

// next reads the page and returns the person's action on it, with the Outcome updated as
// Run reports it (Page, Title, flags, Steps; Options.OnPassword called when the action
// submits the password). nil and no error: the flow stops on the page, Reason (or
// HeldConsent) set. The action is counted against Options.MaxSteps. can, when set, says
// whether the driver can make the action: its error ends the flow before the action counts.
func (r *runner) next(p *agent.Page, can func(*action) error) (*action, error) {
	r.out.Page, r.out.Title = p, ""
	signedBefore := r.passwordSent
	act, reason, err := r.decide(p)
	if err != nil {
		return nil, err
	}
	if act == nil {
		r.out.Kind, r.out.Reason = Stopped, reason
		return nil, nil
	}
	if act.consent && r.opt.HoldConsent && act.method != "" && !strings.EqualFold(act.via, "link") {
		r.out.Kind, r.out.Reason = Stopped, "held before submitting the consent form"
		r.out.HeldConsent = &Submission{Method: act.method, URL: act.url, Body: act.body, Page: p}
		return nil, nil
	}
	if r.acted >= r.opt.MaxSteps {
		return nil, r.pageError(p, KindStepLimit, fmt.Sprintf(
			"acted on %d pages without leaving the server; the next step would have been: %s", r.opt.MaxSteps, act.step))
	}
	if can != nil {
		if err := can(act); err != nil {
			return nil, err
		}
	}
	r.acted++
	r.out.Steps = append(r.out.Steps, act.step)
	if r.passwordSent && !signedBefore && r.opt.OnPassword != nil {
		r.opt.OnPassword() // this navigation submits the password
	}
	return act, nil
}

// handsOver reports an error on which DriverAuto goes on in the browser: a page that needs
// JavaScript.
func (r *runner) handsOver(err error) bool {
	var e *Error
	return r.opt.Driver == DriverAuto && r.opt.Renderer != nil && errors.As(err, &e) && e.Kind == KindUnreadable
}

// handOver is the outcome so far, with the state a Planner goes on from.
func (r *runner) handOver() *Outcome {
	r.out.flow = flowState{passwordSent: r.passwordSent, identifierSent: r.identifierSent, acted: r.acted}
	return r.out
}

// depart ends the flow on a departure; landing is what a real browser saw there, if anything.
func (r *runner) depart(d *agent.Departure, landing *Landing) *Outcome {
	r.out.Departure, r.out.Kind, r.out.Landing = d, departureKind(d), landing
	return r.out
}

func departureKind(d *agent.Departure) Kind {
	switch {
	case strings.HasPrefix(d.Via, "redirect"):
		return Redirected
	case strings.EqualFold(d.Method, http.MethodPost):
		return FormPost
	}
	return Navigated
}

type runner struct {
	opt            Options
	out            *Outcome
	base           *url.URL // the current page's base URL (<base href>, else its URL)
	passwordSent   bool     // the password was submitted
	identifierSent bool     // an identifier was submitted and no password form came since
	acted          int      // pages acted on
	press          press    // how a real browser makes the last action decided (dom.go)
	// scripted: the page's scripts run (a real browser, dom.go), so a button
	// outside any form does what its script says (scriptedConsent).
	scripted bool
}

// action is what the person does on a page: one navigation.
type action struct {
	method, url, body, via string
	step                   string // for Outcome.Steps: never the password
	consent                bool   // the submission of the consent form
}

// press is what a real browser does to make a form's navigation (dom.go):
// the form submitted (nil for a link, refresh or script location), the
// control clicked (nil: the form submitted without a button), and what the
// person typed, checked or chose before.
type press struct {
	form      *form
	submitter *control
	values    map[*control]string
}

func (r *runner) fail(err error) (*Outcome, error) {
	r.out.Kind, r.out.Departure, r.out.Reason = Stopped, nil, oneLine(err.Error())
	return r.out, err
}

func (r *runner) pageError(p *agent.Page, kind ErrorKind, detail string) *Error {
	return &Error{Kind: kind, URL: pageURL(p), Title: r.out.Title, Detail: detail}
}

func pageURL(p *agent.Page) string {
	if p == nil || p.URL == nil {
		return ""
	}
	u := *p.URL
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// shortURL shows a URL in Steps without its query and fragment (they may carry tokens).
func shortURL(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

// decide reads the page and returns the person's action, or why there is none.
func (r *runner) decide(p *agent.Page) (*action, string, error) {
	r.base, r.press = p.URL, press{}
	// Browsers honour a Refresh header like <meta http-equiv=refresh>, on any response.
	hdr, hdrOK := parseRefresh(p.Header.Get("Refresh"))
	if !p.IsHTML() {
		return r.notHTML(p, hdr, hdrOK)
	}
	doc := r.read(p, hdr, hdrOK)
	h := r.opt.Hints
	// A refresh with no delay navigates before a person can do anything.
	if act := r.followRefresh(doc, true); act != nil {
		return act, "", nil
	}
	if f := doc.loginForm(h.PasswordField); f != nil {
		return r.login(p, f)
	}
	if f := doc.selfSubmitting(); f != nil {
		return r.selfSubmit(p, f)
	}
	for _, c := range doc.orphans {
		if c.tag == "input" && c.typ == "password" {
			return nil, "", r.pageError(p, KindUnreadable, "a password field outside any form (a script-driven login page?)")
		}
	}
	if f, user := doc.identifierForm(h.UsernameField); f != nil {
		return r.identifier(p, f, user)
	}
	if f := doc.staySignedInForm(p); f != nil {
		return r.staySignedIn(p, f)
	}
	if f := doc.consentForm(h); f != nil {
		return r.consent(p, doc, f)
	}
	if f := doc.consentByStructure(p); f != nil {
		return r.consent(p, doc, f)
	}
	if f := doc.scriptedConsent(h); f != nil && r.scripted {
		return r.consent(p, doc, f)
	}
	// A delayed refresh is where the page sends a person who does nothing on it.
	if act := r.followRefresh(doc, false); act != nil {
		return act, "", nil
	}
	return r.nothingToDo(p, doc)
}

// notHTML: only a Refresh header moves a browser on from a response that is not a page.
func (r *runner) notHTML(p *agent.Page, hdr refresh, hdrOK bool) (*action, string, error) {
	if hdrOK && hdr.hasURL {
		if act := r.follow(hdr.url, "meta refresh", "followed Refresh header to %s"); act != nil {
			return act, "", nil
		}
	}
	if len(bytes.TrimSpace(p.Body)) == 0 {
		return nil, fmt.Sprintf("empty response (HTTP %d), nothing to act on", p.Status), nil
	}
	ct := p.Header.Get("Content-Type")
	if ct == "" {
		ct = "no Content-Type"
	}
	return nil, fmt.Sprintf("the response is not HTML (HTTP %d, %s)", p.Status, ct), nil
}

// read parses the page, with the Refresh header counted as the first refresh of the page and
// its <base href> as the base URL (unless a no-script browser could not use it).
func (r *runner) read(p *agent.Page, hdr refresh, hdrOK bool) *document {
	doc := parseDocument(p.Body)
	r.out.Title = doc.title
	if hdrOK {
		doc.refreshes = append([]refresh{hdr}, doc.refreshes...)
	}
	if doc.base != "" {
		if _, b, err := agent.Resolve(p.URL, doc.base); err == nil && !isScriptURL(b) {
			r.base = b
		}
	}
	return doc
}

// followRefresh follows the first refresh with a followable URL (only those of at most a
// second when immediate); nil when there is none.
func (r *runner) followRefresh(doc *document, immediate bool) *action {
	for _, rf := range doc.refreshes {
		if rf.hasURL && (!immediate || rf.delay <= 1) {
			if act := r.follow(rf.url, "meta refresh", "followed meta refresh to %s"); act != nil {
				return act
			}
		}
	}
	return nil
}

func (r *runner) selfSubmit(p *agent.Page, f *form) (*action, string, error) {
	s, err := f.submit(p.URL, r.base, nil, nil)
	if err != nil {
		return nil, "", r.pageError(p, KindUnreadable, "self-submitting form: "+err.Error())
	}
	return r.formAction(s, f, nil, nil, fmt.Sprintf("submitted self-submitting form (%s %s)", s.method, shortURL(s.url))), "", nil
}

// nothingToDo is the end of a page without a form to fill: a formless page may still move on
// by script, or be an application shell this reader cannot use (harness trouble, not a stop).
func (r *runner) nothingToDo(p *agent.Page, doc *document) (*action, string, error) {
	if len(doc.forms) > 0 {
		return nil, fmt.Sprintf("no login or consent form on the page (HTTP %d; %s)", p.Status, describeForms(doc.forms)), nil
	}
	for _, js := range doc.scripts {
		if loc, ok := scriptLocation(js); ok {
			if act := r.follow(loc, "script", "followed script location to %s"); act != nil {
				return act, "", nil
			}
		}
	}
	if p.Status >= 200 && p.Status < 300 && len(doc.links) == 0 && len(doc.orphans) == 0 &&
		len(doc.scripts)+doc.scriptSrcs > 0 && doc.textLen < 64 {
		return nil, "", r.pageError(p, KindUnreadable, fmt.Sprintf(
			"the page has no form, almost no text (%d characters) and %d script(s): an application that needs JavaScript",
			doc.textLen, len(doc.scripts)+doc.scriptSrcs))
	}
	return nil, fmt.Sprintf("no login or consent form on the page (HTTP %d)", p.Status), nil
}

// follow navigates to ref (resolved against the page's base URL) with GET; nil when ref cannot be followed.
func (r *runner) follow(ref, via, stepFormat string) *action {
	raw, u, err := agent.Resolve(r.base, ref)
	if err != nil || isScriptURL(u) {
		return nil
	}
	return &action{method: http.MethodGet, url: raw, via: via, step: fmt.Sprintf(stepFormat, shortURL(raw))}
}

func (r *runner) login(p *agent.Page, f *form) (*action, string, error) {
	r.out.LoginShown = true
	if r.passwordSent {
		return nil, "", r.pageError(p, KindLoginRejected, fmt.Sprintf(
			"the login form came back (HTTP %d) after the password was submitted", p.Status))
	}
	pw := f.passwordField(r.opt.Hints.PasswordField)
	values := map[*control]string{pw: r.opt.Password}
	who := "password only"
	if user, _ := f.usernameField(r.opt.Hints.UsernameField); user != nil {
		if r.opt.Username != "" {
			values[user] = r.opt.Username
			who = "username " + r.opt.Username
		} else {
			who = fmt.Sprintf("username left as %q", user.value)
		}
	}
	sub, unsure := f.loginSubmit(r.opt.Hints.Login)
	if unsure != nil {
		return nil, "", r.ambiguous(p, "the login form", "sign in", "interaction.login_button", unsure)
	}
	s, err := f.submit(p.URL, r.base, sub, values)
	if err != nil {
		return nil, "", r.pageError(p, KindUnreadable, "login form: "+err.Error())
	}
	r.passwordSent, r.identifierSent = true, false
	return r.formAction(s, f, sub, values, fmt.Sprintf("filled login form (%s) and %s", who, clicked(sub))), "", nil
}

func (r *runner) identifier(p *agent.Page, f *form, user *control) (*action, string, error) {
	r.out.LoginShown = true
	if r.identifierSent || r.passwordSent {
		return nil, "", r.pageError(p, KindLoginRejected, fmt.Sprintf(
			"the identifier form came back (HTTP %d) after the username was submitted", p.Status))
	}
	sub, unsure := f.loginSubmit(r.opt.Hints.Login)
	if unsure != nil {
		return nil, "", r.ambiguous(p, "the identifier form", "go on", "interaction.login_button", unsure)
	}
	values := map[*control]string{user: r.opt.Username}
	s, err := f.submit(p.URL, r.base, sub, values)
	if err != nil {
		return nil, "", r.pageError(p, KindUnreadable, "identifier form: "+err.Error())
	}
	r.identifierSent = true
	return r.formAction(s, f, sub, values, fmt.Sprintf("entered identifier (username %s) and %s", r.opt.Username, clicked(sub))), "", nil
}

func clicked(c *control) string {
	if c == nil {
		return "submitted it"
	}
	return fmt.Sprintf("clicked %q", c.display())
}

// consent answers the consent form. In order: the control a hint names; a radio group or
// select carrying the decision (then the form's one button); the control whose words say it;
// for a refusal, a link whose words say it; the control the structure singles out (choose.go).
// Several buttons and none of these: an ambiguous error, never a guess.
func (r *runner) consent(p *agent.Page, doc *document, f *form) (*action, string, error) {
	r.out.ConsentShown = true
	want, hint, hintKey, task := approving, r.opt.Hints.Approve, "interaction.approve", "approve"
	if r.opt.Decision == Deny {
		want, hint, hintKey, task = denying, r.opt.Hints.Deny, "interaction.deny", "deny"
	}
	subs := f.submits()
	values, note := map[*control]string{}, ""
	target := hintedControl(subs, hint)
	if target == nil && want == denying {
		if act := r.followDeny(doc.hintedLink(hint)); act != nil {
			return act, "", nil
		}
	}
	if target == nil {
		if ch, ok := decisionChoice(f, r.opt.Hints, want); ok {
			target, note = subs[0], " after choosing "+quote(ch.label)
			ch.apply(values)
		}
	}
	if target == nil {
		target = byWords(subs, r.opt.Hints, want)
	}
	if target == nil && want == denying {
		if act := r.followDeny(doc.denyLink()); act != nil {
			return act, "", nil
		}
	}
	if target == nil && !f.scripted {
		// The buttons of a scripted consent are every button of the page (menus,
		// logout, language): their look says nothing about granting.
		target = byStructure(subs, r.opt.Hints, want)
	}
	if target == nil && len(subs) > 1 && !f.scripted {
		return nil, "", r.ambiguous(p, "the consent form", task, hintKey, subs)
	}
	if target == nil && want == denying {
		return nil, fmt.Sprintf("decision is deny but the consent page offers no deny control (%s)", describeForms([]*form{f})), nil
	}
	if target == nil {
		return nil, fmt.Sprintf("the consent page offers no approve control (%s)", describeForms([]*form{f})), nil
	}
	return r.submitConsent(p, f, target, values, note)
}

func hintedControl(cs []*control, hint string) *control {
	for _, c := range cs {
		if c.matchesHint(hint) {
			return c
		}
	}
	return nil
}

// followDeny follows a link that refuses; nil when there is none or it cannot be followed.
func (r *runner) followDeny(l *link) *action {
	if l == nil {
		return nil
	}
	act := r.follow(l.href, "link", "consent: followed deny link "+quote(l.text)+" to %s")
	if act != nil {
		r.out.Denied = true
	}
	return act
}

// submitConsent presses target with values (a chosen radio or option, or LemonLDAP::NG's
// confirm input).
func (r *runner) submitConsent(p *agent.Page, f *form, target *control, values map[*control]string, note string) (*action, string, error) {
	if f.scripted {
		// No request to build: the browser clicks the button and the page's script acts.
		r.out.Denied = r.opt.Decision == Deny && !r.opt.HoldConsent
		r.press = press{form: f, submitter: target, values: values}
		return &action{via: "script", consent: true,
			step: fmt.Sprintf("consent: clicked %s%s (a button outside any form: the page's script acts)", quote(target.display()), note)}, "", nil
	}
	if v, ok := attrVal(target.attrs, "val"); ok {
		// LemonLDAP::NG: confirm.js copies the clicked button's val attribute into the form's
		// "confirm" input (the refusal is "-" + the key); a person's browser would run it.
		for _, c := range f.controls {
			if c.name == "confirm" && !c.isButton() {
				values[c] = v
				note += " (confirm set from the button's val, as the page's script does)"
				break
			}
		}
	}
	s, err := f.submit(p.URL, r.base, target, values)
	if err != nil {
		return nil, "", r.pageError(p, KindUnreadable, "consent form: "+err.Error())
	}
	r.out.Denied = r.opt.Decision == Deny && !r.opt.HoldConsent
	act := r.formAction(s, f, target, values, fmt.Sprintf("consent: clicked %s%s", quote(target.display()), note))
	act.consent = true
	return act, "", nil
}

// staySignedIn answers a "Stay signed in?" page: neither a login nor the consent, so it sets
// no flag (in particular not Denied, whichever button is pressed).
func (r *runner) staySignedIn(p *agent.Page, f *form) (*action, string, error) {
	sub := staySignedInButton(f)
	s, err := f.submit(p.URL, r.base, sub, nil)
	if err != nil {
		return nil, "", r.pageError(p, KindUnreadable, "stay-signed-in form: "+err.Error())
	}
	return r.formAction(s, f, sub, nil, "stay signed in? "+clicked(sub)), "", nil
}

// formAction is the navigation of submitting f by submitter with values: s as the HTML
// reader sends it, and what a real browser does to send it.
func (r *runner) formAction(s submission, f *form, submitter *control, values map[*control]string, step string) *action {
	r.press = press{form: f, submitter: submitter, values: values}
	return &action{method: s.method, url: s.url, body: s.body, via: agent.ViaForm, step: step}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// readWithHints: a hint naming the control decides; else its wording.
func readWithHints(c *control, h Hints) verdict {
	switch {
	case c.matchesHint(h.Approve):
		return approving
	case c.matchesHint(h.Deny):
		return denying
	}
	return readControl(c)
}

// scriptedConsent is the consent "form" of a page whose buttons sit outside
// any form, as single-page applications draw them (glewlwyd's "Continue"):
// the buttons of the page read as approving or refusing, gathered as one
// scripted form. Only a real browser can press one (runner.scripted).
func (d *document) scriptedConsent(h Hints) *form {
	f := &form{index: -1, scripted: true}
	for _, c := range d.orphans {
		if c.isButton() {
			f.controls = append(f.controls, c)
		}
	}
	if len(f.controls) == 0 {
		return nil
	}
	return (&document{forms: []*form{f}}).consentForm(h)
}

// describeForms summarises forms for a Reason: their buttons.
func describeForms(forms []*form) string {
	var parts []string
	for _, f := range forms {
		var names []string
		for _, c := range f.submits() {
			names = append(names, quote(c.display()))
		}
		switch {
		case len(names) == 0:
			parts = append(parts, fmt.Sprintf("form %d: no buttons", f.index+1))
		default:
			parts = append(parts, fmt.Sprintf("form %d: buttons %s", f.index+1, strings.Join(names, ", ")))
		}
	}
	return strings.Join(parts, "; ")
}

// loginForm returns the sign-in form, found by structure first: a form the
// hint names wins; else, of the forms with a password field, the first that
// is not another kind of form with a password — a registration (two
// password fields: password and confirmation) or a form whose action or
// submit control names registration, a reset or a search. Only when every
// form with a password field looks like one of those is the first taken, as
// before: a sign-in page whose words the reader does not know must still
// be signed in on.
func (d *document) loginForm(hint string) *form {
	var first *form
	for _, f := range d.forms {
		n, hinted := f.passwordFields(hint)
		switch {
		case hinted:
			return f
		case n == 0:
			continue
		case first == nil:
			first = f
		}
		if n == 1 && !f.namesOtherPurpose() {
			return f
		}
	}
	return first
}

// passwordFields counts the enabled password inputs of f, and says whether
// an input the hint names is among its fields.
func (f *form) passwordFields(hint string) (n int, hinted bool) {
	for _, c := range f.controls {
		if c.tag != "input" || c.disabled || c.concealed {
			continue // a concealed field is a trap for robots, not a field a person fills
		}
		if c.typ == "password" {
			n++
		}
		if hint != "" && c.typ != "hidden" && !c.isButton() && (strings.EqualFold(c.name, hint) || strings.EqualFold(c.id, hint)) {
			hinted = true
		}
	}
	return n, hinted
}

// namesOtherPurpose says whether the form's action or one of its submit
// controls names a purpose other than signing in.
func (f *form) namesOtherPurpose() bool {
	texts := []string{f.action, f.id, f.name}
	for _, c := range f.submits() {
		texts = append(texts, c.text, c.value, c.id, c.name)
	}
	for _, t := range texts {
		if namesOtherPurposeText(t) {
			return true
		}
	}
	return false
}

// identifierForm returns a form asking only for a username (identifier-first login).
func (d *document) identifierForm(hint string) (*form, *control) {
	for _, f := range d.forms {
		if c, strong := f.usernameField(hint); c != nil && strong {
			return f, c
		}
	}
	return nil, nil
}

// consentForm returns the first form with a control reading as a decision; a form with both
// an approve and a deny control wins.
func (d *document) consentForm(h Hints) *form {
	var first *form
	for _, f := range d.forms {
		var a, n bool
		for _, c := range f.submits() {
			switch readWithHints(c, h) {
			case approving:
				a = true
			case denying:
				n = true
			}
		}
		if a && n {
			return f
		}
		if (a || n) && first == nil {
			first = f
		}
	}
	return first
}

// consentByStructure returns the consent form of a page whose words name a request for access
// (a client, scopes, permissions), or whose form carries the requested scopes, but whose
// buttons the vocabulary does not know: a form
// without a password field holding two or more buttons, or a radio group or select that
// carries the decision. Its buttons are then told apart by structure, or the reader says it
// cannot (an ambiguous error).
func (d *document) consentByStructure(p *agent.Page) *form {
	worded := lex.has(roleConsent, read(d.title+" "+PageText(p, 4000)))
	for _, f := range d.forms {
		if n, _ := f.passwordFields(""); n > 0 || !worded && !f.namesScopes() {
			continue
		}
		if _, ok := decisionChoice(f, Hints{}, approving); ok || len(f.submits()) >= 2 {
			return f
		}
	}
	return nil
}

// namesScopes reports a form with a field named for scopes (grant_scope, scope[]): the
// checkbox list or hidden copy of the requested scopes that consent forms carry, in any
// language.
func (f *form) namesScopes() bool {
	for _, c := range f.controls {
		for _, w := range words(c.name) {
			if w == "scope" || w == "scopes" {
				return true
			}
		}
	}
	return false
}

// followable reports a link a person can follow somewhere (not "#…", not empty).
func (l *link) followable() bool {
	h := strings.TrimSpace(l.href)
	return h != "" && !strings.HasPrefix(h, "#")
}

// hintedLink returns the link a profile hint names, if any.
func (d *document) hintedLink(hint string) *link {
	for _, l := range d.links {
		if l.followable() && l.matchesHint(hint) {
			return l
		}
	}
	return nil
}

// denyLink returns a link reading as a refusal ("[ Cancel ]").
func (d *document) denyLink() *link {
	for _, l := range d.links {
		if l.followable() && (readAs(l.text) == denying || readAs(l.id) == denying || readAs(l.title) == denying) {
			return l
		}
	}
	return nil
}

// selfSubmitting returns the form a page submits by itself: a form of hidden inputs only that an
// inline script or <body onload> submits (at most one visible button besides), or whose only
// buttons sit in <noscript> (what a browser without JavaScript shows instead).
func (d *document) selfSubmitting() *form {
	var ref string
	index, scripted := -1, false
	for _, js := range append([]string{d.onload}, d.scripts...) {
		if r, i, ok := autoSubmit(js); ok {
			scripted = true
			if ref == "" && index < 0 {
				ref, index = r, i
			}
		}
	}
	candidate := func(f *form) bool {
		if !f.onlyHidden() {
			return false
		}
		visible, hidden := 0, 0
		for _, c := range f.submits() {
			if c.inNoscript {
				hidden++
			} else {
				visible++
			}
		}
		if scripted {
			return visible <= 1
		}
		return visible == 0 && hidden > 0
	}
	if scripted {
		for _, f := range d.forms {
			if ref != "" && (f.id == ref || f.name == ref) || ref == "" && index == f.index {
				if candidate(f) {
					return f
				}
				return nil
			}
		}
	}
	for _, f := range d.forms {
		if candidate(f) {
			return f
		}
	}
	return nil
}
