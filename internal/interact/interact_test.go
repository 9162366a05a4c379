package interact

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/agent"
)

func run(t *testing.T, a *agent.Agent, startURL string, opt Options) (*Outcome, error) {
	t.Helper()
	out, err := Run(context.Background(), a, Start{URL: startURL}, opt)
	if out == nil {
		t.Fatalf("Run returned a nil Outcome (err %v)", err)
	}
	if opt.Password != opt.Username { // LemonLDAP::NG's demo user is dwho/dwho
		noSecret(t, out, err, opt.Password)
	}
	return out, err
}

// noSecret: the password never appears in what Run reports.
func noSecret(t *testing.T, out *Outcome, err error, secret string) {
	t.Helper()
	if secret == "" {
		return
	}
	texts := append([]string{out.Reason}, out.Steps...)
	if err != nil {
		texts = append(texts, err.Error())
	}
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Errorf("the password appears in %q", s)
		}
	}
}

func mustRun(t *testing.T, a *agent.Agent, startURL string, opt Options) *Outcome {
	t.Helper()
	out, err := run(t, a, startURL, opt)
	if err != nil {
		t.Fatalf("Run: %v (steps %q)", err, out.Steps)
	}
	return out
}

func wantError(t *testing.T, err error, kind ErrorKind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *interact.Error %s, got %T %v", kind, err, err)
	}
	if e.Kind != kind {
		t.Fatalf("want %s, got %s: %v", kind, e.Kind, e)
	}
	if strings.Contains(e.Error(), "\n") || !strings.Contains(e.Error(), e.URL) || !strings.Contains(e.Error(), e.Title) {
		t.Errorf("Error() should be one line naming URL and title: %q", e.Error())
	}
	return e
}

func wantSteps(t *testing.T, out *Outcome, want ...string) {
	t.Helper()
	if strings.Join(out.Steps, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n  got  %q\n  want %q", out.Steps, want)
	}
}

func wantDeparture(t *testing.T, out *Outcome, kind Kind) *agent.Departure {
	t.Helper()
	if out.Kind != kind || out.Departure == nil {
		t.Fatalf("outcome %v (reason %q, steps %q), want %v with a departure", out.Kind, out.Reason, out.Steps, kind)
	}
	return out.Departure
}

func fragment(t *testing.T, d *agent.Departure) url.Values {
	t.Helper()
	v, err := url.ParseQuery(d.URL.Fragment)
	if err != nil {
		t.Fatalf("fragment %q: %v", d.URL.Fragment, err)
	}
	return v
}

