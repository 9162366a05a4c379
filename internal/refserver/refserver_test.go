package refserver

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestStartOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"unknown fault", Options{Faults: []Fault{"no-such-fault"}}},
		{"non-loopback address", Options{Addr: "0.0.0.0:0"}},
		{"hostname", Options{Addr: "localhost:0"}},
		{"malformed address", Options{Addr: "127.0.0.1"}},
		{"browser callback https", Options{BrowserCallback: "https://127.0.0.1:8765/cb"}},
		{"browser callback without a port", Options{BrowserCallback: "http://127.0.0.1/cb"}},
		{"browser callback port 0", Options{BrowserCallback: "http://127.0.0.1:0/cb"}},
		{"browser callback localhost", Options{BrowserCallback: "http://localhost:8765/cb"}},
		{"browser callback elsewhere", Options{BrowserCallback: "http://10.0.0.1:8765/cb"}},
		{"browser callback with a fragment", Options{BrowserCallback: "http://127.0.0.1:8765/cb#x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if s, err := Start(tc.opts); err == nil {
				_ = s.Close()
				t.Fatalf("Start(%+v) succeeded, want an error", tc.opts)
			}
		})
	}
}

func TestCloseIdempotentAndServersIndependent(t *testing.T) {
	t.Parallel()
	a, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := startServer(t, FaultNoTokenType)
	if a.Issuer() == b.Issuer() || string(a.CACertPEM()) == string(b.CACertPEM()) || a.password == b.password {
		t.Error("two servers share issuer, CA or password")
	}
	if !strings.HasPrefix(a.Issuer(), "https://127.0.0.1:") {
		t.Errorf("Issuer %q", a.Issuer())
	}
	if err := a.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	// b is unaffected by a's close and has its own fault set.
	wantConformantSuccessExceptTokenType(t, b)
}

func wantConformantSuccessExceptTokenType(t *testing.T, srv *Server) {
	t.Helper()
	resp := flow(t, srv, baseline("xyz"), "allow")
	_, frag, _ := splitLocation(t, resp.location)
	if frag.Has("token_type") || frag.Get("state") != "xyz" {
		t.Errorf("fragment %v: want state and no token_type", frag)
	}
}

func TestCertificate(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	block, _ := pem.Decode(srv.CACertPEM())
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatal("CACertPEM is not a PEM certificate")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || ca.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("CA: IsCA=%v algorithm=%v", ca.IsCA, ca.PublicKeyAlgorithm)
	}
	// newBrowser trusts only this CA and verifies the hostname 127.0.0.1.
	if r := newBrowser(t, srv).get("/.well-known/oauth-authorization-server"); r.status != http.StatusOK {
		t.Fatalf("metadata over verified TLS: %d", r.status)
	}
}

func TestMetadata(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	for _, path := range []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"} {
		t.Run(path, func(t *testing.T) {
			r := b.on(t).get(path)
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Fatalf("status %d content type %q", r.status, r.header.Get("Content-Type"))
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(r.body), &m); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"issuer":                                         srv.Issuer(),
				"authorization_endpoint":                         srv.Issuer() + "/authorize",
				"userinfo_endpoint":                              srv.Issuer() + "/userinfo",
				"response_types_supported":                       []any{"token", "id_token token", "id_token"},
				"response_modes_supported":                       []any{"fragment", "form_post"},
				"grant_types_supported":                          []any{"implicit"},
				"scopes_supported":                               []any{"openid", "profile", "email", "read", "write", "offline_access"},
				"authorization_response_iss_parameter_supported": true,
			}
			for k, v := range want {
				got, _ := json.Marshal(m[k])
				exp, _ := json.Marshal(v)
				if string(got) != string(exp) {
					t.Errorf("%s = %s, want %s", k, got, exp)
				}
			}
			if r.header.Get("Access-Control-Allow-Origin") != "" {
				t.Error("CORS header on metadata")
			}
		})
	}
}

