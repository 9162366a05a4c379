package refserver

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The configurations the tests play: an OpenID Connect provider that does
// not offer plain token, and one that offers id_token alone.
var (
	oidcOnly    = []string{ResponseTypeIDTokenToken, ResponseTypeIDToken}
	idTokenOnly = []string{ResponseTypeIDToken}
)

// startConfigured starts a server playing cfg with faults and closes it
// when the test ends.
func startConfigured(t *testing.T, cfg Config, faults ...Fault) *Server {
	t.Helper()
	s, err := Start(Options{Faults: faults, Config: cfg})
	if err != nil {
		t.Fatalf("Start(%q): %v", cfg, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, canonical string
		want          Config
	}{
		{"", "", Config{}},
		{"  ", "", Config{}},
		{"offer=token", "offer=token", Config{ResponseTypes: []string{"token"}}},
		{"offer=id_token token|id_token;refusal=query-unauthorized;consent=remembered;refuse-all",
			"offer=id_token token|id_token;refusal=query-unauthorized;consent=remembered;refuse-all",
			Config{ResponseTypes: oidcOnly, Refusal: RefusalQueryUnauthorized, Consent: ConsentRemembered, RefuseAll: true}},
		// Spelling and order are normalised; spaces around items ignored.
		{" offer = id_token | token id_token ; consent=none ", "offer=id_token token|id_token;consent=none",
			Config{ResponseTypes: oidcOnly, Consent: ConsentNone}},
		{"refuse-all;refusal=page-after-login", "refusal=page-after-login;refuse-all",
			Config{Refusal: RefusalPageAfterLogin, RefuseAll: true}},
		{"refusal=fragment-unsupported;consent=always", "refusal=fragment-unsupported;consent=always",
			Config{Refusal: RefusalFragmentUnsupported, Consent: ConsentAlways}},
		{"pages=german", "pages=german", Config{Pages: PagesGerman}},
		{"pages=plain", "pages=plain", Config{Pages: PagesPlain}},
		{" pages = base-href ; offer=token;consent=none", "offer=token;consent=none;pages=base-href",
			Config{ResponseTypes: []string{"token"}, Consent: ConsentNone, Pages: PagesBaseHref}},
		{"pages=stay-signed-in;refuse-all", "refuse-all;pages=stay-signed-in", Config{RefuseAll: true, Pages: PagesStaySignedIn}},
		{"pages=unknown-words", "pages=unknown-words", Config{Pages: PagesUnknownWords}},
		{"pages=js-login;throttle=3", "pages=js-login;throttle=3", Config{Pages: PagesJSLogin, Throttle: 3}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseConfig(tc.in)
			if err != nil {
				t.Fatalf("ParseConfig: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseConfig = %#v, want %#v", got, tc.want)
			}
			if got.String() != tc.canonical {
				t.Errorf("String() = %q, want %q", got.String(), tc.canonical)
			}
			again, err := ParseConfig(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("round trip: %#v, %v; want %#v", again, err, got)
			}
		})
	}
	for _, junk := range []string{
		"offer=", "offer=code", "offer=TOKEN", "offer=token|token", "offer=token id_token|id_token token",
		"offer=token|", "offer=id_token  token", "refusal=", "refusal=fragment", "consent=sometimes",
		"refuse-all=true", "offer", "frobnicate=1", "consent=none;consent=none", ";", "offer=token;",
		"pages", "pages=", "pages=German", "pages=klingon", "pages=german|japanese", "pages=german;pages=german",
	} {
		if c, err := ParseConfig(junk); err == nil {
			t.Errorf("ParseConfig(%q) = %#v, want an error", junk, c)
		}
	}
	for _, r := range Refusals() {
		if got, err := ParseRefusal(string(r)); err != nil || got != r {
			t.Errorf("ParseRefusal(%q) = %q, %v", r, got, err)
		}
	}
	for _, c := range Consents() {
		if got, err := ParseConsent(string(c)); err != nil || got != c {
			t.Errorf("ParseConsent(%q) = %q, %v", c, got, err)
		}
	}
	for _, p := range PageStyles() {
		if got, err := ParsePageStyle(string(p)); err != nil || got != p {
			t.Errorf("ParsePageStyle(%q) = %q, %v", p, got, err)
		}
		c := Config{Pages: p}
		if again, err := ParseConfig(c.String()); err != nil || !reflect.DeepEqual(again, c) {
			t.Errorf("round trip of %#v: %#v, %v", c, again, err)
		}
		// Only the style whose consent buttons no reader can tell apart
		// needs the profile's hints.
		if p.NeedsHints() != (p == PagesUnknownWords) {
			t.Errorf("%q.NeedsHints() = %t", p, p.NeedsHints())
		}
		// Only the style whose login form a script builds needs one run.
		if p.NeedsScript() != (p == PagesJSLogin) {
			t.Errorf("%q.NeedsScript() = %t", p, p.NeedsScript())
		}
	}
}