func TestHydra(t *testing.T) {
	alice := Options{Username: "alice", Password: "alice-pw"}
	t.Run("approve", func(t *testing.T) {
		c := newClientSite(t)
		h := newHydra(t, c)
		out := mustRun(t, newTestAgent(t, c, h.hydra, h.app), h.authURL(), alice)
		d := wantDeparture(t, out, Redirected)
		if d.Status != 303 || !d.ClientURI || fragment(t, d).Get("access_token") != "ory_at_XYZ" {
			t.Errorf("departure %+v", d)
		}
		if !out.LoginShown || !out.ConsentShown {
			t.Errorf("LoginShown %v ConsentShown %v", out.LoginShown, out.ConsentShown)
		}
		wantSteps(t, out, `filled login form (username alice) and clicked "Sign in"`, `consent: clicked "Allow access"`)
		if got, want := h.last("/login"), "challenge=LC&_csrf=csrf-login-1&username=alice&password=alice-pw&submit=login"; got != want {
			t.Errorf("login body\n  got  %s\n  want %s", got, want)
		}
		if got, want := h.last("/consent"), "challenge=CC&_csrf=csrf-consent-1&grant_scope=openid&grant_scope=profile&submit=allow"; got != want {
			t.Errorf("consent body\n  got  %s\n  want %s", got, want)
		}
		if out.Title != "Consent" || out.Page == nil {
			t.Errorf("last page %q", out.Title)
		}
	})
	t.Run("deny", func(t *testing.T) {
		c := newClientSite(t)
		h := newHydra(t, c)
		opt := alice
		opt.Decision = Deny
		out := mustRun(t, newTestAgent(t, c, h.hydra, h.app), h.authURL(), opt)
		d := wantDeparture(t, out, Redirected)
		if fragment(t, d).Get("error") != "access_denied" {
			t.Errorf("departure %s", d.RawURL)
		}
		if !strings.HasSuffix(h.last("/consent"), "&submit=deny") {
			t.Errorf("consent body %s", h.last("/consent"))
		}
		wantSteps(t, out, `filled login form (username alice) and clicked "Sign in"`, `consent: clicked "Deny access"`)
		if !out.Denied {
			t.Errorf("the deny button was pressed, but Denied is false")
		}
	})
	t.Run("remembered session", func(t *testing.T) {
		c := newClientSite(t)
		h := newHydra(t, c)
		h.remember = true
		out := mustRun(t, newTestAgent(t, c, h.hydra, h.app), h.authURL(), alice)
		wantDeparture(t, out, Redirected)
		if out.LoginShown || !out.ConsentShown {
			t.Errorf("LoginShown %v ConsentShown %v", out.LoginShown, out.ConsentShown)
		}
		wantSteps(t, out, `consent: clicked "Allow access"`)
	})
	t.Run("form_post", func(t *testing.T) {
		c := newClientSite(t)
		h := newHydra(t, c)
		h.formPost = true
		out := mustRun(t, newTestAgent(t, c, h.hydra, h.app), h.authURL(), alice)
		d := wantDeparture(t, out, FormPost)
		want := "access_token=ory_at_XYZ&expires_in=3600&scope=openid+profile&state=state-abcdefgh-123&token_type=bearer"
		if d.Method != "POST" || d.Body != want || d.Via != "form" || !d.ClientURI || d.RawURL != c.callback() {
			t.Errorf("departure %+v", d)
		}
		if out.Title != "Submit This Form" {
			t.Errorf("title %q", out.Title)
		}
		wantSteps(t, out, `filled login form (username alice) and clicked "Sign in"`, `consent: clicked "Allow access"`,
			"submitted self-submitting form (POST "+c.callback()+")")
	})
	t.Run("wrong password (401)", func(t *testing.T) {
		c := newClientSite(t)
		h := newHydra(t, c)
		out, err := run(t, newTestAgent(t, c, h.hydra, h.app), h.authURL(), Options{Username: "alice", Password: "not-alices-pw"})
		e := wantError(t, err, KindLoginRejected)
		if e.URL != h.app.URL+"/login" || e.Title != "Login" {
			t.Errorf("error %+v", e)
		}
		if out.Kind != Stopped || out.Page == nil || out.Page.Status != 401 || !out.LoginShown || out.Reason == "" {
			t.Errorf("outcome %+v", out)
		}
	})
	t.Run("unregistered redirect_uri: error page", func(t *testing.T) {
		c := newClientSite(t)
		h := newHydra(t, c)
		start := strings.Replace(h.authURL(), url.QueryEscape(c.callback()), url.QueryEscape(c.URL+"/evil"), 1)
		out := mustRun(t, newTestAgent(t, c, h.hydra, h.app), start, alice)
		if out.Kind != Stopped || out.Page.Status != 500 || out.Title != "An OAuth 2.0 Error Occurred" ||
			!strings.Contains(out.Reason, "HTTP 500") || out.Departure != nil {
			t.Errorf("outcome %v %q %q", out.Kind, out.Title, out.Reason)
		}
	})
}

