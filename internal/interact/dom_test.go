package interact

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// tags writes ‹ and › as < and >. The pages of these tests are written so because
// TestParseGolden characterises every markup literal of the package's tests as a page of the
// reader; these pages test the Planner, whose decisions come from the same code.
func tags(s string) string { return strings.NewReplacer("‹", "<", "›", ">").Replace(s) }

func domPage(t *testing.T, rawURL, body string) *agent.Page {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return &agent.Page{URL: u, Status: 200, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(body)}
}

var nthChild = regexp.MustCompile(`^([a-z*][a-z0-9-]*)(?::nth-child\((\d+)\))?$`)

// resolve finds the element a DOMTarget's selector names in the tree the browser's parser
// builds from body: the test's stand-in for document.querySelectorAll.
func resolve(t *testing.T, body string, sel string) *html.Node {
	t.Helper()
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	cur := root
	for i, part := range strings.Split(sel, " > ") {
		m := nthChild.FindStringSubmatch(part)
		if m == nil {
			t.Fatalf("selector %q: step %q is not tag[:nth-child(k)]", sel, part)
		}
		var found *html.Node
		k := 0
		for c := cur.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			k++
			if (m[1] == "*" || c.Data == m[1]) && (m[2] == "" || m[2] == strconv.Itoa(k)) {
				if found != nil && m[2] == "" && i > 0 && m[1] != "head" && m[1] != "body" {
					t.Fatalf("selector %q: step %q is not unique", sel, part)
				}
				if found == nil {
					found = c
				}
			}
		}
		if found == nil {
			t.Fatalf("selector %q: nothing at %q", sel, part)
		}
		cur = found
	}
	return cur
}

// describe is what the test expects of an element: tag and its name or id.
func describe(n *html.Node) string {
	s := n.Data
	for _, k := range []string{"name", "id"} {
		if v := attrString(n.Attr, k); v != "" {
			return s + " " + k + "=" + v
		}
	}
	return s
}

type wantStep struct {
	step     string
	fill     []string // "element=value" (element as describe says), "+element" for a checked radio
	click    string
	form     string
	navigate string
	stop     string // the Reason, for a stop
	consent  bool
}

func checkStep(t *testing.T, body string, got *DOMStep, want wantStep) {
	t.Helper()
	if want.stop != "" {
		if !got.Stop || !strings.Contains(got.Reason, want.stop) {
			t.Errorf("got %+v, want a stop: %s", got, want.stop)
		}
		return
	}
	if got.Stop || got.Step != want.step || got.Navigate != want.navigate || got.Consent != want.consent {
		t.Errorf("got step %q navigate %q consent %v stop %v, want %q %q %v", got.Step, got.Navigate, got.Consent, got.Stop, want.step, want.navigate, want.consent)
	}
	var fills []string
	for _, f := range got.Fill {
		el := describe(resolve(t, body, f.Target.Selector))
		if el != f.Target.Tag+strings.TrimPrefix(el, f.Target.Tag) {
			t.Errorf("fill %s: tag %s", el, f.Target.Tag)
		}
		if f.Check {
			fills = append(fills, "+"+el)
		} else {
			fills = append(fills, el+"="+f.Value)
		}
		if f.Secret != (f.Value == "s3cret") {
			t.Errorf("fill %s: Secret %v", el, f.Secret)
		}
	}
	if strings.Join(fills, ";") != strings.Join(want.fill, ";") {
		t.Errorf("fills %q, want %q", fills, want.fill)
	}
	target := func(d *DOMTarget) string {
		if d == nil {
			return ""
		}
		return describe(resolve(t, body, d.Selector))
	}
	if c := target(got.Click); c != want.click {
		t.Errorf("click %q, want %q", c, want.click)
	}
	if f := target(got.Form); f != want.form {
		t.Errorf("form %q, want %q", f, want.form)
	}
}

