package steps

import (
	"context"
	"fmt"
	"regexp"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// A run signs in with the password once (target.SignedIn). A scenario's
// browser starts from a copy of that session's cookies, unless one of the
// scenario's steps is listed in freshBrowserSteps: then it starts fresh, with
// no cookies, and signs in itself when the server asks (--fresh-login makes
// every browser fresh).
//
// Why a copy is the default, and why this list keeps verdicts honest: a
// browser that is already signed in can only take pages away from a flow —
// the login page, and, on a server that remembers consent in the session,
// the consent page. Whatever is judged from the redirect, the response or
// the token is the same either way. So a step is listed when its scenario
// judges those pages, needs them to act, or needs no session at all. Two
// nets catch a step missing from the list:
//   - the checks that read every page of the flow, or whether the login page
//     was shown, refuse to judge a signed-in copy (world.freshOnly): the
//     scenario cannot be judged, and the message names this list — never a
//     pass on pages the browser did not see;
//   - internal/suite TestSessionReuseKeepsVerdicts compares every verdict
//     with --fresh-login's, sequentially and concurrently.
//
// A copy is the caller's alone: cookies written in a scenario stay in it.
// The server's session is shared by the copies, though; that is why the
// consent entries ask for a fresh browser only where the server remembers
// consent in it (target.RemembersConsent).
var freshBrowserSteps = []freshStep{
	{step: `^the browser sends the request without a session at the server$`,
		why: "the request is judged without a session (prompt=none: OIDC-09, RDR-24); a session would let the server answer it"},
	{step: `the prompt "none"$`,
		why: "prompt=none is refused with login_required only without a session (STATE-02, RDR-24); with one the server may issue tokens, and there is no error to judge"},
	{step: `^(every|no) page the browser was shown|^every request the browser made to the server`,
		why: "the check reads every page of the flow, and the login page is one of them (SEC-01, SEC-02, SEC-03, SEC-09); a session would skip it"},
	{step: `^the credentials posted to the login form`,
		why: "the check judges the answer to the login form's POST (SEC-06); a session would post none"},
	{step: `^the login page is opened`,
		why: "the scenario opens the login page (SEC-09); a session would skip it"},
	{step: `serves no sign-in page`,
		why: "the check judges whether the plain-http address shows the sign-in page (SEC-01)"},
	{step: `^the resource owner has signed in at the server in this browser$`,
		why: "re-authentication (OIDC-10, OIDC-11): the scenario makes its own sign-in, the one max_age and auth_time are measured from, then asks for another"},
	{step: `in a fresh browser`,
		why: "the scenario compares the sub of two real sign-ins (OIDC-12)"},
	{step: `denies the request$`, consent: true,
		why: "a denial is made on the consent page (ERR, FRAG, FORM scenarios); a copy of the run's session, which approved the client, skips it on a server that remembers consent"},
	{step: `forges the consent form|the consent form is submitted from a browser`, consent: true,
		why: "the scenario submits the consent form in altered ways (SEC-07); a copy of the run's session skips it on a server that remembers consent"},
}

// freshStep is one entry of freshBrowserSteps: a pattern matched against
// the text of each step of a scenario (Examples filled in), and why such a
// scenario needs a fresh browser. consent: only on a server that remembers
// consent in the session.
type freshStep struct {
	step    string
	why     string
	consent bool
	re      *regexp.Regexp
}

func init() {
	for i := range freshBrowserSteps {
		freshBrowserSteps[i].re = regexp.MustCompile(freshBrowserSteps[i].step)
	}
}

// Browser is the browser a scenario's flows start in.
type Browser struct {
	// Fresh says why the scenario needs a fresh browser; "" when a copy of
	// the run's sign-in serves.
	Fresh string
	// Consent says why the scenario needs the consent page: a fresh browser
	// only on a server that remembers consent in the session.
	Consent string
}

// BrowserFor is the browser of a scenario with these steps (their text,
// Examples filled in), by freshBrowserSteps.
func BrowserFor(steps []string) Browser {
	var b Browser
	for _, f := range freshBrowserSteps {
		for _, s := range steps {
			if !f.re.MatchString(s) {
				continue
			}
			switch {
			case !f.consent && b.Fresh == "":
				b.Fresh = f.why
			case f.consent && b.Consent == "":
				b.Consent = f.why
			}
		}
	}
	return b
}

// FreshBrowserSteps lists the patterns of freshBrowserSteps, for a test
// that each still matches a step of the features.
func FreshBrowserSteps() []string {
	out := make([]string, len(freshBrowserSteps))
	for i, f := range freshBrowserSteps {
		out[i] = f.step
	}
	return out
}

// pageBytes is how much of each page the browser keeps as evidence.
const pageBytes = 256 << 10

// newAgent is a fresh browser for this scenario: its own empty cookie jar,
// and the URI the request names counted as the client's, registered or not
// — the browser must never contact it, and a redirect to it is what is
// judged. A step that needs another browser without the resource owner's
// cookies (a replay, a second sign-in) uses it whatever the scenario's
// Browser is.
func (w *world) newAgent() (*agent.Agent, error) { return w.agentWith(nil) }

// agentWith is newAgent whose cookie jar is jar (nil: an empty one).
func (w *world) agentWith(jar *agent.Jar) (*agent.Agent, error) {
	cfg := w.t.AgentConfig()
	// Whole pages, not excerpts: the security checks read every page's
	// markup (a reflected parameter may sit far down the page).
	cfg.ExcerptBytes = pageBytes
	cfg.Jar = jar
	a, err := agent.New(cfg)
	if err != nil {
		return nil, err
	}
	// A deliberately malformed redirect URI that cannot be parsed is not
	// marked (MarkClientURI ignores it): no navigation can reach it either.
	if w.redirectURI != "" {
		a.MarkClientURI(w.redirectURI)
	}
	return a, nil
}

// startBrowser gives the scenario its browser, whose hops are the
// scenario's evidence: a new one of the scenario's Browser.
func (w *world) startBrowser(ctx context.Context) (*agent.Agent, error) {
	a, err := w.anotherBrowser(ctx)
	if err == nil {
		w.agent = a
	}
	return a, err
}

// anotherBrowser is a new browser of the scenario's Browser: signed in
// from a copy of the run's session, or fresh.
func (w *world) anotherBrowser(ctx context.Context) (*agent.Agent, error) {
	jar := w.signedInJar(ctx)
	a, err := w.agentWith(jar)
	if err == nil && jar != nil {
		w.signedIn = true
	}
	return a, err
}

// signedInJar is the cookie jar the scenario's browsers start from: a copy
// of the run's session, or nil for a fresh browser.
func (w *world) signedInJar(ctx context.Context) *agent.Jar {
	switch {
	case w.browser.Fresh != "":
		return nil
	case w.browser.Consent != "" && w.t.RemembersConsent(ctx):
		return nil
	}
	return w.t.SignedIn(ctx)
}

// freshOnly refuses a judgement that reads what only a fresh browser is
// shown (the login page, every page of the flow) when the scenario's
// browser started signed in: its step is missing from freshBrowserSteps,
// and judging would pass on pages the browser never saw.
func (w *world) freshOnly(what string) error {
	if !w.signedIn {
		return nil
	}
	return w.harnessErr(fmt.Errorf("%s, but the scenario's browser started signed in (a copy of the run's one sign-in) and was never shown the login page: "+
		"the harness must list this scenario's step in freshBrowserSteps (steps/browser.go); --fresh-login judges it meanwhile", what))
}
