package browser

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// startBrowser starts chromium for one test. Without chromium the test is
// skipped, and says why; under CI=true a missing chromium is a failure: the
// CI image is meant to have it.
func startBrowser(t *testing.T) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("starts chromium: not in -short")
	}
	path, err := Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Start(ctx, path)
	if err != nil {
		t.Fatalf("Start(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return b
}

// The users of the test server, and what it issues them.
var users = map[string]string{"alice": "s3cret", "bob": "hunter2"}

// idp is an authorization server whose login page is a JavaScript
// application: a <div id=root> that a script fills with a form, whose
// fields it reads as a framework's controlled inputs do (a value set by
// assignment is not seen; one typed, or set through the native setter, is),
// and which posts the credentials with fetch() as JSON, then sets the
// location to the continue URL. The consent page is plain HTML, with an
// image from a foreign origin.
type idp struct {
	srv       *httptest.Server
	mu        sync.Mutex
	logins    []loginPost         // what /api/login received
	seen      []string            // the cookies the consent page's script saw (document.cookie)
	cookie    map[string][]string // Cookie headers received, by path
	handshake strings.Builder     // the server's log: a TLS handshake a client failed is chromium's own
	n         atomic.Int64
}

type loginPost struct {
	Username, Password, Cookies, Query string
}

func newIDP(t *testing.T) *idp {
	t.Helper()
	s := &idp{cookie: map[string][]string{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ErrorLog = log.New(lockedWriter{&s.mu, &s.handshake}, "", 0)
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)
	return s
}

func (s *idp) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.cookie[r.URL.Path] = append(s.cookie[r.URL.Path], r.Header.Get("Cookie"))
	s.mu.Unlock()
	sid, _ := r.Cookie("sid")
	switch {
	case r.URL.Path == "/authorize" && r.FormValue("client_id") != "demo":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `<html><head><title>Error</title></head><body><h1>invalid_request</h1><p>Unknown client.</p></body></html>`)
	case r.URL.Path == "/authorize":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, loginApp)
	case r.URL.Path == "/api/login" && r.Method == http.MethodPost:
		s.login(w, r)
	case r.URL.Path == "/continue" && sid != nil:
		http.Redirect(w, r, "/consent?"+r.URL.RawQuery, http.StatusFound)
	case r.URL.Path == "/consent" && r.Method == http.MethodGet && sid != nil:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, consentPage, html.EscapeString(r.URL.RawQuery))
	case r.URL.Path == "/consent" && r.Method == http.MethodPost && sid != nil:
		s.decide(w, r, sid.Value)
	default:
		http.Error(w, "not here", http.StatusNotFound)
	}
}

func (s *idp) login(w http.ResponseWriter, r *http.Request) {
	var p loginPost
	json.NewDecoder(r.Body).Decode(&p)
	s.mu.Lock()
	s.logins = append(s.logins, p)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if pw, ok := users[p.Username]; !ok || pw != p.Password {
		io.WriteString(w, `{"ok":false}`)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: fmt.Sprintf("%s-session-%d", p.Username, s.n.Add(1)), Path: "/"})
	fmt.Fprintf(w, `{"ok":true,"next":"/continue%s"}`, p.Query)
}

func (s *idp) decide(w http.ResponseWriter, r *http.Request, sid string) {
	r.ParseForm()
	s.mu.Lock()
	s.seen = append(s.seen, r.PostForm.Get("seen"))
	s.mu.Unlock()
	q, _ := url.ParseQuery(r.PostForm.Get("q"))
	user, _, _ := strings.Cut(sid, "-")
	frag := "access_token=tok-" + user + "-0123456789abcdef&token_type=bearer&state=" + q.Get("state")
	if r.PostForm.Get("decision") != "allow" {
		frag = "error=access_denied&state=" + q.Get("state")
	}
	w.Header().Set("Location", q.Get("redirect_uri")+"#"+frag)
	w.WriteHeader(http.StatusFound)
}

// lockedWriter writes under the server's lock.
type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// strays is what the server logged of connections that were not the
// agent's (chromium, which does not trust the test's certificate).
func (s *idp) strays() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handshake.String()
}

func (s *idp) consented() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func (s *idp) posted() []loginPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]loginPost(nil), s.logins...)
}