func TestPlannerSteps(t *testing.T) {
	const page = "https://as.example/authorize?client_id=c"
	cases := []struct {
		name string
		body string
		opt  Options
		want wantStep
	}{
		{
			name: "login",
			body: tags(`‹html›‹head›‹title›Sign in‹/title›‹/head›‹body›‹div›Welcome‹/div›‹div›‹form id="login" method="post" action="/login"›
‹input type="hidden" name="csrf" value="x"›‹label›User ‹input name="username"›‹/label›
‹input type="password" name="password"›‹button type="submit"›Sign in‹/button›‹/form›‹/div›‹/body›‹/html›`),
			want: wantStep{step: `filled login form (username alice) and clicked "Sign in"`,
				fill: []string{"input name=username=alice", "input name=password=s3cret"}, click: "button", form: "form id=login"},
		},
		{
			name: "controls outside the form by its form attribute",
			body: tags(`‹html›‹body›‹form id="f" method="post" action="/login"›‹/form›‹p›‹input form="f" name="user"›
‹input form="f" type="password" name="pw"›‹/p›‹button form="f" id="go"›Log in‹/button›‹/body›‹/html›`),
			want: wantStep{step: `filled login form (username alice) and clicked "Log in"`,
				fill: []string{"input name=user=alice", "input name=pw=s3cret"}, click: "button id=go", form: "form id=f"},
		},
		{
			name: "a page's own mark points nowhere",
			body: tags(`‹html›‹body›‹input name="decoy" data-implicitspec-el="3"›‹form method="post" data-implicitspec-el="0"›
‹input name="username" data-implicitspec-el="0"›‹input type="password" name="password" data-implicitspec-el="0"›
‹input type="submit" name="go" value="Sign in" data-implicitspec-el="0"›‹/form›‹/body›‹/html›`),
			want: wantStep{step: `filled login form (username alice) and clicked "Sign in"`,
				fill: []string{"input name=username=alice", "input name=password=s3cret"}, click: "input name=go", form: "form"},
		},
		{
			name: "consent by radio",
			body: tags(`‹html›‹head›‹title›Authorize app‹/title›‹/head›‹body›‹form method="post" action="/consent" name="c"›
‹label›‹input type="radio" name="decision" value="yes"›Yes, allow‹/label›‹label›‹input type="radio" name="decision" value="no" checked›No‹/label›
‹button›Continue‹/button›‹/form›‹/body›‹/html›`),
			want: wantStep{step: `consent: clicked "Continue" after choosing "Yes, allow"`,
				fill: []string{"+input name=decision"}, click: "button", form: "form name=c", consent: true},
		},
		{
			name: "self-submitting form with a noscript button",
			body: tags(`‹html›‹body onload="document.forms[0].submit()"›‹form method="post" action="https://client.example/cb" id="fp"›
‹input type="hidden" name="access_token" value="t"›‹noscript›‹button›Continue‹/button›‹/noscript›‹/form›‹/body›‹/html›`),
			want: wantStep{step: "submitted self-submitting form (POST https://client.example/cb)", form: "form id=fp"},
		},
		{
			name: "a form inside noscript comes first",
			body: tags(`‹html›‹body›‹noscript›‹form action="/nojs"›‹button›Go‹/button›‹/form›‹/noscript›
‹form id="real" method="post"›‹input name="username"›‹input type="password" name="password"›‹button›Sign in‹/button›‹/form›‹/body›‹/html›`),
			want: wantStep{step: `filled login form (username alice) and clicked "Sign in"`,
				fill: []string{"input name=username=alice", "input name=password=s3cret"}, click: "button", form: "form id=real"},
		},
		{
			name: "delayed refresh",
			body: tags(`‹html›‹head›‹meta http-equiv="refresh" content="5; url=/next?x=1"›‹/head›‹body›Redirecting…‹/body›‹/html›`),
			want: wantStep{step: "followed meta refresh to https://as.example/next", navigate: "https://as.example/next?x=1"},
		},
		{
			name: "deny link",
			body: tags(`‹html›‹head›‹title›Grant access‹/title›‹/head›‹body›‹form method="post"›‹button name="ok"›Allow‹/button›‹/form›
‹a href="/deny?x=1"›Cancel‹/a›‹/body›‹/html›`),
			opt:  Options{Decision: Deny},
			want: wantStep{step: `consent: followed deny link "Cancel" to https://as.example/deny`, navigate: "https://as.example/deny?x=1"},
		},
		{
			name: "buttons outside any form, as an application draws them",
			body: tags(`‹html›‹head›‹title›Glewlwyd login‹/title›‹/head›‹body›‹div id="root"›‹p›Connection to Implicit client‹/p›
‹button type="button" class="btn btn-primary"›Continue‹/button›‹button type="button"›Logout‹/button›‹button type="button"›Manage‹/button›‹/div›‹/body›‹/html›`),
			opt:  Options{Hints: Hints{Approve: "Continue"}},
			want: wantStep{step: `consent: clicked "Continue" (a button outside any form: the page's script acts)`, click: "button", consent: true},
		},
		{
			name: "buttons outside any form, refused",
			body: tags(`‹html›‹body›‹div›‹p›Example app wants access‹/p›‹button type="button"›Allow‹/button›‹button type="button" id="no"›Deny‹/button›‹/div›‹/body›‹/html›`),
			opt:  Options{Decision: Deny},
			want: wantStep{step: `consent: clicked "Deny" (a button outside any form: the page's script acts)`, click: "button id=no", consent: true},
		},
		{
			name: "buttons outside any form, none refuses",
			body: tags(`‹html›‹body›‹div›‹p›Connection to Implicit client‹/p›‹button type="button"›Continue‹/button›‹button type="button"›Logout‹/button›‹button type="button"›Manage‹/button›‹/div›‹/body›‹/html›`),
			opt:  Options{Decision: Deny, Hints: Hints{Approve: "Continue"}},
			want: wantStep{stop: "decision is deny but the consent page offers no deny control"},
		},
		{
			name: "error page",
			body: tags(`‹html›‹head›‹title›Error‹/title›‹/head›‹body›‹h1›invalid_request‹/h1›‹p›The redirect URI is not registered.‹/p›‹/body›‹/html›`),
			want: wantStep{stop: "no login or consent form on the page (HTTP 200)"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { plannerStep(t, page, tc.body, tc.opt, tc.want) })
	}
}

// plannerStep checks the first step of a Planner on body.
func plannerStep(t *testing.T, page, body string, opt Options, want wantStep) {
	opt.Username, opt.Password = "alice", "s3cret"
	pl := NewPlanner(opt, nil)
	p := domPage(t, page, body)
	got, err := pl.Next(p)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	checkStep(t, body, got, want)
	out := pl.Outcome()
	if out.Page != p {
		t.Error("Outcome().Page is not the rendered page")
	}
	if want.stop == "" && (len(out.Steps) != 1 || out.Steps[0] != want.step) {
		t.Errorf("Outcome().Steps %q", out.Steps)
	}
	noSecret(t, out, nil, "s3cret")
}

// Buttons outside any form do something only when the page's scripts run: the
// HTML reader, which runs none, does not press them.
func TestFormlessButtonsNeedScripts(t *testing.T) {
	body := tags(`‹html›‹body›‹div›‹p›Example app wants access‹/p›‹button type="button"›Allow‹/button›‹button type="button"›Deny‹/button›‹/div›‹/body›‹/html›`)
	r := newRunner(Options{Username: "alice", Password: "s3cret"}, nil)
	act, reason, err := r.decide(domPage(t, "https://as.example/consent", body))
	if act != nil || err != nil || !strings.Contains(reason, "no login or consent form") {
		t.Errorf("the HTML reader: action %+v, reason %q, error %v; want nothing to do", act, reason, err)
	}
}

// TestPlannerSameAsRun: on the same page, the Planner takes the step Run takes.
func TestPlannerSameAsRun(t *testing.T) {
	c := newClientSite(t)
	h := newHydra(t, c)
	a := newTestAgent(t, c, h.hydra, h.app)
	res, err := a.Navigate(context.Background(), "GET", h.authURL(), "", "start")
	if err != nil || res.Page == nil {
		t.Fatalf("Navigate: %v %+v", err, res)
	}
	opt := Options{Username: "alice", Password: "alice-pw"}
	got, err := NewPlanner(opt, nil).Next(res.Page)
	if err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, newTestAgent(t, c, h.hydra, h.app), h.authURL(), opt)
	if len(out.Steps) == 0 || got.Step != out.Steps[0] {
		t.Errorf("Planner: %q; Run: %q", got.Step, out.Steps)
	}
	if got.Submission == nil || got.Submission.Method != "POST" || !strings.Contains(got.Submission.Body, "password=alice-pw") {
		t.Errorf("submission %+v", got.Submission)
	}
}

