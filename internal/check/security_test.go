package check

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/agent"
)

func page(h map[string]string, body string) agent.Hop {
	hdr := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	for k, v := range h {
		hdr.Set(k, v)
	}
	return agent.Hop{Method: "GET", URL: "https://as.example/login", Status: 200, Header: hdr, BodyExcerpt: body}
}

func TestFraming(t *testing.T) {
	cases := []struct {
		name        string
		h           map[string]string
		refused, cs bool
	}{
		{"xfo deny", map[string]string{"X-Frame-Options": "DENY"}, true, false},
		{"xfo sameorigin lower case", map[string]string{"X-Frame-Options": "sameorigin"}, true, false},
		{"xfo allow-from is obsolete", map[string]string{"X-Frame-Options": "ALLOW-FROM https://a.example"}, false, false},
		{"csp none", map[string]string{"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"}, true, true},
		{"csp list", map[string]string{"Content-Security-Policy": "frame-ancestors https://a.example"}, true, true},
		{"csp wildcard", map[string]string{"Content-Security-Policy": "frame-ancestors *"}, false, false},
		{"csp without frame-ancestors", map[string]string{"Content-Security-Policy": "default-src 'self'"}, false, false},
		{"report-only does not count", map[string]string{"Content-Security-Policy-Report-Only": "frame-ancestors 'none'"}, false, false},
		{"nothing", nil, false, false},
	}
	for _, c := range cases {
		xs := []agent.Hop{page(c.h, "<html></html>")}
		if got := FramingRefused("SEC-02", xs) == nil; got != c.refused {
			t.Errorf("%s: FramingRefused passes = %v, want %v", c.name, got, c.refused)
		}
		if got := FrameAncestorsCSP("SEC-02", xs) == nil; got != c.cs {
			t.Errorf("%s: FrameAncestorsCSP passes = %v, want %v", c.name, got, c.cs)
		}
	}
	redirect := agent.Hop{Method: "GET", URL: "https://as.example/authorize", Status: 303, Location: "/login", Header: http.Header{}}
	if err := FramingRefused("SEC-02", []agent.Hop{redirect}); err != nil {
		t.Errorf("a redirect is not a page: %v", err)
	}
}

