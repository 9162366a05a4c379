package check

import (
	"net/http"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/fragment"
)

func TestTokenRedirect(t *testing.T) {
	xs := []agent.Hop{
		{URL: "https://as.test/authorize", Status: 200},
		{URL: "https://as.test/login", Status: 303, Location: "/authorize?x=1"},
		{URL: "https://as.test/authorize?x=1", Status: 302, Location: "https://as.test/handoff#access_token=T&state=s"},
		{URL: "https://as.test/handoff", Status: 302, Location: "https://c.test/cb"},
	}
	if x, ok := TokenRedirect(xs); !ok || x.URL != "https://as.test/authorize?x=1" {
		t.Errorf("TokenRedirect = %+v, %v", x, ok)
	}
	if _, ok := TokenRedirect(xs[:2]); ok {
		t.Errorf("a flow without a token has a token redirect")
	}
	if x, ok := TokenRedirect([]agent.Hop{{URL: "u", Location: "https://c.test/cb?id_token=x"}}); !ok || x.URL != "u" {
		t.Errorf("an ID token in the query is not found")
	}
}

func TestPageReadToken(t *testing.T) {
	sent, _ := fragment.Parse("access_token=T%2B1&token_type=bearer&state=a+b")
	sentID, _ := fragment.Parse("id_token=J&state=s")
	tests := []struct {
		name string
		sent fragment.Params
		read map[string]string
		want string
	}{
		{"read as sent", sent, map[string]string{"access_token": "T+1", "token_type": "bearer", "state": "a b"}, ""},
		{"id_token", sentID, map[string]string{"id_token": "J", "state": "s"}, ""},
		{"nothing read", sent, map[string]string{}, "found no access_token in location.hash (it read nothing)"},
		{"other token", sent, map[string]string{"access_token": "T 1", "state": "a b"}, "differs from the one in the server's redirect"},
		{"state changed", sent, map[string]string{"access_token": "T+1", "state": "a+b"}, `read state "a+b" from location.hash, the server's redirect carried "a b"`},
		{"nothing sent", nil, map[string]string{}, "carried no access token or ID token"},
	}
	for _, tt := range tests {
		err := PageReadToken("FRAG-01", tt.sent, tt.read)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "T+1") {
			t.Errorf("%s: the message quotes the token: %v", tt.name, err)
		}
	}
}

func TestFragmentSurvived(t *testing.T) {
	sent := "access_token=T&token_type=bearer&expires_in=60&state=s%20t"
	tests := []struct {
		name, landed, want string
	}{
		{"inherited", "#access_token=T&token_type=bearer&expires_in=60&state=s+t", ""},
		{"reordered", "#state=s+t&expires_in=60&token_type=bearer&access_token=T", ""},
		{"dropped", "", "did not reach the client's page after 1 further navigation(s): the page's location.hash is empty"},
		{"replaced", "#_=_", `location.hash is "#…" with parameters _`},
		{"partly lost", "#access_token=T&token_type=bearer", "were lost on the way to the client's page after 1 further navigation(s): expires_in, state"},
		{"changed", "#access_token=U&token_type=bearer&expires_in=60&state=s+t", "arrived changed at the client's page after 1 further navigation(s): access_token"},
		{"state changed", "#access_token=T&token_type=bearer&expires_in=60&state=s", `state (sent "s t", arrived "s")`},
	}
	for _, tt := range tests {
		err := FragmentSurvived("FRAG-01", sent, tt.landed, 1)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestNoTokenAtClientServer(t *testing.T) {
	if err := NoTokenAtClientServer("FRAG-02", nil); err != nil {
		t.Errorf("nothing found: %v", err)
	}
	err := NoTokenAtClientServer("FRAG-02", []string{"request 1 (GET /cb): the request-target"})
	if err == nil || !strings.Contains(err.Error(), "request 1 (GET /cb): the request-target") || !strings.Contains(err.Error(), "(FRAG-02)") {
		t.Errorf("found: %v", err)
	}
}

func TestReferrerPolicyOnTokenPath(t *testing.T) {
	page := func(h, body string) agent.Hop {
		hd := http.Header{"Content-Type": {"text/html"}}
		if h != "" {
			hd.Set("Referrer-Policy", h)
		}
		return agent.Hop{Method: "GET", URL: "https://as.test/login", Status: 200, Header: hd, BodyExcerpt: "<html><head>" + body + "</head></html>"}
	}
	redirect := func(h string) agent.Hop {
		hd := http.Header{}
		if h != "" {
			hd.Set("Referrer-Policy", h)
		}
		return agent.Hop{Method: "POST", URL: "https://as.test/consent", Status: 303, Header: hd, Location: "https://c.test/cb#access_token=T"}
	}
	tests := []struct {
		name  string
		pages []agent.Hop
		red   agent.Hop
		want  string
	}{
		{"on the redirect", []agent.Hop{page("", "")}, redirect("no-referrer"), ""},
		{"on every page", []agent.Hop{page("same-origin", ""), page("", `<meta name="referrer" content="strict-origin">`)}, redirect(""), ""},
		{"nowhere", []agent.Hop{page("", "")}, redirect(""), "Referrer-Policy none"},
		{"unsafe redirect, one page without", []agent.Hop{page("no-referrer", ""), page("unsafe-url", "")}, redirect("unsafe-url"), "unsafe-url"},
	}
	for _, tt := range tests {
		xs := append(append([]agent.Hop{}, tt.pages...), tt.red)
		err := ReferrerPolicyOnTokenPath("SEC-03", xs, tt.red)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
