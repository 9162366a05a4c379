package refserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// jsConfigRE finds what the js-login page hands its script.
var jsConfigRE = regexp.MustCompile(`requestId: "([^"]*)", csrfToken: "([^"]*)"`)

// jsPage is the js-login page the authorization response sent the browser
// to, and what its script would post: the request and its token.
type jsPage struct {
	body, requestID, csrf string
}

func (b *browser) openJSLogin(authz response) jsPage {
	b.t.Helper()
	if authz.status != http.StatusSeeOther || !strings.HasPrefix(authz.location, "/login?") {
		b.t.Fatalf("authorize: want 303 to /login, got %d %q", authz.status, authz.location)
	}
	page := wantPage(b.t, b.get(authz.location))
	m := jsConfigRE.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no script configuration in the js-login page:\n%s", page)
	}
	return jsPage{body: page, requestID: m[1], csrf: m[2]}
}

// postJSON sends body to the JSON login endpoint as the page's script does
// (from the server's own origin), unless header says otherwise, and decodes
// the answer.
func (b *browser) postJSON(body any, contentType string, header http.Header) (response, loginAnswer) {
	b.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		b.t.Fatal(err)
	}
	h := http.Header{"Origin": {b.srv.Issuer()}, "Accept": {"application/json"}}
	for k, v := range header {
		h[k] = v
	}
	r := b.doRaw(http.MethodPost, pathJSONLogin, strings.NewReader(string(raw)), contentType, h)
	var ans loginAnswer
	if err := json.Unmarshal([]byte(r.body), &ans); err != nil && r.status != http.StatusTooManyRequests {
		b.t.Fatalf("POST %s: %d, not JSON: %q", pathJSONLogin, r.status, r.body)
	}
	return r, ans
}

// jsSignIn signs in on the js-login page the authorization response sent
// the browser to, as its script does, with password.
func (b *browser) jsSignIn(authz response, password string) (response, loginAnswer) {
	b.t.Helper()
	p := b.openJSLogin(authz)
	return b.postJSON(jsonLogin{RequestID: p.requestID, CSRF: p.csrf, Username: username, Password: password}, "application/json", nil)
}

// wantSignedIn: the JSON answer names the next page, the consent page of
// the request, and the answer set the session cookie.
func (b *browser) wantSignedIn(r response, ans loginAnswer) response {
	b.t.Helper()
	if r.status != http.StatusOK || !strings.HasPrefix(ans.Redirect, "/consent?request_id=") ||
		!strings.Contains(r.header.Get("Set-Cookie"), sessionCookie+"=") {
		b.t.Fatalf("JSON sign-in: %d %+v Set-Cookie %q, want 200 naming the consent page and a session cookie",
			r.status, ans, r.header.Get("Set-Cookie"))
	}
	// The script's location.assign(redirect): a GET of that address.
	return response{status: http.StatusSeeOther, location: ans.Redirect}
}

// TestJSLoginPage: the login page is an application shell: nothing in its
// HTML a reader that runs no script could fill in or submit, one inline
// script from the server's own origin that builds the form and signs in
// with fetch(), and the server's usual headers.
func TestJSLoginPage(t *testing.T) {
	t.Parallel()
	srv := startConfigured(t, Config{Pages: PagesJSLogin})
	b := newBrowser(t, srv)
	authz := b.authorize(baseline("xyz"))
	wantHTMLHeaders(t, b.get(authz.location))
	p := b.openJSLogin(authz)
	if want := query(fieldRequestID, p.requestID); !strings.HasSuffix(authz.location, want) {
		t.Errorf("the script's request %q is not the page's %q", p.requestID, authz.location)
	}
	for _, tag := range []string{"form", "input", "button", "a", "textarea", "select", "iframe"} {
		if n := len(elementsOf(t, p.body, tag)); n != 0 {
			t.Errorf("the page's HTML has %d <%s>", n, tag)
		}
	}
	scripts := elementsOf(t, p.body, "script")
	if len(scripts) != 1 || hasAttr(scripts[0], "src") {
		t.Fatalf("want one inline script, got %d:\n%s", len(scripts), p.body)
	}
	js := scripts[0].FirstChild.Data
	wantContains(t, js, `endpoint: "/api/login"`, "fetch(cfg.endpoint", `"Content-Type": "application/json"`,
		"JSON.stringify(body)", "location.assign(data.redirect)", `document.createElement(tag)`,
		`type: "password"`, `["Sign in"]`, `event.preventDefault()`)
	// The two idioms a reader that runs no script follows would mislead it.
	wantAbsent(t, js, ".submit(", `location.assign("`, `location.href`, `location = "`)
	var root *html.Node
	for _, div := range elementsOf(t, p.body, "div") {
		if attr(div, "id") == "root" {
			root = div
		}
	}
	if root == nil || root.FirstChild == nil || root.FirstChild.Data != "Loading…" || root.FirstChild.NextSibling != nil {
		t.Errorf(`want <div id="root">Loading…</div>:\n%s`, p.body)
	}
}