func TestDjangoOAuthToolkit(t *testing.T) {
	alice := Options{Username: "alice", Password: "alice-pw"}
	t.Run("approve", func(t *testing.T) {
		c := newClientSite(t)
		d := newDOT(t, c)
		out := mustRun(t, newTestAgent(t, c, d.srv), d.authURL(), alice)
		dep := wantDeparture(t, out, Redirected)
		if dep.Status != 302 || fragment(t, dep).Get("access_token") == "" || fragment(t, dep).Get("state") != "st123" {
			t.Errorf("departure %s", dep.RawURL)
		}
		login, _ := url.ParseQuery(d.last("/accounts/login/"))
		authz, _ := url.Parse(d.authURL())
		if login.Get("next") != authz.RequestURI() || login.Get("csrfmiddlewaretoken") != "tok-1" {
			t.Errorf("login posted next=%q (want %q, &amp; decoded)", login.Get("next"), authz.RequestURI())
		}
		// The consent form has no action: it posts to the page's own URL, query included.
		if got := d.lastURL("/o/authorize/"); got != authz.RequestURI() {
			t.Errorf("consent posted to %s, want %s", got, authz.RequestURI())
		}
		want := "csrfmiddlewaretoken=tok-1&redirect_uri=" + url.QueryEscape(c.callback()) +
			"&scope=read&nonce=&client_id=implicit-app&state=st123&response_type=token&code_challenge=&code_challenge_method=&claims=&allow=Authorize"
		if got := d.last("/o/authorize/"); got != want {
			t.Errorf("consent body\n  got  %s\n  want %s", got, want)
		}
		wantSteps(t, out, `filled login form (username alice) and clicked "Log in"`, `consent: clicked "Authorize"`)
	})
	t.Run("deny: Cancel has no name", func(t *testing.T) {
		c := newClientSite(t)
		d := newDOT(t, c)
		out := mustRun(t, newTestAgent(t, c, d.srv), d.authURL(), Options{Username: "alice", Password: "alice-pw", Decision: Deny})
		dep := wantDeparture(t, out, Redirected)
		if dep.URL.Query().Get("error") != "access_denied" {
			t.Errorf("departure %s", dep.RawURL)
		}
		if strings.Contains(d.last("/o/authorize/"), "allow=") || strings.Contains(d.last("/o/authorize/"), "Cancel") {
			t.Errorf("deny body %s", d.last("/o/authorize/"))
		}
		wantSteps(t, out, `filled login form (username alice) and clicked "Log in"`, `consent: clicked "Cancel"`)
	})
	t.Run("wrong password (200)", func(t *testing.T) {
		c := newClientSite(t)
		d := newDOT(t, c)
		_, err := run(t, newTestAgent(t, c, d.srv), d.authURL(), Options{Username: "alice", Password: "wrong-secret"})
		e := wantError(t, err, KindLoginRejected)
		if e.URL != d.srv.URL+"/accounts/login/" || e.Title != "Login" {
			t.Errorf("error %+v", e)
		}
	})
	t.Run("mismatching redirect URI after login", func(t *testing.T) {
		c := newClientSite(t)
		d := newDOT(t, c)
		start := strings.Replace(d.authURL(), url.QueryEscape(c.callback()), url.QueryEscape(c.URL+"/cb/extra"), 1)
		out := mustRun(t, newTestAgent(t, c, d.srv), start, alice)
		if out.Kind != Stopped || out.Page.Status != 400 || !out.LoginShown || out.ConsentShown {
			t.Errorf("outcome %+v", out)
		}
	})
}

func TestLemonLDAP(t *testing.T) {
	dwho := Options{Username: "dwho", Password: "dwho"}
	t.Run("approve", func(t *testing.T) {
		c := newClientSite(t)
		l := newLLNG(t, c)
		out := mustRun(t, newTestAgent(t, c, l.srv), l.authURL(), dwho)
		d := wantDeparture(t, out, Redirected)
		if fragment(t, d).Get("access_token") != "5cf7e370" {
			t.Errorf("departure %s", d.RawURL)
		}
		// action="#": both forms post to the authorize URL, query included.
		authz, _ := url.Parse(l.authURL())
		if got := l.lastURL("/oauth2/authorize"); got != authz.RequestURI() {
			t.Errorf("posted to %s", got)
		}
		l.mu.Lock()
		login := l.posts["/oauth2/authorize"][0]
		l.mu.Unlock()
		if want := "url=aHR0cDovLzEyNy4wLjAuMTo4MDkwLw%3D%3D&timezone=&skin=bootstrap&token=1795892225_55010&user=dwho&password=dwho"; login != want {
			t.Errorf("login body\n  got  %s\n  want %s", login, want)
		}
		if v, _ := url.ParseQuery(l.last("/oauth2/authorize")); v.Get("confirm") != "KEY42" || v.Get("response_type") != "id_token token" {
			t.Errorf("consent body %s", l.last("/oauth2/authorize"))
		}
		wantSteps(t, out, `filled login form (username dwho) and clicked "Connect"`, `consent: clicked "Accept"`)
	})
	t.Run("refuse sets confirm to the button's val", func(t *testing.T) {
		c := newClientSite(t)
		l := newLLNG(t, c)
		opt := dwho
		opt.Decision = Deny
		out := mustRun(t, newTestAgent(t, c, l.srv), l.authURL(), opt)
		d := wantDeparture(t, out, Redirected)
		if fragment(t, d).Get("error") != "consent_required" {
			t.Errorf("departure %s", d.RawURL)
		}
		if v, _ := url.ParseQuery(l.last("/oauth2/authorize")); v.Get("confirm") != "-KEY42" {
			t.Errorf("consent body %s", l.last("/oauth2/authorize"))
		}
		if !strings.HasPrefix(out.Steps[1], `consent: clicked "Refuse" (confirm set`) {
			t.Errorf("step %q", out.Steps[1])
		}
	})
	t.Run("accept button without text", func(t *testing.T) {
		c := newClientSite(t)
		l := newLLNG(t, c)
		l.blankButtons = true
		out := mustRun(t, newTestAgent(t, c, l.srv), l.authURL(), dwho)
		wantDeparture(t, out, Redirected)
		if v, _ := url.ParseQuery(l.last("/oauth2/authorize")); v.Get("confirm") != "KEY42" {
			t.Errorf("consent body %s", l.last("/oauth2/authorize"))
		}
	})
	t.Run("wrong password (401)", func(t *testing.T) {
		c := newClientSite(t)
		l := newLLNG(t, c)
		_, err := run(t, newTestAgent(t, c, l.srv), l.authURL(), Options{Username: "dwho", Password: "nope-secret"})
		e := wantError(t, err, KindLoginRejected)
		if e.Title != "LemonLDAP::NG" || !strings.HasPrefix(e.URL, l.srv.URL+"/oauth2/authorize?") {
			t.Errorf("error %+v", e)
		}
	})
}