func (s *idp) cookies(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.cookie[path]...)
}

const loginApp = `<!DOCTYPE html><html><head><title>Sign in</title></head><body><div id="root">Loading…</div>
<script>
const state = {username: '', password: ''};
// controlled tracks a field as a framework does: an assignment to .value is
// remembered, so the input event that follows it changes nothing.
function controlled(el, key) {
  const native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
  let tracked = '';
  Object.defineProperty(el, 'value', {configurable: true,
    get() { return native.get.call(this); },
    set(v) { tracked = String(v); native.set.call(this, v); }});
  el.addEventListener('input', () => {
    const v = native.get.call(el);
    if (v !== tracked) { tracked = v; state[key] = v; }
  });
}
setTimeout(() => {
  const root = document.getElementById('root');
  root.textContent = '';
  const form = document.createElement('form');
  const u = document.createElement('input');
  u.name = 'username';
  u.autocomplete = 'username';
  const p = document.createElement('input');
  p.type = 'password';
  p.name = 'password';
  const b = document.createElement('button');
  b.type = 'submit';
  b.textContent = 'Sign in';
  controlled(u, 'username');
  controlled(p, 'password');
  form.append(u, p, b);
  root.append(form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await fetch('/api/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({username: state.username, password: state.password, cookies: document.cookie, query: location.search})});
    const j = await r.json();
    if (j.ok) {
      location.href = j.next;
    } else {
      root.append('Invalid username or password.');
    }
  });
}, 50);
</script></body></html>`

const consentPage = `<html><head><title>Authorize demo-app</title></head><body>
<h1>demo-app asks for access to your profile</h1><img src="https://foreign.example/pixel.gif" alt="">
<form method="post" action="/consent"><input type="hidden" name="q" value="%s"><input type="hidden" name="seen" id="seen">
<script>document.getElementById('seen').value = document.cookie;</script>
<button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>
</body></html>`

// callback is the harness's own loopback server at the client's redirect
// URI: its page publishes what its script reads from the address.
type callback struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string // the request URIs it received
}