func TestPlannerState(t *testing.T) {
	var (
		login = tags(`‹html›‹head›‹title›Sign in‹/title›‹/head›‹body›‹form method="post"›‹input name="username"›
‹input type="password" name="password"›‹button›Sign in‹/button›‹/form›‹/body›‹/html›`)
		identifier = tags(`‹html›‹head›‹title›Sign in‹/title›‹/head›‹body›‹form method="post"›
‹input name="username" autocomplete="username"›‹button›Next‹/button›‹/form›‹/body›‹/html›`)
		consent = tags(`‹html›‹head›‹title›Consent‹/title›‹/head›‹body›‹form method="post"›‹button name="a" value="1"›Allow‹/button›
‹button name="a" value="0"›Deny‹/button›‹/form›‹/body›‹/html›`)
	)
	cases := []struct {
		name   string
		opt    Options
		pages  []string
		kind   ErrorKind // of the last page's error; "" for none
		logins int
	}{
		{"login comes back", Options{}, []string{login, login}, KindLoginRejected, 1},
		{"identifier first", Options{}, []string{identifier, login, consent}, "", 1},
		{"identifier comes back", Options{}, []string{identifier, identifier}, KindLoginRejected, 0},
		{"password page comes back", Options{}, []string{identifier, login, login}, KindLoginRejected, 1},
		{"step limit", Options{MaxSteps: 2}, []string{consent, consent, consent}, KindStepLimit, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logins := 0
			opt := tc.opt
			opt.Username, opt.Password, opt.OnPassword = "alice", "s3cret", func() { logins++ }
			pl := NewPlanner(opt, nil)
			var err error
			for i, body := range tc.pages {
				_, err = pl.Next(domPage(t, "https://as.example/p"+strconv.Itoa(i), body))
				if err != nil && i < len(tc.pages)-1 {
					t.Fatalf("page %d: %v", i, err)
				}
			}
			if tc.kind == "" && err != nil {
				t.Fatalf("last page: %v", err)
			}
			if tc.kind != "" {
				wantError(t, err, tc.kind)
				if out := pl.Outcome(); out.Kind != Stopped || out.Reason == "" {
					t.Errorf("outcome after the error: %+v", out)
				}
			}
			if logins != tc.logins {
				t.Errorf("OnPassword called %d times, want %d", logins, tc.logins)
			}
		})
	}
}