func TestZitadel(t *testing.T) {
	user := Options{Username: "test-user@127.0.0.1", Password: "verysecure"}
	t.Run("login, no consent", func(t *testing.T) {
		c := newClientSite(t)
		z := newZitadel(t, c)
		out := mustRun(t, newTestAgent(t, c, z.srv), z.authURL(), user)
		d := wantDeparture(t, out, Redirected)
		if d.Status != 302 || fragment(t, d).Get("token_type") != "Bearer" {
			t.Errorf("departure %+v", d)
		}
		if got, want := z.last("/login/username"), "id=6f1c&username=test-user%40127.0.0.1&password=verysecure"; got != want {
			t.Errorf("login body\n  got  %s\n  want %s", got, want)
		}
		if !out.LoginShown || out.ConsentShown {
			t.Errorf("LoginShown %v ConsentShown %v", out.LoginShown, out.ConsentShown)
		}
		wantSteps(t, out, `filled login form (username test-user@127.0.0.1) and clicked "Login"`)
	})
	t.Run("wrong password (200)", func(t *testing.T) {
		c := newClientSite(t)
		z := newZitadel(t, c)
		out, err := run(t, newTestAgent(t, c, z.srv), z.authURL(), Options{Username: "test-user@127.0.0.1", Password: "notsecure"})
		wantError(t, err, KindLoginRejected)
		if out.Page == nil || out.Page.Status != 200 {
			t.Errorf("page %+v", out.Page)
		}
	})
}

func TestOIDCProvider(t *testing.T) {
	alice := Options{Username: "alice", Password: "any"}
	t.Run("approve with a lone Continue", func(t *testing.T) {
		c := newClientSite(t)
		o := newOIDCProvider(t, c)
		out := mustRun(t, newTestAgent(t, c, o.srv), o.authURL(), alice)
		d := wantDeparture(t, out, Redirected)
		if d.Status != 303 || fragment(t, d).Get("id_token") == "" {
			t.Errorf("departure %+v", d)
		}
		wantSteps(t, out, `filled login form (username alice) and clicked "Sign-in"`, `consent: clicked "Continue"`)
	})
	t.Run("deny follows the Cancel link", func(t *testing.T) {
		c := newClientSite(t)
		o := newOIDCProvider(t, c)
		opt := alice
		opt.Decision = Deny
		out := mustRun(t, newTestAgent(t, c, o.srv), o.authURL(), opt)
		d := wantDeparture(t, out, Redirected)
		if fragment(t, d).Get("error") != "access_denied" {
			t.Errorf("departure %s", d.RawURL)
		}
		wantSteps(t, out, `filled login form (username alice) and clicked "Sign-in"`,
			`consent: followed deny link "[ Cancel ]" to `+o.srv.URL+`/interaction/UID2/abort`)
		if !out.ConsentShown || !out.Denied {
			t.Errorf("ConsentShown %v, Denied %v", out.ConsentShown, out.Denied)
		}
	})
	t.Run("form_post with noscript button", func(t *testing.T) {
		c := newClientSite(t)
		o := newOIDCProvider(t, c)
		o.formPost = true
		out := mustRun(t, newTestAgent(t, c, o.srv), o.authURL(), alice)
		d := wantDeparture(t, out, FormPost)
		if !strings.HasPrefix(d.Body, "id_token=eyJ.x.y&access_token=f2tteuWP&") || d.Method != "POST" {
			t.Errorf("departure %+v", d)
		}
	})
}