func TestLoginPage(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	authz := b.authorize(baseline("s1"))
	if authz.status != http.StatusSeeOther || !strings.HasPrefix(authz.location, "/login?request_id=") {
		t.Fatalf("authorize: %d %q", authz.status, authz.location)
	}
	page := b.get(authz.location)
	wantHTMLHeaders(t, page)
	for _, frag := range []string{
		`<form method="post" action="/login">`,
		`<input type="hidden" name="csrf_token" value="`,
		`<input type="hidden" name="request_id" value="`,
		`<label for="username">Username</label>`,
		`<input type="text" id="username" name="username" autocomplete="username"`,
		`<input type="password" id="password" name="password" autocomplete="current-password">`,
		`<button type="submit" name="action" value="login">Sign in</button>`,
	} {
		if !strings.Contains(page.body, frag) {
			t.Errorf("login page lacks %s", frag)
		}
	}

	for _, tc := range []struct {
		name, user, pass string
	}{
		{"wrong password", "alice", "not-the-password"},
		{"wrong user", "bob", srv.password},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := formOf(t, page.body, "/login")
			form.Set("username", tc.user)
			form.Set("password", tc.pass)
			form.Set("action", "login")
			r := b.on(t).post("/login", form)
			if r.status != http.StatusUnauthorized || r.location != "" {
				t.Fatalf("status %d Location %q, want 401 and no redirect", r.status, r.location)
			}
			if !strings.Contains(r.body, "Wrong username or password.") || !strings.Contains(r.body, `action="/login"`) {
				t.Errorf("401 page does not re-render the form with an error:\n%s", r.body)
			}
			wantHTMLHeaders(t, r)
			if _, ok := b.cookies[sessionCookie]; ok {
				t.Error("a failed login set a session cookie")
			}
		})
	}

	t.Run("missing CSRF", func(t *testing.T) {
		form := formOf(t, page.body, "/login")
		form.Del("csrf_token")
		form.Set("username", "alice")
		form.Set("password", srv.password)
		if r := b.on(t).post("/login", form); r.status != http.StatusForbidden || r.location != "" {
			t.Errorf("status %d Location %q, want 403", r.status, r.location)
		}
	})
	t.Run("other browser", func(t *testing.T) {
		if r := newBrowser(t, srv).get(authz.location); r.status != http.StatusBadRequest {
			t.Errorf("login page for another browser's request: %d, want 400", r.status)
		}
	})
	t.Run("success is 303", func(t *testing.T) {
		b := b.on(t)
		b.login(authz) // asserts 303 to /consent
		c, ok := b.cookies[sessionCookie]
		if !ok || c == "" {
			t.Fatal("no session cookie")
		}
	})
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	authz := b.authorize(baseline("s"))
	page := b.get(authz.location)
	form := formOf(t, page.body, "/login")
	form.Set("username", "alice")
	form.Set("password", srv.password)
	r := b.post("/login", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", r.status)
	}
	var found bool
	for _, line := range r.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Name != sessionCookie {
			continue
		}
		found = true
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("session cookie %q: want HttpOnly, Secure, SameSite=Lax", line)
		}
	}
	if !found {
		t.Error("no session cookie set")
	}
}

// The state of the brief: every character a naive encoder gets wrong.
const trickyState = "a b+c&d=e#f%g/h?ü"

func TestSuccessFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	page := b.consentPage(b.login(b.authorize(baseline(trickyState))))
	wantHTMLHeaders(t, page)
	for _, frag := range []string{
		`<form method="post" action="/consent">`,
		`name="csrf_token"`,
		`name="request_id"`,
		`name="scope" value="read" checked>`,
		`<button type="submit" name="decision" value="allow">Allow</button>`,
		`<button type="submit" name="decision" value="deny">Deny</button>`,
	} {
		if !strings.Contains(page.body, frag) {
			t.Errorf("consent page lacks %s", frag)
		}
	}
	resp := b.decide(page, "allow")
	wantConformantSuccess(t, srv, resp, trickyState)
	wantRaw := "&state=a+b%2Bc%26d%3De%23f%25g%2Fh%3F%C3%BC"
	if !strings.HasSuffix(resp.location, wantRaw) {
		t.Errorf("Location %q: want it to end in %s", resp.location, wantRaw)
	}
	if strings.Contains(resp.location, "refresh_token") {
		t.Error("refresh_token in an implicit response")
	}

	t.Run("remembered session skips login, consent asked again", func(t *testing.T) {
		b := b.on(t)
		authz := b.authorize(baseline("again"))
		if authz.status != http.StatusSeeOther || !strings.HasPrefix(authz.location, "/consent?") {
			t.Fatalf("authorize with session: %d %q, want 303 to /consent", authz.status, authz.location)
		}
		resp := b.decide(b.consentPage(authz), "allow")
		wantConformantSuccess(t, srv, resp, "again")
	})
	t.Run("request answered once", func(t *testing.T) {
		b := b.on(t)
		form := formOf(t, page.body, "/consent")
		form.Set("decision", "allow")
		if r := b.post("/consent", form); r.status != http.StatusBadRequest || r.location != "" {
			t.Errorf("replayed consent: %d %q, want 400 and no redirect", r.status, r.location)
		}
	})
	t.Run("prompt=login forces login", func(t *testing.T) {
		b := b.on(t)
		authz := b.authorize(baseline("p") + "&prompt=login")
		if !strings.HasPrefix(authz.location, "/login?") {
			t.Errorf("prompt=login: Location %q, want /login", authz.location)
		}
	})
}

func TestSuccessVariants(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, tc := range []struct {
		name, query string
		wantBase    string
		wantScope   string
		wantState   string // "-" for none
	}{
		{"redirect_uri omitted, one registered", query("response_type", "token", "client_id", "spa", "state", "s"), r1, "read", "s"},
		{"empty values are omitted", query("response_type", "token", "client_id", "spa", "redirect_uri", "", "scope", "", "state", "s", "foo", ""), r1, "read", "s"},
		{"no state, none returned", query("response_type", "token", "client_id", "spa", "redirect_uri", r1), r1, "read", "-"},
		{"empty state is no state", query("response_type", "token", "client_id", "spa", "redirect_uri", r1, "state", ""), r1, "read", "-"},
		{"second registered URI", query("response_type", "token", "client_id", "spa-two", "redirect_uri", r2, "state", "s"), r2, "read", "s"},
		{"several scopes, unknown params, shuffled", query("x_vendor", "1", "state", "s", "scope", "write read", "redirect_uri", r1, "extra", "foobar", "client_id", "spa", "response_type", "token"), r1, "write read", "s"},
		{"response_mode=fragment", baseline("s") + "&response_mode=fragment", r1, "read", "s"},
		{"duplicate scope token", query("response_type", "token", "client_id", "spa", "scope", "read read", "state", "s"), r1, "read", "s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := flow(t, srv, tc.query, "allow")
			base, frag, _ := splitLocation(t, resp.location)
			if resp.status != http.StatusSeeOther || base != tc.wantBase {
				t.Fatalf("%d %q, want 303 to %s#...", resp.status, resp.location, tc.wantBase)
			}
			if frag.Get("access_token") == "" || frag.Get("scope") != tc.wantScope {
				t.Errorf("fragment %v: want a token and scope %q", frag, tc.wantScope)
			}
			if tc.wantState == "-" && frag.Has("state") || tc.wantState != "-" && frag.Get("state") != tc.wantState {
				t.Errorf("state %v, want %q", frag["state"], tc.wantState)
			}
		})
	}
}

func TestAuthorizePOST(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	form, _ := url.ParseQuery(baseline("posted"))
	resp := b.decide(b.consentPage(b.login(b.post("/authorize", form))), "allow")
	wantConformantSuccess(t, srv, resp, "posted")

	r := b.doRaw(http.MethodPost, "/authorize", strings.NewReader(baseline("x")), "application/json", nil)
	if r.status != http.StatusBadRequest || r.location != "" {
		t.Errorf("non-form POST: %d %q, want 400 page", r.status, r.location)
	}
	r = b.do(http.MethodPut, "/authorize?"+baseline("x"), nil, nil)
	if r.status != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d, want 405", r.status)
	}
}