func TestConfigPrimary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		offer   []string
		primary string
	}{
		{nil, "token"},
		{[]string{"id_token", "token"}, "token"},
		{oidcOnly, "id_token token"},
		{[]string{"id_token", "token id_token"}, "id_token token"},
		{idTokenOnly, "id_token"},
	} {
		if got := (Config{ResponseTypes: tc.offer}).Primary(); got != tc.primary {
			t.Errorf("Primary of %q = %q, want %q", tc.offer, got, tc.primary)
		}
	}
}

func TestStartRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{ResponseTypes: []string{}},
		{ResponseTypes: []string{"code"}},
		{ResponseTypes: []string{"token", "token"}},
		{Refusal: "redirect"},
		{Consent: "later"},
		{Pages: "klingon"},
	} {
		if s, err := Start(Options{Config: cfg}); err == nil {
			_ = s.Close()
			t.Errorf("Start(%#v) succeeded, want an error", cfg)
		}
	}
}

// TestOfferedResponseTypes: the metadata lists exactly the offered types,
// each offered type is served, and a type not offered is refused like an
// unsupported one (the default refusal).
func TestOfferedResponseTypes(t *testing.T) {
	t.Parallel()
	all := implicitTypes()
	for _, offer := range [][]string{nil, {"token"}, oidcOnly, idTokenOnly, {"token", "id_token"}, {"id_token token"}} {
		t.Run(strings.Join(offer, "|"), func(t *testing.T) {
			t.Parallel()
			srv := startConfigured(t, Config{ResponseTypes: offer})
			want := offer
			if offer == nil {
				want = all
			}
			m := metadataOf(t, srv)
			var got []string
			for _, v := range m["response_types_supported"].([]any) {
				got = append(got, v.(string))
			}
			if !slices.Equal(got, want) || !listed(m, "grant_types_supported", "implicit") {
				t.Errorf("metadata response_types_supported %q grant_types_supported %v, want %q and implicit", got, m["grant_types_supported"], want)
			}
			for _, rt := range all {
				resp := flowOrRefusal(t, srv, rt)
				switch {
				case slices.Contains(want, rt) && rt == "token":
					wantConformantSuccess(t, srv, resp, "xyz")
				case slices.Contains(want, rt):
					wantConformantOIDCRedirect(t, srv, resp, rt)
				default:
					wantErrorRedirect(t, resp, "unsupported_response_type", "xyz")
					_, frag, _ := splitLocation(t, resp.location)
					if frag.Get("iss") != srv.Issuer() {
						t.Errorf("refusal of %q: iss %q", rt, frag.Get("iss"))
					}
				}
			}
		})
	}
}

// requestOf is the request the harness sends for response type rt: the
// baseline for token, with the openid scope and a nonce for the others.
func requestOf(rt string) string {
	if rt == "token" {
		return baseline("xyz")
	}
	return oidcQuery(rt)
}

// flowOrRefusal sends the request for rt and, when it leads to the login
// page, signs in and approves.
func flowOrRefusal(t *testing.T, srv *Server, rt string) response {
	t.Helper()
	b := newBrowser(t, srv)
	r := b.authorize(requestOf(rt))
	if !strings.HasPrefix(r.location, "/login?") {
		return r
	}
	return b.decide(b.consentPage(b.login(r)), "allow")
}

// wantConformantOIDCRedirect checks a success redirect for oidcQuery(rt)
// the way the harness judges a flow response: fragment, parameters once and
// in order (iss and state included), no-store, and a valid ID token.
func wantConformantOIDCRedirect(t *testing.T, srv *Server, resp response, rt string) {
	t.Helper()
	if resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.location, r1+"#") {
		t.Fatalf("%d %q, want 303 to %s#...", resp.status, resp.location, r1)
	}
	if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	names := "access_token,token_type,expires_in,scope,id_token,iss,state"
	if rt == "id_token" {
		names = "id_token,iss,state"
	}
	_, rawFrag, _ := strings.Cut(resp.location, "#")
	if got := strings.Join(fragmentNames(rawFrag), ","); got != names {
		t.Errorf("fragment names %s, want %s", got, names)
	}
	_, frag, _ := splitLocation(t, resp.location)
	if frag.Get("iss") != srv.Issuer() {
		t.Errorf("iss %q, want %q", frag.Get("iss"), srv.Issuer())
	}
	if rt == "id_token token" && (frag.Get("token_type") != "Bearer" || frag.Get("expires_in") != "3600" || frag.Get("scope") != "openid read") {
		t.Errorf("fragment %v: want token_type=Bearer expires_in=3600 scope=openid read", frag)
	}
	wantConformantIDToken(t, srv, resp, rt)
}

