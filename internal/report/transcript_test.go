package report

import (
	"net/http"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/redact"
)

func TestTranscript(t *testing.T) {
	hops := []agent.Hop{
		{Method: "POST", URL: "https://as.test/login", Via: "form", Sent: true,
			RequestBody: "username=alice&password=hunter2-secret&csrf=abc",
			Status:      303, Header: http.Header{"Location": {"/consent?id=1"}, "Set-Cookie": {"sid=SESSION123"}}},
		{Method: "GET", URL: "https://as.test/consent?id=1", Via: "redirect 303", Sent: true, Status: 200,
			Header:      http.Header{"Content-Type": {"text/html"}, "X-Frame-Options": {"DENY"}},
			BodyExcerpt: "<html><title>Consent</title> Allow access?</html>"},
		{Method: "GET", URL: "https://client.test/cb#access_token=TOKEN-XYZ&state=s", Via: "redirect 303"},
	}
	got := Transcript(hops, []string{`filled login form (username alice) and clicked "Sign in"`}, redact.New("hunter2-secret"))
	for _, secret := range []string{"hunter2-secret", "SESSION123", "TOKEN-XYZ"} {
		if strings.Contains(got, secret) {
			t.Errorf("transcript shows %q:\n%s", secret, got)
		}
	}
	for _, want := range []string{
		"#1 POST https://as.test/login   (form)",
		"body: username=alice&password=[redacted]&csrf=abc",
		"← HTTP 303",
		"Location: /consent?id=1",
		"X-Frame-Options: DENY",
		"body excerpt: <html><title>Consent</title> Allow access?</html>",
		"#3 GET https://client.test/cb#access_token=[redacted]&state=s",
		"not sent: the browser stops here",
		`- filled login form (username alice) and clicked "Sign in"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}