// A press that changes nothing (glewlwyd's "Grant access" for a scope it does not know: its
// request fails, the page stays as it was) must not loop to the step limit, and what follows
// depends on the page alone: an alert on it is the server's answer, where the flow stops;
// without one the harness cannot judge. A toast is no change; a page that changed otherwise,
// or moved, is pressed again.
func TestPlannerPressThatChangesNothing(t *testing.T) {
	grant := func(extra string) string {
		return tags(`‹html›‹head›‹title›Glewlwyd login‹/title›‹/head›‹body›‹div id="root"›` + extra + `
‹h3›Client access grant‹/h3›‹button type="button" class="btn btn-primary"›Grant access‹/button›‹/div›‹/body›‹/html›`)
	}
	alert := grant(`‹div class="alert alert-danger" role="alert"›Error, no required scope is available‹/div›`)
	cases := []struct {
		name   string
		pages  []string
		urls   []string // the page's address, by page; the first for all when shorter
		reason string   // the Stop's reason on the last page
		kind   ErrorKind
	}{
		{name: "an alert says why", pages: []string{alert, alert},
			reason: `the page shows "Error, no required scope is available", and pressing "Grant access" changes nothing on it`},
		{name: "assertive live region, in any language", pages: []string{
			grant(`‹p aria-live="assertive"›Fehler: kein  Geltungsbereich‹/p›`), grant(`‹p aria-live="assertive"›Fehler: kein  Geltungsbereich‹/p›`)},
			reason: `the page shows "Fehler: kein Geltungsbereich", and pressing "Grant access" changes nothing on it`},
		{name: "no message", pages: []string{grant(""), grant("")}, kind: KindStepLimit},
		{name: "a hidden alert says nothing", pages: []string{
			grant(`‹div role="alert" hidden›Error‹/div›‹div role="alert" style="display: none"›Error‹/div›‹div role="alert"› ‹/div›`),
			grant(`‹div role="alert" hidden›Error‹/div›‹div role="alert" style="display: none"›Error‹/div›‹div role="alert"› ‹/div›`)},
			kind: KindStepLimit},
		{name: "a toast says the press failed", pages: []string{alert,
			grant(`‹div class="alert alert-danger" role="alert"›Error, no required scope is available‹/div›‹div class="toast" role="alert"›‹strong›Glewlwyd‹/strong›‹span aria-hidden="true"›×‹/span›‹div›Error while saving grant access to client‹/div›‹/div›`)},
			reason: `the page shows "Error, no required scope is available / Glewlwyd Error while saving grant access to client", and pressing "Grant access" changes nothing on it`},
		{name: "the page changed", pages: []string{grant(""), grant("‹p›Step 2 of 2‹/p›"), grant("")}},
		{name: "the page moved", pages: []string{alert, alert}, urls: []string{"https://as.example/a", "https://as.example/b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl := NewPlanner(Options{Hints: Hints{Approve: "Grant access"}}, nil)
			var step *DOMStep
			var err error
			for i, body := range tc.pages {
				u := "https://as.example/login.html"
				if i < len(tc.urls) {
					u = tc.urls[i]
				}
				step, err = pl.Next(domPage(t, u, body))
				if i < len(tc.pages)-1 && (err != nil || step.Stop) {
					t.Fatalf("page %d: step %+v, error %v", i, step, err)
				}
			}
			switch {
			case tc.kind != "":
				wantError(t, err, tc.kind)
				if !strings.Contains(err.Error(), `pressing "Grant access" changed nothing on the page`) {
					t.Errorf("error %q does not say what changed nothing", err)
				}
			case err != nil:
				t.Fatalf("last page: %v", err)
			case tc.reason != "":
				if !step.Stop || step.Reason != tc.reason || pl.Outcome().Kind != Stopped || pl.Outcome().Reason != tc.reason {
					t.Errorf("step %+v, outcome %+v; want a stop: %s", step, pl.Outcome(), tc.reason)
				}
			case step.Stop || step.Click == nil:
				t.Errorf("step %+v: want the press made again", step)
			}
		})
	}
}