// TestRefusalShapes: a known response type that is not offered is refused,
// after the client and redirect URI are established, in the configured
// shape; unknown values and bad clients are answered as always.
func TestRefusalShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		refusal Refusal
		want    func(t *testing.T, srv *Server, b *browser, r response) // r: the answer to baseline("st")
	}{
		{RefusalFragmentUnsupported, func(t *testing.T, srv *Server, _ *browser, r response) {
			wantLocation(t, r, r1+"#error=unsupported_response_type&error_description=The+supported+response+types+are+id_token+token+and+id_token.&iss="+url.QueryEscape(srv.Issuer())+"&state=st")
		}},
		{RefusalQueryUnauthorized, func(t *testing.T, _ *Server, _ *browser, r response) {
			wantLocation(t, r, r1+"?error=unauthorized_client&state=st")
		}},
		{RefusalQueryInvalidRequest, func(t *testing.T, _ *Server, _ *browser, r response) {
			wantLocation(t, r, r1+"?error=invalid_request&error_description=The+supported+response+types+are+id_token+token+and+id_token.&state=st")
		}},
		{RefusalPageBeforeLogin, func(t *testing.T, _ *Server, _ *browser, r response) {
			wantErrorPage(t, r)
			wantHTMLHeaders(t, r)
		}},
		{RefusalPageAfterLogin, func(t *testing.T, _ *Server, b *browser, r response) {
			page := b.get(b.login(r).location)
			wantErrorPage(t, page)
			wantHTMLHeaders(t, page)
			// Signed in now: the next request goes straight to the page.
			again := b.authorize(baseline("st"))
			if !strings.HasPrefix(again.location, "/consent?") {
				t.Fatalf("with a session: %d %q, want 303 to /consent", again.status, again.location)
			}
			wantErrorPage(t, b.get(again.location))
		}},
	} {
		t.Run(string(tc.refusal), func(t *testing.T) {
			t.Parallel()
			srv := startConfigured(t, Config{ResponseTypes: oidcOnly, Refusal: tc.refusal})
			b := newBrowser(t, srv)
			tc.want(t, srv, b, b.authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", r1, "scope", "read", "state", "st")))
			// The offered types still work.
			wantConformantOIDCRedirect(t, srv, flow(t, srv, oidcQuery("id_token token"), "allow"), "id_token token")
			wantConformantOIDCRedirect(t, srv, flow(t, srv, oidcQuery("id_token"), "allow"), "id_token")
			// Unknown values keep the conformant answer (RFC 6749 §4.2.2.1).
			for _, rt := range []string{"tokenx", "TOKEN", "code"} {
				r := newBrowser(t, srv).authorize(query("response_type", rt, "client_id", "spa", "redirect_uri", r1, "state", "st"))
				wantErrorRedirect(t, r, "unsupported_response_type", "st")
			}
			// No redirect before the client and redirect URI are established.
			wantErrorPage(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "nobody", "redirect_uri", r1, "state", "st")))
			wantErrorPage(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"/x", "state", "st")))
		})
	}
	t.Run("query shape keeps the registered query", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{ResponseTypes: oidcOnly, Refusal: RefusalQueryUnauthorized})
		r := newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa-query", "state", "a b"))
		wantLocation(t, r, "https://client.example.com/cb?dummy1=lorem&dummy2=ipsum&error=unauthorized_client&state=a+b")
	})
}