func newCallback(t *testing.T) *callback {
	t.Helper()
	c := &callback{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.seen = append(c.seen, r.URL.RequestURI())
		c.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<html><head><title>Callback</title></head><body><script>
window.__implicitspec = {hash: location.hash};
</script></body></html>`)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *callback) requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.seen...)
}

func newAgent(t *testing.T, s *idp, client string) *agent.Agent {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	a, err := agent.New(agent.Config{AllowedOrigins: []string{s.srv.URL}, ClientURIs: []string{client},
		RootCAs: pool, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.CloseIdleConnections)
	return a
}

func authorize(s *idp, client, state string) string {
	return s.srv.URL + "/authorize?client_id=demo&response_type=token&state=" + state + "&redirect_uri=" + url.QueryEscape(client)
}

const (
	loginStep   = `filled login form (username alice) and clicked "Sign in"`
	approveStep = `consent: clicked "Allow"`
	denyStep    = `consent: clicked "Deny"`
)

// runCase is a flow of TestRun against the JavaScript login's server.
type runCase struct {
	name        string
	decision    interact.Decision
	passthrough bool
	clientID    string
	post        string // the start's form body: a POST to /authorize
	kind        interact.Kind
	fragment    string // of the departure
	steps       []string
	reason      string
}

func TestRun(t *testing.T) {
	b := startBrowser(t)
	const token = "access_token=tok-alice-0123456789abcdef&token_type=bearer&state=st-1"
	cases := []runCase{
		{name: "javascript login and consent", kind: interact.Redirected, steps: []string{loginStep, approveStep}, fragment: token},
		{name: "refusal", decision: interact.Deny, kind: interact.Redirected, steps: []string{loginStep, denyStep},
			fragment: "error=access_denied&state=st-1"},
		{name: "passthrough landing", passthrough: true, kind: interact.Redirected, steps: []string{loginStep, approveStep}, fragment: token},
		{name: "error page", clientID: "nobody", kind: interact.Stopped, reason: "no login or consent form on the page (HTTP 400)"},
		{name: "start by POST", post: "client_id=nobody&state=st-1", kind: interact.Stopped, reason: "no login or consent form on the page (HTTP 400)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { testRun(t, b, tc) })
	}
}

func testRun(t *testing.T, b *Browser, tc runCase) {
	s := newIDP(t)
	client, cb := "https://client.example/cb", (*callback)(nil)
	logins := 0
	opt := interact.Options{Username: "alice", Password: "s3cret", Decision: tc.decision, OnPassword: func() { logins++ }}
	if tc.passthrough {
		cb = newCallback(t)
		client = cb.srv.URL + "/cb"
		opt.Passthrough = []string{cb.srv.URL}
	}
	a := newAgent(t, s, client)
	st := interact.Start{URL: strings.Replace(authorize(s, client, "st-1"), "client_id=demo", "client_id="+firstNonEmpty(tc.clientID, "demo"), 1)}
	if tc.post != "" {
		st = interact.Start{Method: "POST", URL: s.srv.URL + "/authorize", Body: tc.post}
	}
	out, err := b.Run(context.Background(), a, st, opt, nil)
	if err != nil {
		t.Fatalf("Run: %v (outcome %+v)", err, out)
	}
	if out.Kind != tc.kind || strings.Join(out.Steps, "\n") != strings.Join(tc.steps, "\n") {
		t.Fatalf("outcome %s %q, want %s %q (reason %q)", out.Kind, out.Steps, tc.kind, tc.steps, out.Reason)
	}
	if strays := s.strays(); strays != "" {
		t.Errorf("chromium connected to the server by itself:\n%s", strays)
	}
	if tc.kind == interact.Stopped {
		checkStopped(t, out, tc.reason)
		if h := a.Hops()[0]; h.Via != "start" || h.Method != firstNonEmpty(st.Method, "GET") || h.RequestBody != tc.post {
			t.Errorf("the start went out as %s %s %q", h.Via, h.Method, h.RequestBody)
		}
		return
	}
	// chromium keeps the cookies the agent was given, for the page's
	// scripts: the consent page's saw the login's.
	if seen := s.consented(); len(seen) != 1 || seen[0] != "sid=alice-session-1" {
		t.Errorf("document.cookie on the consent page: %q", seen)
	}
	checkDeparture(t, out, client+"#"+tc.fragment)
	checkHops(t, a, client+"#"+tc.fragment)
	if logins != 1 || !out.LoginShown || !out.ConsentShown || out.Denied != (tc.decision == interact.Deny) {
		t.Errorf("logins %d, login %v consent %v denied %v", logins, out.LoginShown, out.ConsentShown, out.Denied)
	}
	if p := s.posted(); len(p) != 1 || p[0].Username != "alice" || p[0].Password != "s3cret" {
		t.Errorf("the login app received %+v: the fields must be filled as typing fills them", p)
	}
	u, _ := url.Parse(s.srv.URL)
	if cs := a.Cookies(u); len(cs) != 1 || !strings.HasPrefix(cs[0].Value, "alice-session-") {
		t.Errorf("the agent's jar holds %v: the login's cookie must land there", cs)
	}
	if tc.passthrough {
		checkLanding(t, out, cb, client+"#"+tc.fragment)
	} else if out.Landing != nil {
		t.Errorf("a landing without a passthrough: %+v", out.Landing)
	}
}

func firstNonEmpty(s, or string) string {
	if s != "" {
		return s
	}
	return or
}

func checkStopped(t *testing.T, out *interact.Outcome, reason string) {
	t.Helper()
	if out.Reason != reason || out.Departure != nil || out.Page == nil || out.Page.Status != 400 ||
		!strings.Contains(string(out.Page.Body), "invalid_request") || out.Title != "Error" {
		t.Errorf("stopped: reason %q title %q page %+v", out.Reason, out.Title, out.Page)
	}
}

func checkDeparture(t *testing.T, out *interact.Outcome, want string) {
	t.Helper()
	d := out.Departure
	if d == nil || d.URL.String() != want || d.RawURL != want || d.Via != "redirect 302" || d.Status != 302 ||
		!d.ClientURI || d.Method != "GET" {
		t.Errorf("departure %+v, want %s by a 302", d, want)
	}
}

// checkHops: every request went through the agent and is a hop, in the
// order the browser made them, each with its cause; the departures
// (the client, the foreign image) were not sent.
func checkHops(t *testing.T, a *agent.Agent, departure string) {
	t.Helper()
	var got []string
	for _, h := range a.Hops() {
		u, _ := url.Parse(h.URL)
		if u.Path == "/favicon.ico" {
			continue // chromium asks for it when it pleases
		}
		line := fmt.Sprintf("%s %s %s sent=%v", h.Via, h.Method, u.Path, h.Sent)
		if h.Sent && h.Status == 0 || h.Sent && h.RequestHeader.Get("User-Agent") == "" {
			t.Errorf("hop %s without an answer or the browser's headers", line)
		}
		got = append(got, line)
	}
	want := []string{
		"start GET /authorize sent=true",
		"browser xhr POST /api/login sent=true",
		"script GET /continue sent=true",
		"redirect 302 GET /consent sent=true",
		"browser subresource GET /pixel.gif sent=false",
		"form POST /consent sent=true",
		"redirect 302 GET /cb sent=false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("hops:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	hops := a.Hops()
	if last := hops[len(hops)-1]; last.URL != departure {
		t.Errorf("the departure hop is %s, want %s (fragment included)", last.URL, departure)
	}
}

func checkLanding(t *testing.T, out *interact.Outcome, cb *callback, want string) {
	t.Helper()
	l := out.Landing
	frag := want[strings.Index(want, "#"):]
	if l == nil || l.URL != want || l.Title != "Callback" || l.Published != `{"hash":"`+frag+`"}` {
		t.Errorf("landing %+v, want %s", l, want)
	}
	var seen []string
	for _, r := range cb.requests() {
		if r != "/favicon.ico" {
			seen = append(seen, r)
		}
	}
	if len(seen) != 1 || seen[0] != "/cb" {
		t.Errorf("the callback server received %q: the fragment never leaves the browser", seen)
	}
}

// TestRunsAtOnce: flows running at once in one chromium share nothing: each
// Run has its own browser context (cookies, storage) and its own agent.
func TestRunsAtOnce(t *testing.T) {
	b := startBrowser(t)
	s := newIDP(t)
	client := "https://client.example/cb"
	run := func(user string) (*interact.Outcome, *agent.Agent, error) {
		a := newAgent(t, s, client)
		out, err := b.Run(context.Background(), a, interact.Start{URL: authorize(s, client, "st-"+user)},
			interact.Options{Username: user, Password: users[user]}, nil)
		return out, a, err
	}
	type result struct {
		user string
		out  *interact.Outcome
		a    *agent.Agent
		err  error
	}
	results := make(chan result, 2)
	for _, user := range []string{"alice", "bob"} {
		go func() {
			out, a, err := run(user)
			results <- result{user, out, a, err}
		}()
	}
	u, _ := url.Parse(s.srv.URL)
	for range 2 {
		r := <-results
		if r.err != nil || r.out.Kind != interact.Redirected {
			t.Fatalf("%s: %v %+v", r.user, r.err, r.out)
		}
		if frag := r.out.Departure.URL.Fragment; !strings.HasPrefix(frag, "access_token=tok-"+r.user+"-") {
			t.Errorf("%s got the fragment %q", r.user, frag)
		}
		if cs := r.a.Cookies(u); len(cs) != 1 || !strings.HasPrefix(cs[0].Value, r.user+"-session-") {
			t.Errorf("%s's jar holds %v", r.user, cs)
		}
	}
	// A later Run starts from nothing either: its login page sees no cookie.
	if _, _, err := run("alice"); err != nil {
		t.Fatal(err)
	}
	for _, p := range s.posted() {
		if p.Cookies != "" {
			t.Errorf("%s's login page saw the cookies %q", p.Username, p.Cookies)
		}
	}
	for _, seen := range s.consented() {
		if strings.Count(seen, "sid=") != 1 {
			t.Errorf("a consent page saw the cookies %q", seen)
		}
	}
	for _, c := range s.cookies("/continue") {
		if strings.Count(c, "sid=") != 1 {
			t.Errorf("the server received the cookies %q", c)
		}
	}
}

// TestDriverAuto: the HTML reader meets the JavaScript login, hands the flow
// over, and chromium finishes it from that page with the reader's steps.
func TestDriverAuto(t *testing.T) {
	b := startBrowser(t)
	s := newIDP(t)
	client := "https://client.example/cb"
	a := newAgent(t, s, client)
	start := authorize(s, client, "st-1")
	out, err := interact.Run(context.Background(), a, interact.Start{URL: start},
		interact.Options{Username: "alice", Password: "s3cret", Driver: interact.DriverAuto, Renderer: b})
	if err != nil {
		t.Fatalf("Run: %v (%+v)", err, out)
	}
	if out.Kind != interact.Redirected || strings.Join(out.Steps, "\n") != loginStep+"\n"+approveStep {
		t.Errorf("outcome %s %q", out.Kind, out.Steps)
	}
	hops := a.Hops()
	if len(hops) < 2 || hops[0].Via != "start" || hops[0].RequestHeader.Get("User-Agent") != agent.DefaultUserAgent ||
		hops[1].Via != "start" || hops[1].URL != start || !strings.Contains(hops[1].RequestHeader.Get("User-Agent"), "Chrome") {
		t.Errorf("the reader's start, then the browser's: %+v", hops[:min(2, len(hops))])
	}
}

// pages is a server of fixed pages: CLIENT in a page or a Location stands
// for the client's redirect URI.
func pages(t *testing.T, client string, routes map[string]string) *idp {
	t.Helper()
	s := &idp{cookie: map[string][]string{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := routes[r.URL.Path]
		switch {
		case !ok:
			http.NotFound(w, r)
		case strings.HasPrefix(body, "302 "):
			w.Header().Set("Location", strings.ReplaceAll(strings.TrimPrefix(body, "302 "), "CLIENT", client))
			w.WriteHeader(http.StatusFound)
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, strings.ReplaceAll(body, "CLIENT", client))
		}
	}))
	s.srv.Config.ErrorLog = log.New(lockedWriter{&s.mu, &s.handshake}, "", 0)
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)
	return s
}

// TestLeaving: the ways a page sends the browser to the client, each as
// interact.Run reports it.
func TestLeaving(t *testing.T) {
	b := startBrowser(t)
	const client = "https://client.example/cb"
	cases := []struct {
		name   string
		routes map[string]string
		kind   interact.Kind
		via    string
		method string
		body   string
		steps  []string
	}{
		{
			name: "form_post page submitting itself",
			routes: map[string]string{"/authorize": `<html><body onload="document.forms[0].submit()">
<form method="post" action="CLIENT"><input type="hidden" name="access_token" value="tok-0123456789abcdef">
<input type="hidden" name="state" value="s1"></form></body></html>`},
			kind: interact.FormPost, via: agent.ViaForm, method: "POST", body: "access_token=tok-0123456789abcdef&state=s1",
		},
		{
			name: "script location after a dialog",
			routes: map[string]string{"/authorize": `<html><body><p>Signing you in to the application, please wait a moment.</p>
<script>confirm('Go on?'); setTimeout(() => { location.href = 'CLIENT#access_token=tok-0123456789abcdef&state=s1'; }, 20);</script></body></html>`},
			kind: interact.Navigated, via: "script", method: "GET",
		},
		{
			name: "delayed refresh the person follows",
			routes: map[string]string{
				"/authorize": `<html><head><meta http-equiv="refresh" content="30; url=/next"></head><body>Continue to the application.</body></html>`,
				"/next":      "302 CLIENT#access_token=tok-0123456789abcdef&state=s1",
			},
			kind: interact.Redirected, via: "redirect 302", method: "GET",
			steps: []string{"followed meta refresh to https://HOST/next"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := pages(t, client, tc.routes)
			a := newAgent(t, s, client)
			out, err := b.Run(context.Background(), a, interact.Start{URL: s.srv.URL + "/authorize"}, interact.Options{}, nil)
			if err != nil {
				t.Fatalf("Run: %v (%+v)", err, out)
			}
			d := out.Departure
			if out.Kind != tc.kind || d == nil || d.Via != tc.via || d.Method != tc.method || d.Body != tc.body || !d.ClientURI {
				t.Fatalf("outcome %s, departure %+v", out.Kind, d)
			}
			host := strings.TrimPrefix(s.srv.URL, "https://")
			var want []string
			for _, st := range tc.steps {
				want = append(want, strings.ReplaceAll(st, "HOST", host))
			}
			if strings.Join(out.Steps, "\n") != strings.Join(want, "\n") {
				t.Errorf("steps %q, want %q", out.Steps, want)
			}
			if strays := s.strays(); strays != "" {
				t.Errorf("chromium connected to the server by itself:\n%s", strays)
			}
			if len(tc.steps) > 0 {
				if h := hopTo(a, "/next"); h == nil || h.Via != "meta refresh" {
					t.Errorf("the refresh went out as %+v", h)
				}
			}
		})
	}
}

func hopTo(a *agent.Agent, path string) *agent.Hop {
	for _, h := range a.Hops() {
		if u, err := url.Parse(h.URL); err == nil && u.Path == path {
			return &h
		}
	}
	return nil
}

// TestRunRefusesWhatTheAgentWould: a start that is no http(s) URL is the
// agent's invalid URL, and chromium is not asked to open it.
func TestRunRefusesWhatTheAgentWould(t *testing.T) {
	b := startBrowser(t)
	s := newIDP(t)
	a := newAgent(t, s, "https://client.example/cb")
	for _, start := range []string{"/authorize", "javascript:alert(1)", "data:text/html,hi"} {
		out, err := b.Run(context.Background(), a, interact.Start{URL: start}, interact.Options{}, nil)
		var e *agent.Error
		if !errors.As(err, &e) || e.Kind != agent.KindInvalidURL || out == nil || out.Kind != interact.Stopped {
			t.Errorf("Run(%q) = %+v, %v", start, out, err)
		}
	}
	if n := len(a.Hops()); n != 0 {
		t.Errorf("%d hops", n)
	}
}

// TestPressThatFails: a consent button whose request fails and whose page
// then only shows a toast is pressed once more, no more: a page with an
// alert stops the flow there, with the alert's words; a page that says
// nothing is harness trouble. glewlwyd's grant screen for an unknown scope
// does this.
func TestPressThatFails(t *testing.T) {
	b := startBrowser(t)
	const script = `<script>
let n = 0;
document.getElementById('grant').addEventListener('click', async () => {
  const r = await fetch('/grant', {method: 'PUT'});
  const t = document.createElement('div');
  t.id = 'toast-' + (n++);
  t.setAttribute('role', 'status');
  t.textContent = 'Saving the grant failed (HTTP ' + r.status + ')';
  document.body.appendChild(t);
});
</script>`
	page := func(alert string) string {
		return `<html><head><title>Access</title></head><body><div id="root">` + alert +
			`<h3>Client access grant</h3><p>Example app asks for access.</p><button type="button" id="grant">Grant access</button></div>` + script + `</body></html>`
	}
	cases := []struct {
		name   string
		page   string
		reason string
		kind   interact.ErrorKind
	}{
		{name: "an alert", page: page(`<div class="alert alert-danger" role="alert">Error, no required scope is available</div>`),
			reason: `the page shows "Error, no required scope is available", and pressing "Grant access" changes nothing on it`},
		{name: "no alert", page: page(""), kind: interact.KindStepLimit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := pages(t, "https://client.example/cb", map[string]string{"/authorize": tc.page})
			a := newAgent(t, s, "https://client.example/cb")
			opt := interact.Options{Hints: interact.Hints{Approve: "Grant access"}}
			out, err := b.Run(context.Background(), a, interact.Start{URL: s.srv.URL + "/authorize"}, opt, nil)
			var ie *interact.Error
			switch {
			case tc.kind != "":
				if !errors.As(err, &ie) || ie.Kind != tc.kind || !strings.Contains(ie.Detail, `pressing "Grant access" changed nothing`) {
					t.Fatalf("Run: %v, want %s: pressing \"Grant access\" changed nothing", err, tc.kind)
				}
			case err != nil:
				t.Fatalf("Run: %v", err)
			case out.Kind != interact.Stopped || out.Reason != tc.reason || out.Departure != nil:
				t.Errorf("outcome %s, reason %q, departure %+v; want stopped: %s", out.Kind, out.Reason, out.Departure, tc.reason)
			}
			puts := 0
			for _, h := range a.Hops() {
				if h.Method == http.MethodPut {
					puts++
				}
			}
			if len(out.Steps) != 1 || puts != 1 {
				t.Errorf("pressed %d times (%q), %d PUT requests: want one of each", len(out.Steps), out.Steps, puts)
			}
		})
	}
}