func TestIdentifierFirst(t *testing.T) {
	identifier := `<html><head><title>Sign in</title></head><body>
<form method="post" action="/identify"><input type="hidden" name="csrf" value="c1">
<label for="email">Email address</label><input id="email" name="identifier" type="email">
<button type="submit">Next</button></form></body></html>`
	password := `<html><head><title>Enter your password</title></head><body>
<form method="post" action="/password"><input type="hidden" name="identifier" value="alice@example.test">
<p>alice@example.test</p><input type="password" name="pw">
<button type="button" onclick="history.back()">Back</button><button>Sign in</button></form></body></html>`
	opt := Options{Username: "alice@example.test", Password: "s3cret-pw"}
	t.Run("two steps", func(t *testing.T) {
		c := newClientSite(t)
		f := newPages(t, c, map[string]fakePage{
			"GET /authorize": {body: identifier},
			"POST /identify": {body: password},
			"POST /password": {status: 302, location: "CLIENT#access_token=x&state=s"},
		})
		out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", opt)
		wantDeparture(t, out, Redirected)
		wantSteps(t, out, `entered identifier (username alice@example.test) and clicked "Next"`,
			`filled login form (password only) and clicked "Sign in"`)
		if got := f.last("/identify"); got != "csrf=c1&identifier=alice%40example.test" {
			t.Errorf("identify body %s", got)
		}
		if got := f.last("/password"); got != "identifier=alice%40example.test&pw=s3cret-pw" {
			t.Errorf("password body %s", got)
		}
		if !out.LoginShown || out.ConsentShown {
			t.Errorf("flags %v %v", out.LoginShown, out.ConsentShown)
		}
	})
	t.Run("unknown identifier", func(t *testing.T) {
		c := newClientSite(t)
		f := newPages(t, c, map[string]fakePage{
			"GET /authorize": {body: identifier},
			"POST /identify": {body: identifier},
		})
		_, err := run(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", opt)
		wantError(t, err, KindLoginRejected)
	})
}

func TestLeavingWithoutRedirect(t *testing.T) {
	cases := []struct {
		name      string
		pages     map[string]fakePage
		kind      Kind
		via       string
		method    string
		raw       string // expected Departure.RawURL (CLIENT substituted)
		body      string
		stepStart string
	}{
		{
			name: "meta refresh",
			pages: map[string]fakePage{"/authorize": {body: `<html><head><title>Redirecting</title>
<meta http-equiv="Refresh" content="0; URL='CLIENT#access_token=a&amp;state=b'"></head><body>Redirecting…</body></html>`}},
			kind: Navigated, via: "meta refresh", method: "GET", raw: "CLIENT#access_token=a&state=b",
			stepStart: "followed meta refresh to CLIENT",
		},
		{
			name: "delayed meta refresh on an error page",
			pages: map[string]fakePage{"/authorize": {status: 400, body: `<html><head><title>Error</title>
<meta http-equiv="refresh" content="5;url=CLIENT?error=invalid_request"></head><body><p>invalid_request</p></body></html>`}},
			kind: Navigated, via: "meta refresh", method: "GET", raw: "CLIENT?error=invalid_request",
		},
		{
			name: "script location.href",
			pages: map[string]fakePage{"/authorize": {body: `<html><head><title>Wait</title></head><body>
<script type="text/javascript">
  if (window.location.href == "x") {}
  window.location.href = "CLIENT#access_token=a\u0026state=b\/c";
</script></body></html>`}},
			kind: Navigated, via: "script", method: "GET", raw: "CLIENT#access_token=a&state=b/c",
			stepStart: "followed script location to CLIENT",
		},
		{
			name: "script location.replace then redirect",
			pages: map[string]fakePage{
				"/authorize": {body: `<html><body><script>location.replace('/hop?x=1')</script></body></html>`},
				"/hop":       {status: 302, location: "CLIENT#access_token=a"},
			},
			kind: Redirected, via: "redirect 302", method: "GET", raw: "CLIENT#access_token=a",
		},
		{
			name: "Refresh header on a text/plain response",
			pages: map[string]fakePage{"/authorize": {contentType: "text/plain", body: "redirecting",
				header: map[string]string{"Refresh": "0;url=CLIENT#access_token=a"}}},
			kind: Navigated, via: "meta refresh", method: "GET", raw: "CLIENT#access_token=a",
			stepStart: "followed Refresh header to CLIENT",
		},
		{
			name: "base href",
			pages: map[string]fakePage{
				"/authorize": {body: `<html><head><base href="/app/"></head><body><form method="post" action="next">
<input type="hidden" name="a" value="1"><noscript><button>Go</button></noscript></form></body></html>`},
				"/app/next": {status: 303, location: "CLIENT#access_token=a"},
			},
			kind: Redirected, via: "redirect 303", method: "GET", raw: "CLIENT#access_token=a",
			stepStart: "submitted self-submitting form (POST SELF/app/next)",
		},
		{
			name: "self-submitting GET form",
			pages: map[string]fakePage{"/authorize": {body: `<html><body onload="document.getElementById('f').submit()">
<form id="other" action="/search"><input name="q"></form>
<form id="f" method="get" action="CLIENT"><input type="hidden" name="access_token" value="a b&amp;c"><input type="hidden" name="state" value="s"></form></body></html>`}},
			kind: Navigated, via: "form", method: "GET", raw: "CLIENT?access_token=a+b%26c&state=s",
		},
		{
			name: "form_post with one visible button and onload",
			pages: map[string]fakePage{"/authorize": {body: `<html><body onload="javascript:document.forms[0].submit()">
<form method="post" action="CLIENT"><input type="hidden" name="state" value="s"><input type="hidden" name="access_token" value="t">
<input type="submit" value="Continue"></form></body></html>`}},
			kind: FormPost, via: "form", method: "POST", raw: "CLIENT", body: "state=s&access_token=t",
		},
		{
			name: "form_post without script, button in noscript",
			pages: map[string]fakePage{"/authorize": {body: `<html><body>
<form method="post" action="CLIENT"><input type="hidden" name="code" value="c">
<noscript><button type="submit">Continue</button></noscript></form></body></html>`}},
			kind: FormPost, via: "form", method: "POST", raw: "CLIENT", body: "code=c",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, tc.pages)
			out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{})
			d := wantDeparture(t, out, tc.kind)
			if d.Via != tc.via || d.Method != tc.method || d.RawURL != f.subst(tc.raw) || d.Body != tc.body || !d.ClientURI {
				t.Errorf("departure %+v\n want via %q method %q raw %q body %q", d, tc.via, tc.method, f.subst(tc.raw), tc.body)
			}
			if tc.stepStart != "" && (len(out.Steps) != 1 || !strings.HasPrefix(out.Steps[0], f.subst(tc.stepStart))) {
				t.Errorf("steps %q", out.Steps)
			}
			for _, s := range out.Steps {
				if strings.Contains(s, "access_token") {
					t.Errorf("a step shows the token: %q", s)
				}
			}
		})
	}
}