func wantLocation(t *testing.T, r response, want string) {
	t.Helper()
	if r.status != http.StatusSeeOther || r.location != want {
		t.Errorf("%d %q, want 303 to %q", r.status, r.location, want)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
}

// TestRefuseAll: every valid request is refused in the configured shape,
// whatever its type, and every registration; the metadata is unchanged.
func TestRefuseAll(t *testing.T) {
	t.Parallel()
	for _, refusal := range Refusals() {
		t.Run(string(refusal), func(t *testing.T) {
			t.Parallel()
			srv := startConfigured(t, Config{Refusal: refusal, RefuseAll: true})
			for _, rt := range implicitTypes() {
				b := newBrowser(t, srv)
				r := b.authorize(requestOf(rt))
				switch refusal {
				case RefusalFragmentUnsupported:
					wantErrorRedirect(t, r, "unsupported_response_type", "xyz")
				case RefusalQueryUnauthorized:
					wantLocation(t, r, r1+"?error=unauthorized_client&state=xyz")
				case RefusalQueryInvalidRequest:
					if !strings.HasPrefix(r.location, r1+"?error=invalid_request&error_description=") || !strings.HasSuffix(r.location, "&state=xyz") {
						t.Errorf("%s: Location %q", rt, r.location)
					}
				case RefusalPageBeforeLogin:
					wantErrorPage(t, r)
				case RefusalPageAfterLogin:
					wantErrorPage(t, b.get(b.login(r).location))
				}
			}
			wantErrorPage(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "nobody", "redirect_uri", r1)))
			r := register(t, srv, webImplicit+`,"redirect_uris":["https://client.example.com/dyn"]}`)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"error":"invalid_client_metadata"`) {
				t.Errorf("registration: %d %s, want 400 invalid_client_metadata", r.status, r.body)
			}
			if m := metadataOf(t, srv); len(m["response_types_supported"].([]any)) != 3 {
				t.Errorf("metadata response_types_supported %v", m["response_types_supported"])
			}
		})
	}
}

// TestConsentRemembered: after an approval, the same client in the same
// session is approved without the page; another client, prompt=consent or
// a fresh cookie jar see the page again.
func TestConsentRemembered(t *testing.T) {
	t.Parallel()
	srv := startConfigured(t, Config{Consent: ConsentRemembered})
	b := newBrowser(t, srv)
	// A denial is not remembered.
	wantErrorRedirect(t, b.decide(b.consentPage(b.login(b.authorize(baseline("d")))), "deny"), "access_denied", "d")
	wantConformantSuccess(t, srv, b.decide(b.consentPage(b.authorize(baseline("first"))), "allow"), "first")

	authz := b.authorize(baseline("again"))
	wantConformantSuccess(t, srv, silentConsent(t, b, authz), "again")
	// prompt=none now succeeds (OpenID Connect Core §3.1.2.1).
	wantConformantSuccess(t, srv, silentConsent(t, b, b.authorize(baseline("quiet")+"&prompt=none")), "quiet")
	// prompt=consent asks again.
	b.consentPage(b.authorize(baseline("c") + "&prompt=consent"))
	// Another client of the same session is asked.
	b.consentPage(b.authorize(query("response_type", "token", "client_id", "spa-two", "redirect_uri", r2, "state", "s")))
	wantErrorRedirect(t, b.authorize(query("response_type", "token", "client_id", "spa-two", "redirect_uri", r1, "state", "s", "prompt", "none")), "consent_required", "s")
	// A fresh cookie jar signs in and sees the page.
	fresh := newBrowser(t, srv)
	fresh.consentPage(fresh.login(fresh.authorize(baseline("fresh"))))
}

// silentConsent follows the /authorize answer of a signed-in browser to
// /consent, which must answer without a page.
func silentConsent(t *testing.T, b *browser, authz response) response {
	t.Helper()
	if authz.status != http.StatusSeeOther || !strings.HasPrefix(authz.location, "/consent?") {
		t.Fatalf("authorize: %d %q, want 303 to /consent", authz.status, authz.location)
	}
	r := b.get(authz.location)
	if r.status != http.StatusSeeOther || strings.Contains(r.body, `action="/consent"`) {
		t.Fatalf("consent: %d %q, want a redirect without a consent page\n%s", r.status, r.location, r.body)
	}
	return r
}

// TestConsentNone: no consent page at all; the login leads to the token.
func TestConsentNone(t *testing.T) {
	t.Parallel()
	srv := startConfigured(t, Config{Consent: ConsentNone})
	b := newBrowser(t, srv)
	wantErrorRedirect(t, b.authorize(baseline("n")+"&prompt=none"), "login_required", "n")
	wantConformantSuccess(t, srv, silentConsent(t, b, b.login(b.authorize(baseline("s1")))), "s1")
	wantConformantSuccess(t, srv, silentConsent(t, b, b.authorize(baseline("s2")+"&prompt=none")), "s2")
	wantConformantOIDCRedirect(t, srv, silentConsent(t, b, b.authorize(oidcQuery("id_token token"))), "id_token token")
	// Errors found in the request are still reported.
	wantErrorRedirect(t, b.authorize(query("response_type", "token", "client_id", "backend", "state", "x")), "unauthorized_client", "x")
}

func TestConsentAlwaysPromptNone(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	wantConformantSuccess(t, srv, b.decide(b.consentPage(b.login(b.authorize(baseline("s")))), "allow"), "s")
	wantErrorRedirect(t, b.authorize(baseline("s")+"&prompt=none"), "consent_required", "s")
}