func TestUnscopedConsent(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	page := b.consentPage(b.login(b.authorize(query("response_type", "token", "client_id", "spa", "scope", "read write", "state", "s"))))
	form := formOf(t, page.body, "/consent")
	form["scope"] = []string{"write", "email"} // untick read; email was never requested
	form.Set("decision", "allow")
	_, frag, _ := splitLocation(t, b.post("/consent", form).location)
	if frag.Get("scope") != "write" {
		t.Errorf("granted scope %q, want write", frag.Get("scope"))
	}
}

func TestDeny(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	resp := flow(t, srv, baseline(trickyState), "deny")
	wantErrorRedirect(t, resp, "access_denied", trickyState)
	if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}

func TestConsentCSRF(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	page := b.consentPage(b.login(b.authorize(baseline("csrf"))))
	for _, tc := range []struct {
		name   string
		edit   func(url.Values)
		header http.Header
		jar    bool // use a fresh cookie jar
	}{
		{"missing", func(f url.Values) { f.Del("csrf_token") }, nil, false},
		{"wrong", func(f url.Values) { f.Set("csrf_token", "AAAA") }, nil, false},
		{"login token reused", nil, nil, false},
		{"foreign Origin", func(url.Values) {}, http.Header{"Origin": {"https://evil.example"}}, false},
		{"cookie-less", func(url.Values) {}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := b.on(t)
			form := formOf(t, page.body, "/consent")
			if tc.edit == nil { // the login form's token for the same request
				lp := b.get("/login?request_id=" + url.QueryEscape(form.Get("request_id")))
				form.Set("csrf_token", formOf(t, lp.body, "/login").Get("csrf_token"))
			} else {
				tc.edit(form)
			}
			form.Set("decision", "allow")
			agent := b
			if tc.jar {
				agent = newBrowser(t, srv)
			}
			r := agent.do(http.MethodPost, "/consent", form, tc.header)
			if r.status != http.StatusForbidden || r.location != "" || strings.Contains(r.body, "access_token") {
				t.Errorf("%d Location %q, want 403 page without a token", r.status, r.location)
			}
			wantHTMLHeaders(t, r)
		})
	}
	// The genuine form still works afterwards.
	wantConformantSuccess(t, srv, b.decide(page, "allow"), "csrf")
}

func TestNoRedirectErrors(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	// A session and prior consent must not change the verdict (NR rule).
	withSession := newBrowser(t, srv)
	withSession.decide(withSession.consentPage(withSession.login(withSession.authorize(baseline("s")))), "allow")

	xss := `"><script>alert(1)</script>`
	for _, tc := range []struct {
		name, query string
	}{
		{"missing client_id", query("response_type", "token", "redirect_uri", r1, "state", "s")},
		{"empty client_id", query("response_type", "token", "client_id", "", "redirect_uri", r1, "state", "s")},
		{"unknown client", query("response_type", "token", "client_id", "nobody", "redirect_uri", r1, "state", "s")},
		{"case-changed client", query("response_type", "token", "client_id", "SPA", "redirect_uri", r1, "state", "s")},
		{"duplicate client_id", query("response_type", "token", "client_id", "spa", "client_id", "spa", "redirect_uri", r1)},
		{"malformed client_id", "response_type=token&client_id=sp%zz&redirect_uri=" + url.QueryEscape(r1)},
		{"extra path segment", query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"/extra", "state", "s")},
		{"suffix", query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"x", "state", "s")},
		{"trailing slash", query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"/", "state", "s")},
		{"path case", query("response_type", "token", "client_id", "spa", "redirect_uri", "https://client.example.com/CB", "state", "s")},
		{"host case", query("response_type", "token", "client_id", "spa", "redirect_uri", "https://CLIENT.example.com/cb", "state", "s")},
		{"http downgrade", query("response_type", "token", "client_id", "spa", "redirect_uri", "http://client.example.com/cb", "state", "s")},
		{"explicit port", query("response_type", "token", "client_id", "spa", "redirect_uri", "https://client.example.com:443/cb", "state", "s")},
		{"added query", query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"?foo=bar", "state", "s")},
		{"fragment", query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"#frag", "state", "s")},
		{"userinfo trick", query("response_type", "token", "client_id", "spa", "redirect_uri", "https://client.example.com@evil.example/cb", "state", "s")},
		{"URI of another client list", query("response_type", "token", "client_id", "spa", "redirect_uri", r2, "state", "s")},
		{"several registered, none sent", query("response_type", "token", "client_id", "spa-two", "state", "s")},
		{"duplicate redirect_uri", query("response_type", "token", "client_id", "spa", "redirect_uri", r1, "redirect_uri", r1, "state", "s")},
		{"reflected markup in client_id", query("response_type", "token", "client_id", xss, "redirect_uri", r1)},
		{"reflected markup in redirect_uri", query("response_type", "token", "client_id", "spa", "redirect_uri", r1+xss)},
		{"bad request with backend", query("response_type", "token", "client_id", "backend", "redirect_uri", r2, "state", "s")},
	} {
		for _, b := range []*browser{newBrowser(t, srv), withSession} {
			r := b.authorize(tc.query)
			t.Run(tc.name, func(t *testing.T) {
				wantErrorPage(t, r)
				wantHTMLHeaders(t, r)
				if strings.Contains(r.body, "<script>alert") {
					t.Errorf("markup reflected unescaped:\n%s", r.body)
				}
				if strings.Contains(r.body, "access_token") {
					t.Error("token on an error page")
				}
			})
		}
	}
}

