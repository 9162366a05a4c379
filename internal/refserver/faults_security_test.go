package refserver

import (
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func metadataOf(t *testing.T, srv *Server) map[string]any {
	t.Helper()
	r := newBrowser(t, srv).get("/.well-known/oauth-authorization-server")
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("metadata: %v", err)
	}
	return m
}

func listed(m map[string]any, key, value string) bool {
	arr, _ := m[key].([]any)
	for _, v := range arr {
		if v == value {
			return true
		}
	}
	return false
}

// securityFaultCases are the tests of the security and metadata faults.
func securityFaultCases() map[Fault]faultCase {
	return map[Fault]faultCase{
		FaultEndpointOverHTTP: {probe: func(t *testing.T, srv *Server) {
			ep := srv.authorizationEndpoint()
			if !strings.HasPrefix(ep, "http://127.0.0.1:") || !strings.Contains(string(srv.ProfileYAML()), ep) {
				t.Fatalf("endpoint %q: want a plain-http endpoint in the profile", ep)
			}
			r := newBrowser(t, srv).get(ep + "?" + baseline("xyz"))
			if r.status != http.StatusTemporaryRedirect || r.location != srv.Issuer()+"/authorize?"+baseline("xyz") {
				t.Errorf("%d %q: want a 307 to the https endpoint with the query", r.status, r.location)
			}
		}},
		FaultHTTPVariantServesLogin: {probe: func(t *testing.T, srv *Server) {
			r := newBrowser(t, srv).get(srv.front.url + "/authorize?" + baseline("xyz"))
			if r.status != http.StatusOK || !strings.Contains(r.body, `type="password"`) {
				t.Errorf("http variant: %d, want the login page", r.status)
			}
		}},
		FaultLegacyTLS: {probe: func(t *testing.T, srv *Server) {
			conn, err := tls.Dial("tcp", strings.TrimPrefix(srv.Issuer(), "https://"), &tls.Config{
				MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11, InsecureSkipVerify: true}) //nolint:gosec // test
			if err != nil {
				t.Fatalf("TLS 1.1 handshake refused: %v", err)
			}
			conn.Close()
		}},
		FaultLoginFramable: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			page := b.get(b.authorize(baseline("xyz")).location)
			if page.header.Get("X-Frame-Options") != "" || page.header.Get("Content-Security-Policy") != "" {
				t.Errorf("login page headers %v: want no anti-framing headers", page.header)
			}
		}},
		FaultNoFrameAncestors: {probe: func(t *testing.T, srv *Server) {
			r := newBrowser(t, srv).get("/nowhere")
			if r.header.Get("Content-Security-Policy") != "" || r.header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("headers %v: want X-Frame-Options only", r.header)
			}
		}},
		FaultErrorPageFramable: {probe: func(t *testing.T, srv *Server) {
			r := newBrowser(t, srv).get("/nowhere")
			if r.status != http.StatusNotFound || r.header.Get("X-Frame-Options") != "" || r.header.Get("Content-Security-Policy") != "" {
				t.Errorf("error page %d %v: want no anti-framing headers", r.status, r.header)
			}
		}},
		FaultConsentThirdPartyScript: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			page := b.consentPage(b.login(b.authorize(baseline("xyz"))))
			if !strings.Contains(page.body, `<script src="https://cdn.analytics.example/track.js">`) {
				t.Error("consent page loads no third-party script")
			}
		}},
		FaultConsentNoReferrerPolicy: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			page := b.consentPage(b.login(b.authorize(baseline("xyz"))))
			if page.header.Get("Referrer-Policy") != "" || strings.Contains(page.body, `name="referrer"`) {
				t.Error("consent page still sets a referrer policy")
			}
		}},
		FaultTokenRedirectCacheable: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			r := flow(t, srv, baseline("xyz"), "allow")
			if r.header.Get("Cache-Control") != "private, max-age=300" {
				t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
			}
		}},
		FaultCORSAtAuthorize: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			r := b.do(http.MethodOptions, "/authorize?"+baseline("xyz"), nil, http.Header{"Origin": {"https://evil.example"}})
			if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != "https://evil.example" {
				t.Errorf("preflight: %d %v", r.status, r.header)
			}
		}},
		FaultLogin307: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			login := b.get(b.authorize(baseline("xyz")).location)
			form := formOf(t, login.body, "/login")
			form.Set("username", "alice")
			form.Set("password", srv.password)
			r := b.post("/login", form)
			if r.status != http.StatusTemporaryRedirect {
				t.Fatalf("login POST: %d, want 307", r.status)
			}
			// The re-posted credentials get the consent page, as a GET would.
			consent := b.do(http.MethodPost, r.location, form, http.Header{"Origin": {srv.Issuer()}})
			if consent.status != http.StatusOK || !strings.Contains(consent.body, `action="/consent"`) {
				t.Errorf("re-POST to consent: %d", consent.status)
			}
		}},
		FaultUnknownClientUnescaped: {probe: func(t *testing.T, srv *Server) {
			r := newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "<b>x</b>"))
			if !strings.Contains(r.body, "<b>x</b>") {
				t.Errorf("error page does not carry the raw client_id:\n%s", r.body)
			}
		}},
		FaultStateUnescapedOnLogin: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			page := b.get(b.authorize(baseline("<b>x</b>")).location)
			if !strings.Contains(page.body, "<b>x</b>") {
				t.Errorf("login page does not carry the raw state:\n%s", page.body)
			}
		}},
		FaultLoginOpenRedirect: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			login := b.get(b.authorize(baseline("xyz")).location + "&next=" + url.QueryEscape("https://evil.example/x"))
			form := formOf(t, login.body, "/login")
			form.Set("username", "alice")
			form.Set("password", srv.password)
			if r := b.post("/login", form); r.location != "https://evil.example/x" {
				t.Errorf("login POST: Location %q, want the next address", r.location)
			}
		}},
		FaultConsentCSRFUnchecked: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			form := formOf(t, b.consentPage(b.login(b.authorize(baseline("xyz")))).body, "/consent")
			form.Del("csrf_token")
			form.Set("decision", "allow")
			r := b.do(http.MethodPost, "/consent", form, http.Header{"Origin": {"https://evil.example"}})
			if !strings.Contains(r.location, "#access_token=") {
				t.Errorf("forged consent: %d %q, want a token", r.status, r.location)
			}
		}},
		FaultConsentUnbound: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			form := formOf(t, b.consentPage(b.login(b.authorize(baseline("xyz")))).body, "/consent")
			form.Set("decision", "allow")
			r := newBrowser(t, srv).post("/consent", form)
			if !strings.Contains(r.location, "#access_token=") {
				t.Errorf("consent from another browser: %d %q, want a token", r.status, r.location)
			}
		}},
		FaultMetadataOmitsFormPost: {probe: func(t *testing.T, srv *Server) {
			if listed(metadataOf(t, srv), "response_modes_supported", "form_post") {
				t.Error("form_post still listed")
			}
		}},
		FaultFormPostIgnored: {probe: func(t *testing.T, srv *Server) {
			r := flow(t, srv, baseline("xyz")+"&response_mode=form_post", "allow")
			if r.status != http.StatusSeeOther || !strings.Contains(r.location, "#access_token=") {
				t.Errorf("%d %q: want a fragment redirect", r.status, r.location)
			}
		}},
		FaultGrantTypesWithoutImplicit: {probe: func(t *testing.T, srv *Server) {
			if listed(metadataOf(t, srv), "grant_types_supported", "implicit") {
				t.Error("implicit still listed")
			}
		}},
		FaultMetadataHTTPEndpoint: {probe: func(t *testing.T, srv *Server) {
			if ep, _ := metadataOf(t, srv)["authorization_endpoint"].(string); !strings.HasPrefix(ep, "http://") {
				t.Errorf("authorization_endpoint %q", ep)
			}
		}},
	}
}