// TestJSLoginEndpoint: the JSON endpoint checks what the form login checks
// (RFC 6749 §10.12 anti-forgery and origin, the pending request, the
// credentials) and answers JSON; a refused sign-in sets no session and
// leaves the request pending, so the right credentials then sign in.
func TestJSLoginEndpoint(t *testing.T) {
	t.Parallel()
	srv := startConfigured(t, Config{Pages: PagesJSLogin})
	const asJSON = "application/json"
	for _, tc := range []struct {
		name        string
		edit        func(in *jsonLogin) // nil: the body the page's script sends
		header      http.Header         // besides the page's Origin
		contentType string              // "": application/json
		status      int
		code, words string
	}{
		{name: "wrong password", edit: func(in *jsonLogin) { in.Password += "x" },
			status: http.StatusUnauthorized, code: "invalid_credentials", words: "Wrong username or password."},
		{name: "wrong username", edit: func(in *jsonLogin) { in.Username = "bob" },
			status: http.StatusUnauthorized, code: "invalid_credentials", words: "Wrong username or password."},
		{name: "no anti-forgery token", edit: func(in *jsonLogin) { in.CSRF = "" },
			status: http.StatusForbidden, code: "forbidden", words: "anti-forgery token"},
		{name: "forged token", edit: func(in *jsonLogin) { in.CSRF = "AAAA" + in.CSRF[4:] },
			status: http.StatusForbidden, code: "forbidden", words: "anti-forgery token"},
		{name: "another request", edit: func(in *jsonLogin) { in.RequestID = "unknown" },
			status: http.StatusForbidden, code: "forbidden", words: "anti-forgery token"},
		{name: "another site's origin", header: http.Header{"Origin": {"https://evil.example"}},
			status: http.StatusForbidden, code: "forbidden", words: "anti-forgery token"},
		{name: "cross-site fetch", header: http.Header{"Sec-Fetch-Site": {"cross-site"}},
			status: http.StatusForbidden, code: "forbidden", words: "anti-forgery token"},
		{name: "form-encoded", contentType: "application/x-www-form-urlencoded",
			status: http.StatusUnsupportedMediaType, code: "invalid_request", words: "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, srv)
			p := b.openJSLogin(b.authorize(baseline("xyz")))
			right := jsonLogin{RequestID: p.requestID, CSRF: p.csrf, Username: username, Password: srv.password}
			in, ct := right, tc.contentType
			if tc.edit != nil {
				tc.edit(&in)
			}
			if ct == "" {
				ct = asJSON
			}
			r, ans := b.postJSON(in, ct, tc.header)
			if r.status != tc.status || ans.Error != tc.code || !strings.Contains(ans.Message, tc.words) || ans.Redirect != "" {
				t.Errorf("%d %+v, want %d %s saying %q", r.status, ans, tc.status, tc.code, tc.words)
			}
			if _, ok := b.cookies[sessionCookie]; ok {
				t.Error("a refused sign-in set a session cookie")
			}
			r, ans = b.postJSON(right, asJSON, nil)
			wantConformantSuccess(t, srv, b.decide(b.consentPage(b.wantSignedIn(r, ans)), "allow"), "xyz")
			// Answered: the request is gone.
			if r, ans := b.postJSON(right, asJSON, nil); r.status != http.StatusBadRequest || ans.Error != "unknown_request" {
				t.Errorf("sign-in for an answered request: %d %+v, want 400 unknown_request", r.status, ans)
			}
		})
	}
}

// TestJSLoginOnly: under js-login the JSON endpoint is the only way in (the
// form POST the page does not show is refused), it takes POST only, and it
// exists under no other style.
func TestJSLoginOnly(t *testing.T) {
	t.Parallel()
	srv := startConfigured(t, Config{Pages: PagesJSLogin})
	b := newBrowser(t, srv)
	p := b.openJSLogin(b.authorize(baseline("xyz")))
	form := url.Values{fieldRequestID: {p.requestID}, fieldCSRF: {p.csrf}, fieldUsername: {username}, fieldPassword: {srv.password}}
	if r := b.do(http.MethodPost, "/login", form, http.Header{"Origin": {srv.Issuer()}}); r.status != http.StatusMethodNotAllowed || r.location != "" {
		t.Errorf("form POST /login: %d %q, want 405", r.status, r.location)
	}
	if r := b.get(pathJSONLogin); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != http.MethodPost {
		t.Errorf("GET %s: %d Allow %q, want 405 Allow: POST", pathJSONLogin, r.status, r.header.Get("Allow"))
	}
	if _, ok := b.cookies[sessionCookie]; ok {
		t.Error("a session cookie was set")
	}
	plain := startServer(t)
	pb := newBrowser(t, plain)
	pb.authorize(baseline("xyz"))
	if r := pb.doRaw(http.MethodPost, pathJSONLogin, strings.NewReader("{}"), "application/json", nil); r.status != http.StatusNotFound {
		t.Errorf("POST %s under the plain style: %d, want 404", pathJSONLogin, r.status)
	}
}