func TestErrorRedirects(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	for _, tc := range []struct {
		name, query, code, state string // state "-" = none expected
	}{
		{"client not allowed token", query("response_type", "token", "client_id", "backend", "redirect_uri", r1, "state", "st"), "unauthorized_client", "st"},
		{"unknown scope", query("response_type", "token", "client_id", "spa", "redirect_uri", r1, "scope", "read unknown_xyz", "state", "st"), "invalid_scope", "st"},
		{"malformed scope", query("response_type", "token", "client_id", "spa", "scope", "read  write", "state", "st"), "invalid_scope", "st"},
		{"missing response_type", query("client_id", "spa", "redirect_uri", r1, "state", "st"), "unsupported_response_type", "st"},
		{"unknown response_type", query("response_type", "tokenx", "client_id", "spa", "redirect_uri", r1, "state", "st"), "unsupported_response_type", "st"},
		{"response_type code", query("response_type", "code", "client_id", "spa", "redirect_uri", r1, "state", "st"), "unsupported_response_type", "st"},
		{"response_type token token", query("response_type", "token token", "client_id", "spa", "state", "st"), "unsupported_response_type", "st"},
		{"duplicate response_type", query("response_type", "token", "response_type", "token", "client_id", "spa", "state", "st"), "invalid_request", "st"},
		{"duplicate scope", query("response_type", "token", "client_id", "spa", "scope", "read", "scope", "write", "state", "st"), "invalid_request", "st"},
		{"duplicate state", query("response_type", "token", "client_id", "spa", "state", "a", "state", "b"), "invalid_request", "-"},
		{"duplicate unknown parameter", query("response_type", "token", "client_id", "spa", "x", "1", "x", "2", "state", "st"), "invalid_request", "st"},
		{"malformed state", "response_type=token&client_id=spa&state=%zz", "invalid_request", "-"},
		{"response_mode=query", baseline("st") + "&response_mode=query", "invalid_request", "st"},
		{"unknown response_mode", baseline("st") + "&response_mode=foo", "invalid_request", "st"},
		{"prompt=none without session", baseline("st") + "&prompt=none", "login_required", "st"},
		{"state with markup", query("response_type", "token", "client_id", "backend", "state", `"><script>`), "unauthorized_client", `"><script>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.on(t).authorize(tc.query)
			wantErrorRedirect(t, r, tc.code, tc.state)
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
		})
	}
}

func TestUserinfo(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	_, frag, _ := splitLocation(t, flow(t, srv, baseline("u"), "allow").location)
	tok := frag.Get("access_token")
	b := newBrowser(t, srv)
	for _, tc := range []struct {
		name       string
		authz      string
		wantStatus int
		wantChall  string
	}{
		{"live token", "Bearer " + tok, http.StatusOK, ""},
		{"scheme case-insensitive", "bearer " + tok, http.StatusOK, ""},
		{"unknown token", "Bearer " + strings.Repeat("A", 43), http.StatusUnauthorized, `Bearer error="invalid_token"`},
		{"wrong scheme", "Basic " + tok, http.StatusUnauthorized, `Bearer error="invalid_token"`},
		{"empty token", "Bearer ", http.StatusUnauthorized, `Bearer error="invalid_token"`},
		{"no credentials", "", http.StatusUnauthorized, `Bearer realm="implicitspec-reference"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.authz != "" {
				h.Set("Authorization", tc.authz)
			}
			r := b.on(t).do(http.MethodGet, "/userinfo", nil, h)
			if r.status != tc.wantStatus {
				t.Fatalf("status %d, want %d", r.status, tc.wantStatus)
			}
			if tc.wantStatus == http.StatusOK && strings.TrimSpace(r.body) != `{"sub":"alice"}` {
				t.Errorf("body %s", r.body)
			}
			if got := r.header.Get("WWW-Authenticate"); got != tc.wantChall {
				t.Errorf("WWW-Authenticate %q, want %q", got, tc.wantChall)
			}
		})
	}
}

