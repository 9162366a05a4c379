package evidence

import (
	"net/http"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/redact"
)

func TestText(t *testing.T) {
	hops := []agent.Hop{
		{Method: "POST", URL: "https://as.test/login", Via: "form", Sent: true,
			RequestBody: "username=alice&password=hunter2-secret&csrf=abc",
			Status:      303, Header: http.Header{"Location": {"/consent?id=1"}, "Set-Cookie": {"sid=SESSION123"}}},
		{Method: "GET", URL: "https://as.test/consent?id=1", Via: "redirect 303", Sent: true, Status: 200,
			Header:      http.Header{"Content-Type": {"text/html"}, "X-Frame-Options": {"DENY"}},
			BodyExcerpt: "<html><title>Consent</title> Allow <img src=x onerror=alert(1)> access?</html>"},
		{Method: "GET", URL: "https://client.test/cb#access_token=TOKEN-XYZ&state=a%2Bb", Via: "redirect 303"},
	}
	ev := Evidence{ResponseType: "token", Groups: []Group{FromHops("the flow", hops, redact.New("hunter2-secret"))},
		Actions: []string{`filled login form (username alice) and clicked "Sign in"`}}
	got := ev.Text()
	for _, secret := range []string{"hunter2-secret", "SESSION123", "TOKEN-XYZ", "<img"} {
		if strings.Contains(got, secret) {
			t.Errorf("evidence shows %q:\n%s", secret, got)
		}
	}
	for _, want := range []string{
		"response_type: token",
		"--- the flow ---",
		"#1 POST https://as.test/login   (form)",
		"body: username=alice&password=[redacted]&csrf=abc",
		"← HTTP 303",
		"Location: /consent?id=1",
		"X-Frame-Options: DENY",
		"body excerpt (as text): &lt;html&gt;&lt;title&gt;Consent&lt;/title&gt; Allow &lt;img src=x onerror=alert(1)&gt; access?&lt;/html&gt;",
		"#3 GET https://client.test/cb#access_token=[redacted]&state=a%2Bb",
		`fragment, decoded: access_token="[redacted]" state="a+b"`,
		"not sent: the browser stops here",
		`- filled login form (username alice) and clicked "Sign in"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("evidence lacks %q:\n%s", want, got)
		}
	}
}