func TestPlannerHoldsConsent(t *testing.T) {
	pl := NewPlanner(Options{HoldConsent: true}, nil)
	p := domPage(t, "https://as.example/consent", tags(`‹html›‹head›‹title›Consent‹/title›‹/head›‹body›
‹form method="post" action="/consent"›‹button name="a" value="1"›Allow‹/button›‹button name="a" value="0"›Deny‹/button›‹/form›‹/body›‹/html›`))
	got, err := pl.Next(p)
	if err != nil {
		t.Fatal(err)
	}
	out := pl.Outcome()
	if !got.Stop || out.HeldConsent == nil || out.HeldConsent.Body != "a=1" || out.HeldConsent.Page != p {
		t.Errorf("step %+v, held %+v", got, out.HeldConsent)
	}
}

func TestPlannerEnds(t *testing.T) {
	prior := &Outcome{Steps: []string{"filled login form (username alice) and clicked \"Sign in\""}, LoginShown: true,
		flow: flowState{passwordSent: true, acted: 1}}
	pl := NewPlanner(Options{}, prior)
	d := &agent.Departure{Method: "GET", Via: "redirect 302", Status: 302, ClientURI: true}
	out := pl.Departed(d, &Landing{URL: "http://127.0.0.1:1/cb#access_token=t"})
	if out.Kind != Redirected || out.Departure != d || out.Landing == nil || len(out.Steps) != 1 || !out.LoginShown {
		t.Errorf("Departed: %+v", out)
	}
	if &out.Steps[0] == &prior.Steps[0] {
		t.Error("the prior outcome's Steps are shared")
	}
	pl = NewPlanner(Options{}, prior)
	out = pl.Failed(&agent.Error{Kind: agent.KindTimeout, URL: "https://as.example/p"})
	if out.Kind != Stopped || !strings.Contains(out.Reason, "timeout") {
		t.Errorf("Failed: %+v", out)
	}
}

// fakeRenderer stands for the real browser: it records how it was called.
type fakeRenderer struct {
	calls []rendererCall
}

type rendererCall struct {
	start Start
	prior *Outcome
}

func (f *fakeRenderer) Run(ctx context.Context, a *agent.Agent, start Start, opt Options, prior *Outcome) (*Outcome, error) {
	f.calls = append(f.calls, rendererCall{start, prior})
	out := &Outcome{Kind: Navigated, Departure: &agent.Departure{Method: "GET", Via: "script"}}
	if prior != nil {
		out.Steps = append(append(out.Steps, prior.Steps...), "in the browser")
	}
	return out, nil
}