func TestFormPost(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, tc := range []struct {
		name, decision string
		want           []string // hidden input names in order
	}{
		{"success", "allow", []string{"access_token", "token_type", "expires_in", "scope", "iss", "state"}},
		{"deny", "deny", []string{"error", "error_description", "iss", "state"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := flow(t, srv, baseline(trickyState+`"<>`)+"&response_mode=form_post", tc.decision)
			if r.status != http.StatusOK || r.location != "" {
				t.Fatalf("%d %q, want a 200 page", r.status, r.location)
			}
			wantHTMLHeaders(t, r)
			doc, err := html.Parse(strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			vals := url.Values{}
			var forms, noscriptButtons int
			for n := range doc.Descendants() {
				if n.Type != html.ElementNode {
					continue
				}
				switch n.Data {
				case "body":
					if attr(n, "onload") != "document.forms[0].submit()" {
						t.Errorf("body onload %q", attr(n, "onload"))
					}
				case "form":
					forms++
					if attr(n, "method") != "post" || attr(n, "action") != r1 {
						t.Errorf("form method %q action %q", attr(n, "method"), attr(n, "action"))
					}
				case "input":
					if attr(n, "type") == "hidden" {
						names = append(names, attr(n, "name"))
						vals.Add(attr(n, "name"), attr(n, "value"))
					}
				case "noscript":
					if strings.Contains(renderInner(n), `<button type="submit">Continue</button>`) {
						noscriptButtons++
					}
				}
			}
			if forms != 1 || noscriptButtons != 1 {
				t.Errorf("forms %d, noscript Continue buttons %d", forms, noscriptButtons)
			}
			if strings.Join(names, ",") != strings.Join(tc.want, ",") {
				t.Errorf("hidden inputs %v, want %v", names, tc.want)
			}
			if vals.Get("state") != trickyState+`"<>` {
				t.Errorf("state %q", vals.Get("state"))
			}
			if strings.Contains(r.body, `"<>`) {
				t.Error("state reflected unescaped")
			}
		})
	}
	t.Run("error before consent", func(t *testing.T) {
		r := newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "backend", "state", "s", "response_mode", "form_post"))
		if r.status != http.StatusOK || !strings.Contains(r.body, `name="error" value="unauthorized_client"`) || !strings.Contains(r.body, `action="`+r1+`"`) {
			t.Errorf("%d\n%s", r.status, r.body)
		}
	})
}

// renderInner returns the raw text inside a <noscript> (parsed as text when
// scripting is on) or its rendered children.
func renderInner(n *html.Node) string {
	var b strings.Builder
	for c := range n.ChildNodes() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		} else {
			_ = html.Render(&b, c)
		}
	}
	return b.String()
}