func TestStopped(t *testing.T) {
	consentOnly := `<html><head><title>Authorize</title></head><body>
<form method="post" action="/consent"><input type="hidden" name="prompt" value="consent"><button type="submit">Continue</button></form></body></html>`
	cases := []struct {
		name     string
		page     fakePage
		decision Decision
		reason   string
		title    string
		consent  bool
	}{
		{"text/plain 400 (zitadel bad redirect_uri)",
			fakePage{status: 400, contentType: "text/plain; charset=utf-8", body: "The requested redirect_uri is missing in the client configuration."},
			Approve, "not HTML (HTTP 400, text/plain; charset=utf-8)", "", false},
		{"empty 403 (glewlwyd)", fakePage{status: 403, contentType: "none"}, Approve, "empty response (HTTP 403)", "", false},
		{"error page with a portal button (LemonLDAP::NG)",
			fakePage{body: `<html><head><title>LemonLDAP::NG</title></head><body><div class="alert alert-danger">Unknown response type</div>
<form action="http://127.0.0.1:1/" method="get"><button type="submit" class="btn btn-primary">Go to portal</button></form></body></html>`},
			Approve, `form 1: buttons "Go to portal"`, "LemonLDAP::NG", false},
		{"oidc-provider error page", fakePage{status: 400, body: `<!DOCTYPE html><html><head><title>oops! something went wrong</title></head>
<body><h1>oops! something went wrong</h1><pre>error: invalid_redirect_uri</pre></body></html>`},
			Approve, "no login or consent form on the page (HTTP 400)", "oops! something went wrong", false},
		{"deny without a deny control", fakePage{body: consentOnly}, Deny, "offers no deny control", "Authorize", true},
		{"approve without an approve control", fakePage{body: `<html><head><title>Authorize</title></head><body>
<form method="post"><input type="submit" value="Cancel"></form></body></html>`}, Approve, "offers no approve control", "Authorize", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, map[string]fakePage{"/authorize": tc.page})
			out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Decision: tc.decision})
			if out.Kind != Stopped || out.Departure != nil || out.Page == nil {
				t.Fatalf("outcome %+v", out)
			}
			if !strings.Contains(out.Reason, tc.reason) || strings.Contains(out.Reason, "\n") {
				t.Errorf("reason %q, want it to contain %q", out.Reason, tc.reason)
			}
			if out.Title != tc.title || out.ConsentShown != tc.consent {
				t.Errorf("title %q consent %v", out.Title, out.ConsentShown)
			}
			if out.Denied {
				t.Errorf("stopped, yet Denied: no deny control was pressed")
			}
		})
	}
}