// TestJSLoginFlow: signed in through the JSON endpoint, the flow approves
// and denies like the plain pages'.
func TestJSLoginFlow(t *testing.T) {
	t.Parallel()
	srv := startConfigured(t, Config{Pages: PagesJSLogin})
	for _, tc := range []struct {
		decision string
		want     func(t *testing.T, r response)
	}{
		{"allow", func(t *testing.T, r response) { wantConformantSuccess(t, srv, r, "xyz") }},
		{"deny", func(t *testing.T, r response) { wantErrorRedirect(t, r, "access_denied", "xyz") }},
	} {
		b := newBrowser(t, srv)
		r, ans := b.jsSignIn(b.authorize(baseline("xyz")), srv.password)
		tc.want(t, b.decide(b.consentPage(b.wantSignedIn(r, ans)), tc.decision))
	}
}

// TestJSLoginHonoursLogin: what the form login honours, the JSON sign-in
// honours: prompt=login, auth_time for max_age (OpenID Connect Core
// §3.1.2.1, §2), Config.Lockout and Config.Throttle.
func TestJSLoginHonoursLogin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
		run  func(t *testing.T, srv *Server)
	}{
		{"prompt=login and auth_time", Config{Pages: PagesJSLogin}, func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			r, ans := b.jsSignIn(b.authorize(oidcQuery("id_token")), srv.password)
			idTokenOf(t, b.decide(b.consentPage(b.wantSignedIn(r, ans)), "allow"))
			before := time.Now().Unix()
			authz := b.authorize(oidcQuery("id_token token", "prompt", "login", "max_age", "600"))
			wantLoginNext(t, authz)
			r, ans = b.jsSignIn(authz, srv.password)
			tok, _ := idTokenOf(t, b.decide(b.consentPage(b.wantSignedIn(r, ans)), "allow"))
			if at := tok.Claims.AuthTime; at == nil || int64(*at) < before || *at > *tok.Claims.Iat {
				t.Errorf("auth_time %v, want the JSON sign-in (between %d and iat %v)", at, before, *tok.Claims.Iat)
			}
		}},
		{"lockout", Config{Pages: PagesJSLogin, Lockout: 1}, func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			b.wantSignedIn(b.jsSignIn(b.authorize(baseline("s1")), srv.password))
			b = newBrowser(t, srv)
			r, ans := b.jsSignIn(b.authorize(baseline("s2")), srv.password)
			if r.status != http.StatusForbidden || ans.Error != "account_locked" || !strings.Contains(ans.Message, "This account is locked") {
				t.Errorf("second sign-in: %d %+v, want 403 account_locked", r.status, ans)
			}
		}},
		{"throttle", Config{Pages: PagesJSLogin, Throttle: 3}, func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			p := b.openJSLogin(b.authorize(baseline("xyz"))) // requests 1 and 2
			in := jsonLogin{RequestID: p.requestID, CSRF: p.csrf, Username: username, Password: srv.password}
			r, _ := b.postJSON(in, "application/json", nil) // request 3
			if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
				t.Fatalf("third request: %d Retry-After %q, want 429 Retry-After: 1", r.status, r.header.Get("Retry-After"))
			}
			time.Sleep(1100 * time.Millisecond) // what the page's script waits
			b.wantSignedIn(b.postJSON(in, "application/json", nil))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, startConfigured(t, tc.cfg))
		})
	}
}

// TestJSLoginFaults: the login faults that live in the page or in where the
// sign-in leads act under js-login as under the form login.
func TestJSLoginFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fault Fault
		check func(t *testing.T, srv *Server)
	}{
		{FaultLoginOpenRedirect, func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			authz := b.authorize(baseline("xyz"))
			authz.location += "&next=" + url.QueryEscape("https://evil.example/x")
			p := b.openJSLogin(authz)
			if !strings.Contains(p.body, `next: "https://evil.example/x"`) {
				t.Fatalf("the page does not hand its script the next address:\n%s", p.body)
			}
			r, ans := b.postJSON(jsonLogin{RequestID: p.requestID, CSRF: p.csrf, Username: username, Password: srv.password, Next: "https://evil.example/x"}, "application/json", nil)
			if r.status != http.StatusOK || ans.Redirect != "https://evil.example/x" {
				t.Errorf("%d %+v, want the next address", r.status, ans)
			}
		}},
		{FaultStateUnescapedOnLogin, func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			if p := b.openJSLogin(b.authorize(baseline("<b>x</b>"))); !strings.Contains(p.body, "<b>x</b>") {
				t.Errorf("the page does not carry the raw state:\n%s", p.body)
			}
		}},
		{FaultLoginFramable, func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			if r := b.get(b.authorize(baseline("xyz")).location); r.header.Get("X-Frame-Options") != "" || r.header.Get("Content-Security-Policy") != "" {
				t.Errorf("headers %v: want no anti-framing headers", r.header)
			}
		}},
		{FaultNoReferrerPolicy, func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			r := b.get(b.authorize(baseline("xyz")).location)
			if r.header.Get("Referrer-Policy") != "" || strings.Contains(r.body, `name="referrer"`) {
				t.Errorf("the js-login page still sets a referrer policy")
			}
		}},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			t.Parallel()
			tc.check(t, startConfigured(t, Config{Pages: PagesJSLogin}, tc.fault))
		})
	}
}