// TestSecurityConformant: without faults the server has what the security
// and metadata scenarios look for.
func TestSecurityConformant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	if _, err := tls.Dial("tcp", strings.TrimPrefix(srv.Issuer(), "https://"), &tls.Config{
		MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11, InsecureSkipVerify: true}); err == nil { //nolint:gosec // test
		t.Error("TLS 1.1 accepted")
	} else if _, ok := err.(net.Error); ok && err.(net.Error).Timeout() {
		t.Error(err)
	}
	b := newBrowser(t, srv)
	if r := b.get(srv.front.url + "/authorize?" + baseline("xyz")); r.status != http.StatusMovedPermanently || r.location != srv.Issuer()+"/" {
		t.Errorf("http variant: %d %q, want a bare redirect to the https origin", r.status, r.location)
	}
	if !strings.Contains(string(srv.ProfileYAML()), "allowed_origins: [\""+srv.front.url+"\"]") {
		t.Error("the profile does not list the http address")
	}
	r := b.do(http.MethodOptions, "/authorize", nil, http.Header{"Origin": {"https://evil.example"}})
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS granted")
	}
	r = b.authorize(query("response_type", "token", "client_id", "<b>x</b>"))
	if strings.Contains(r.body, "<b>x</b>") {
		t.Error("client_id reflected unescaped")
	}
	m := metadataOf(t, srv)
	for key, v := range map[string]string{"response_types_supported": "token", "response_modes_supported": "form_post", "grant_types_supported": "implicit"} {
		if !listed(m, key, v) {
			t.Errorf("%s does not list %s", key, v)
		}
	}
}