func TestUnreadable(t *testing.T) {
	cases := []struct{ name, body string }{
		{"script application shell (glewlwyd login.html)", `<!DOCTYPE html><html><head><title>Glewlwyd</title>
<script src="/js/vendor.js"></script><script src="/js/login.js"></script></head><body><div id="root">Loading...</div></body></html>`},
		{"password outside any form", `<html><head><title>Login</title></head><body><div id="login">
<input id="u" type="text"><input id="p" type="password"><button onclick="login()">Sign in</button></div></body></html>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, map[string]fakePage{"/authorize": {body: tc.body}})
			_, err := run(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Password: "pw"})
			wantError(t, err, KindUnreadable)
		})
	}
}

func TestStepLimit(t *testing.T) {
	c := newClientSite(t)
	f := newPages(t, c, map[string]fakePage{"/consent": {body: `<html><head><title>Again</title></head><body>
<form method="post"><button name="ok" value="1">Allow</button></form></body></html>`}})
	out, err := run(t, newTestAgent(t, c, f.srv), f.srv.URL+"/consent", Options{MaxSteps: 3})
	wantError(t, err, KindStepLimit)
	if len(out.Steps) != 3 || out.Kind != Stopped {
		t.Errorf("outcome %+v", out)
	}
}

func TestHints(t *testing.T) {
	login := `<html><head><title>Portal</title></head><body><form method="post" action="/login">
<input name="tenant" value="main"><input name="j_id_7" value=""><input type="password" name="j_id_8">
<input type="submit" name="go" value="→"></form></body></html>`
	consent := `<html><head><title>Portal</title></head><body><form method="post" action="/consent">
<button name="d" value="1">Proceed</button><button name="d" value="0">Stop here</button></form></body></html>`
	pages := map[string]fakePage{
		"/authorize": {body: login},
		"/login":     {body: consent},
		"/consent":   {status: 303, location: "CLIENT#access_token=x"},
	}
	opt := Options{Username: "bob", Password: "bob-pw", Hints: Hints{UsernameField: "j_id_7", PasswordField: "j_id_8", Approve: "proceed", Deny: "STOP HERE"}}
	for _, dec := range []Decision{Approve, Deny} {
		t.Run(dec.String(), func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, pages)
			o := opt
			o.Decision = dec
			out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", o)
			wantDeparture(t, out, Redirected)
			if got := f.last("/login"); got != "tenant=main&j_id_7=bob&j_id_8=bob-pw&go=%E2%86%92" {
				t.Errorf("login body %s", got)
			}
			want := map[Decision]string{Approve: "d=1", Deny: "d=0"}[dec]
			if got := f.last("/consent"); got != want {
				t.Errorf("consent body %s, want %s", got, want)
			}
		})
	}
	t.Run("deny hint names a link", func(t *testing.T) {
		c := newClientSite(t)
		f := newPages(t, c, map[string]fakePage{
			"/authorize": {body: `<html><body><form method="post" action="/consent"><button>Continue</button></form>
<a href="/help">Help</a> <a id="back" href="/back?x=1">Back to the app</a></body></html>`},
			"/back": {status: 302, location: "CLIENT?error=access_denied"},
		})
		out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Decision: Deny, Hints: Hints{Deny: "back to the APP"}})
		if d := wantDeparture(t, out, Redirected); d.URL.Query().Get("error") != "access_denied" {
			t.Errorf("departure %s", d.RawURL)
		}
		wantSteps(t, out, `consent: followed deny link "Back to the app" to `+f.srv.URL+`/back`)
	})
	t.Run("no hints: neither button reads as a decision", func(t *testing.T) {
		c := newClientSite(t)
		f := newPages(t, c, map[string]fakePage{"/authorize": {body: consent}})
		out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{})
		if out.Kind != Stopped || !strings.Contains(out.Reason, `"Proceed", "Stop here"`) {
			t.Errorf("outcome %v %q", out.Kind, out.Reason)
		}
	})
}

func TestMarkupQuirks(t *testing.T) {
	c := newClientSite(t)
	f := newPages(t, c, map[string]fakePage{
		// A form opened inside a table (the tree builder would leave it empty), unquoted and
		// upper-case attributes, a select, a textarea, a disabled input, a checked radio.
		"/authorize": {body: `<HTML><HEAD><TITLE>Old portal</TITLE></HEAD><BODY><TABLE>
<FORM METHOD=POST ACTION=/login?a=1&amp;b=2>
<TR><TD><LABEL>E-mail <INPUT NAME=who></LABEL></TD></TR>
<TR><TD><INPUT TYPE=PASSWORD NAME=pass></TD></TR>
<TR><TD><SELECT NAME=realm><OPTION VALUE=a>A<OPTION SELECTED>  Realm   B </SELECT></TD></TR>
<TR><TD><TEXTAREA NAME=note>
line1
line2</TEXTAREA><INPUT NAME=off DISABLED VALUE=x><INPUT TYPE=RADIO NAME=r VALUE=1><INPUT TYPE=RADIO NAME=r VALUE=2 CHECKED></TD></TR>
<TR><TD><INPUT TYPE=IMAGE NAME=go SRC=/go.png ALT="Log on"></TD></TR>
</FORM></TABLE></BODY></HTML>`},
		"/login": {status: 302, location: "CLIENT#access_token=x"},
	})
	out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Username: "eve@example.test", Password: "pw-eve"})
	wantDeparture(t, out, Redirected)
	if got := f.lastURL("/login"); got != "/login?a=1&b=2" {
		t.Errorf("posted to %s", got)
	}
	if got, want := f.last("/login"), "who=eve%40example.test&pass=pw-eve&realm=Realm+B&note=line1%0D%0Aline2&r=2&go.x=0&go.y=0"; got != want {
		t.Errorf("body\n  got  %s\n  want %s", got, want)
	}
	wantSteps(t, out, `filled login form (username eve@example.test) and clicked "Log on"`)
}

func TestAgentErrorsPassThrough(t *testing.T) {
	c := newClientSite(t)
	f := newPages(t, c, map[string]fakePage{"/loop": {status: 302, location: "/loop"}})
	a, err := agent.New(agent.Config{AllowedOrigins: []string{f.srv.URL}, MaxHops: 3})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), a, Start{URL: f.srv.URL + "/loop"}, Options{})
	var ae *agent.Error
	if !errors.As(err, &ae) || ae.Kind != agent.KindHopLimit || out == nil || out.Kind != Stopped {
		t.Errorf("Run = %+v, %v", out, err)
	}
}

func TestStartDeparture(t *testing.T) {
	c := newClientSite(t)
	f := newPages(t, c, map[string]fakePage{})
	out := mustRun(t, newTestAgent(t, c, f.srv), c.callback()+"#x", Options{})
	if d := wantDeparture(t, out, Navigated); d.Via != "start" || out.Page != nil {
		t.Errorf("departure %+v", d)
	}
	if _, err := Run(context.Background(), nil, Start{}, Options{}); err == nil {
		t.Error("nil agent accepted")
	}
	_ = http.MethodGet
}