func TestProfileYAML(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	y := string(srv.ProfileYAML())
	port := strings.TrimPrefix(srv.Issuer(), "https://127.0.0.1:")
	want := "name: implicitspec-reference\n" +
		"issuer: https://127.0.0.1:" + port + "\n" +
		"authorization_endpoint: https://127.0.0.1:" + port + "/authorize\n" +
		"userinfo_endpoint: https://127.0.0.1:" + port + "/userinfo\n" +
		"clients:\n" +
		"  implicit:\n" +
		"    client_id: spa\n" +
		"    redirect_uris: [https://client.example.com/cb]\n" +
		"    scope: \"read write\"\n" +
		"  two_uris:\n" +
		"    client_id: spa-two\n" +
		"    redirect_uris: [https://client.example.com/cb, https://client.example.com/cb2, https://client.example.com/app/, \"https://client.example.com/caf%C3%A9\"]\n" +
		"  code_only:\n" +
		"    client_id: backend\n" +
		"    redirect_uris: [https://client.example.com/cb]\n" +
		"  with_query:\n" +
		"    client_id: spa-query\n" +
		"    redirect_uris: [\"https://client.example.com/cb?dummy1=lorem&dummy2=ipsum\"]\n" +
		"  native:\n" +
		"    client_id: native\n" +
		"    redirect_uris: [\"http://127.0.0.1/cb\"]\n" +
		"  browser_client:\n" +
		"    client_id: browser-client\n" +
		"    redirect_uris: [\"" + srv.clients[browserClientID].redirectURIs[0] + "\"]\n" +
		"    scope: \"read write\"\n" +
		"allowed_origins: [\"" + srv.front.url + "\"]\n" +
		"resource_owner:\n" +
		"  username: alice\n" +
		"  password: \"" + srv.password + "\"\n" +
		"tls:\n" +
		"  ca_pem: |\n"
	if !strings.HasPrefix(y, want) {
		t.Fatalf("ProfileYAML:\n%s\nwant prefix:\n%s", y, want)
	}
	var pemText strings.Builder
	for l := range strings.SplitSeq(strings.TrimSuffix(strings.TrimPrefix(y, want), "\n"), "\n") {
		if !strings.HasPrefix(l, "    ") {
			t.Fatalf("ca_pem line %q not indented", l)
		}
		pemText.WriteString(strings.TrimPrefix(l, "    ") + "\n")
	}
	if pemText.String() != string(srv.CACertPEM()) {
		t.Errorf("ca_pem differs from CACertPEM")
	}
	if len(srv.password) != 24 {
		t.Errorf("password length %d, want 24", len(srv.password))
	}
}

func TestYAMLScalar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"spa", "spa"},
		{"spa-two", "spa-two"},
		{"https://127.0.0.1:8443/authorize", "https://127.0.0.1:8443/authorize"},
		{"yes", `"yes"`},
		{"a: b", `"a: b"`},
		{"x,y", `"x,y"`},
		{"-abc", `"-abc"`},
		{"12345", `"12345"`},
		{`q"\`, `"q\"\\"`},
		{"https://a/b#c", `"https://a/b#c"`},
	} {
		if got := yamlScalar(tc.in); got != tc.want {
			t.Errorf("yamlScalar(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestHTMLPagesHeaders(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	wantHTMLHeaders(t, b.get("/nowhere"))
	wantHTMLHeaders(t, b.authorize("client_id=nobody"))
	wantHTMLHeaders(t, b.get("/login?request_id=unknown"))
	wantHTMLHeaders(t, b.get("/consent?request_id=unknown"))
	r := b.do(http.MethodOptions, "/authorize", nil, http.Header{"Origin": {"https://evil.example"}})
	if r.header.Get("Access-Control-Allow-Origin") != "" || r.status != http.StatusMethodNotAllowed {
		t.Errorf("OPTIONS /authorize: %d ACAO %q", r.status, r.header.Get("Access-Control-Allow-Origin"))
	}
}

func wantHTMLHeaders(t *testing.T, r response) {
	t.Helper()
	for k, v := range map[string]string{
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": "frame-ancestors 'none'",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
		"Content-Type":            "text/html; charset=utf-8",
	} {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if !strings.Contains(r.body, "<title>") {
		t.Error("page has no <title>")
	}
}