func TestDrivers(t *testing.T) {
	shell := tags(`‹!DOCTYPE html›‹html›‹head›‹title›App‹/title›‹script src="/app.js"›‹/script›‹/head›‹body›‹div id="root"›Loading…‹/div›‹/body›‹/html›`)
	pages := map[string]fakePage{
		"/authorize":  {body: tags(`‹html›‹head›‹title›Sign in‹/title›‹/head›‹body›‹form method="post" action="/login"›‹input name="username"›‹input type="password" name="password"›‹button›Sign in‹/button›‹/form›‹/body›‹/html›`)},
		"POST /login": {status: 302, location: "/app?x=1"},
		"/app":        {body: shell},
	}
	cases := []struct {
		name      string
		driver    Driver
		renderer  bool
		wantCalls int
		wantErr   ErrorKind
		wantStart string // path and query of the renderer's start
		wantSteps int    // of the prior handed over
	}{
		{name: "html", driver: DriverHTML, renderer: true, wantErr: KindUnreadable},
		{name: "auto without a renderer", driver: DriverAuto, wantErr: KindUnreadable},
		{name: "browser without a renderer", driver: DriverBrowser, wantErr: KindUnreadable},
		{name: "auto", driver: DriverAuto, renderer: true, wantCalls: 1, wantStart: "/app?x=1", wantSteps: 1},
		{name: "browser", driver: DriverBrowser, renderer: true, wantCalls: 1, wantStart: "/authorize"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, pages)
			a := newTestAgent(t, c, f.srv)
			fake := &fakeRenderer{}
			opt := Options{Username: "alice", Password: "s3cret", Driver: tc.driver}
			if tc.renderer {
				opt.Renderer = fake
			}
			out, err := run(t, a, f.srv.URL+"/authorize", opt)
			if tc.wantErr != "" {
				wantError(t, err, tc.wantErr)
			} else if err != nil {
				t.Fatal(err)
			}
			if len(fake.calls) != tc.wantCalls {
				t.Fatalf("renderer called %d times, want %d", len(fake.calls), tc.wantCalls)
			}
			if tc.wantCalls == 0 {
				return
			}
			call := fake.calls[0]
			if call.start.Method != "GET" && call.start.Method != "" || call.start.URL != f.srv.URL+tc.wantStart {
				t.Errorf("renderer started with %+v", call.start)
			}
			if tc.driver == DriverBrowser {
				if call.prior != nil || len(a.Hops()) != 0 {
					t.Errorf("the browser driver must start from nothing: prior %+v, %d hops", call.prior, len(a.Hops()))
				}
				return
			}
			if call.prior == nil || len(call.prior.Steps) != tc.wantSteps || !call.prior.LoginShown || out.Kind != Navigated {
				t.Fatalf("prior %+v, outcome %+v", call.prior, out)
			}
			// The browser goes on with the reader's state: the login coming back is a rejection.
			_, err = NewPlanner(opt, call.prior).Next(domPage(t, f.srv.URL+"/authorize", pages["/authorize"].body))
			wantError(t, err, KindLoginRejected)
		})
	}
}

// TestMarkDOMKeepsTheDecision: what the reader decides on the marked copy is what it decides
// on the page itself. (A form opened inside a <table> owns controls that are not its
// descendants: no serialisation keeps that, so the browser writes it as form attributes.)
func TestMarkDOMKeepsTheDecision(t *testing.T) {
	for _, body := range []string{
		tags(`‹table›‹form method=post id=f›‹/form›‹tr›‹td›‹input name=u form=f›‹td›‹input type=password name=p form=f›‹td›‹input type=submit value=Go form=f›‹/table›`),
		tags(`‹form›‹input name=q›‹/form›‹form method=post›‹input type=password name=p›‹button›Log in‹/button›‹/form›`),
		tags(`‹noscript›‹form action=/x›‹button›Go‹/button›‹/form›‹/noscript›‹form method=post›‹input name=u›‹input type=password name=p›‹button›Sign in‹/button›‹/form›`),
	} {
		p := domPage(t, "https://as.example/", body)
		view, m := markDOM(p)
		if bytes.Equal(view.Body, p.Body) || len(m.nodes) == 0 {
			t.Fatalf("not marked: %s", view.Body)
		}
		r1 := newRunner(Options{Username: "u", Password: "pw"}, nil)
		r2 := newRunner(Options{Username: "u", Password: "pw"}, nil)
		a1, reason1, err1 := r1.decide(p)
		a2, reason2, err2 := r2.decide(view)
		if (a1 == nil) != (a2 == nil) || reason1 != reason2 || (err1 == nil) != (err2 == nil) {
			t.Errorf("%s:\n  page: %+v %q %v\n  view: %+v %q %v", body, a1, reason1, err1, a2, reason2, err2)
			continue
		}
		if a1 != nil && (a1.step != a2.step || a1.body != a2.body) {
			t.Errorf("%s:\n  page: %+v\n  view: %+v", body, *a1, *a2)
		}
	}
}