func TestReferrer(t *testing.T) {
	cases := []struct {
		name string
		h    map[string]string
		body string
		ok   bool
	}{
		{"header", map[string]string{"Referrer-Policy": "no-referrer"}, "", true},
		{"header list, last known wins", map[string]string{"Referrer-Policy": "unsafe-url, strict-origin-when-cross-origin"}, "", true},
		{"meta", nil, `<head><meta name="referrer" content="same-origin"></head>`, true},
		{"meta overrides header", map[string]string{"Referrer-Policy": "no-referrer"}, `<meta name=referrer content=unsafe-url>`, false},
		{"unsafe", map[string]string{"Referrer-Policy": "unsafe-url"}, "", false},
		{"missing", nil, "<p>hi</p>", false},
	}
	for _, c := range cases {
		err := ReferrerRestricted("SEC-03", []agent.Hop{page(c.h, c.body)})
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func TestTokenRedirectsNotCached(t *testing.T) {
	x := agent.Hop{Method: "POST", URL: "https://as.example/consent", Status: 303,
		Location: "https://client.example.com/cb#access_token=abc&state=x", Header: http.Header{}}
	if seen, err := TokenRedirectsNotCached("SEC-04", []agent.Hop{x}); !seen || err == nil {
		t.Errorf("no Cache-Control: seen=%v err=%v, want a failure", seen, err)
	}
	x.Header.Set("Cache-Control", "private, no-store")
	if seen, err := TokenRedirectsNotCached("SEC-04", []agent.Hop{x}); !seen || err != nil {
		t.Errorf("no-store: seen=%v err=%v", seen, err)
	}
	x.Location = "https://client.example.com/cb#error=access_denied"
	if seen, _ := TokenRedirectsNotCached("SEC-04", []agent.Hop{x}); seen {
		t.Error("an error redirect carries no token")
	}
}

func TestNoRepostAfterLogin(t *testing.T) {
	for status, ok := range map[int]bool{302: true, 303: true, 200: true, 307: false, 308: false} {
		err := NoRepostAfterLogin("SEC-06", agent.Hop{Method: "POST", URL: "https://as.example/login", Status: status, Location: "/consent"})
		if (err == nil) != ok {
			t.Errorf("HTTP %d: err = %v, want ok=%v", status, err, ok)
		}
	}
}

func TestNoCORSAndTLS(t *testing.T) {
	if err := NoCORS("SEC-05", "GET", "https://evil.example", http.Header{"Access-Control-Allow-Origin": {"*"}}); err == nil {
		t.Error("ACAO * must fail")
	}
	if err := NoCORS("SEC-05", "OPTIONS", "https://evil.example", http.Header{}); err != nil {
		t.Error(err)
	}
	if ModernTLS("SEC-01", tls.VersionTLS11) == nil || ModernTLS("SEC-01", 0) != nil {
		t.Error("ModernTLS misjudges")
	}
	if AllHTTPS("SEC-01", []agent.Hop{{Method: "GET", URL: "http://127.0.0.1:4444/oauth2/auth"}}) == nil {
		t.Error("http must fail")
	}
}

func TestEscaped(t *testing.T) {
	payload := "<img src=x onerror=alert(1)>"
	if Escaped("SEC-09", "state", payload, []agent.Hop{page(nil, "<p>&lt;img src=x onerror=alert(1)&gt;</p>")}) != nil {
		t.Error("escaped markup must pass")
	}
	if Escaped("SEC-09", "state", payload, []agent.Hop{page(nil, "<p>"+payload+"</p>")}) == nil {
		t.Error("raw markup must fail")
	}
}

func TestMetadata(t *testing.T) {
	m := Metadata{"issuer": "https://as.example", "authorization_endpoint": "https://as.example/authorize",
		"response_types_supported": []any{"code", "id_token token"}}
	if TokenTypeListedAsServed("META-01", m, true, "") == nil {
		t.Error("token issued but not listed must fail")
	}
	if !m.ListsResponseType("token id_token") {
		t.Error("composite values compare as sets")
	}
	if WorkingModeListed("META-02", "form_post", m, true) == nil {
		t.Error("absent response_modes_supported defaults to query and fragment")
	}
	if GrantTypesMatch("META-02", m, false) == nil {
		t.Error("absent grant_types_supported claims implicit")
	}
	if EndpointAndIssuer("META-03", m, "https://as.example") != nil {
		t.Error("a good endpoint must pass")
	}
	m["authorization_endpoint"] = "http://as.example/authorize"
	if EndpointAndIssuer("META-03", m, "https://as.example") == nil {
		t.Error("http must fail")
	}
}

func TestNoThirdPartyContent(t *testing.T) {
	allowed := []string{"https://as.example", "http://127.0.0.1:3900"}
	ok := page(nil, `<script src="/app.js"></script><img src="https://as.example:443/logo.png"><link rel=stylesheet href="http://127.0.0.1:3900/s.css"><img src="data:image/png;base64,AA"><a href="https://other.example/privacy">p</a>`)
	if err := NoThirdPartyContent("SEC-03", []agent.Hop{ok}, allowed); err != nil {
		t.Error(err)
	}
	bad := page(nil, `<script src="//cdn.example/x.js"></script>`)
	if err := NoThirdPartyContent("SEC-03", []agent.Hop{bad}, allowed); err == nil || !strings.Contains(err.Error(), "cdn.example") {
		t.Errorf("a script from another site must fail, got %v", err)
	}
}

func TestHTTPVariantServesNothing(t *testing.T) {
	login := page(nil, `<form method=post><input type="password" name="pw"></form>`)
	login.URL = "http://127.0.0.1:8080/authorize?client_id=spa"
	if HTTPVariantServesNothing("SEC-01", []agent.Hop{login}, &Ending{}) == nil {
		t.Error("a sign-in page over http must fail")
	}
	login.URL = "https://127.0.0.1:8443/login"
	bare := agent.Hop{Method: "GET", URL: "http://127.0.0.1:8080/authorize?x", Status: 301, Location: "https://127.0.0.1:8443/", Header: http.Header{}}
	if err := HTTPVariantServesNothing("SEC-01", []agent.Hop{bare, login}, &Ending{}); err != nil {
		t.Errorf("a redirect to https, then a page over https: %v", err)
	}
	if HTTPVariantServesNothing("SEC-01", []agent.Hop{bare}, &Ending{Left: true, ToClient: true, Target: "https://client.example.com/cb#error=x"}) == nil {
		t.Error("an answer to the client must fail")
	}
}
