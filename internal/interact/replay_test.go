package interact

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/agent"
)

func TestWithoutAntiForgery(t *testing.T) {
	tests := []struct {
		body, forged, dropped string
	}{
		{"csrfmiddlewaretoken=abc&allow=Authorize&state=s", "allow=Authorize&state=s", "csrfmiddlewaretoken"},
		{"_csrf=1&challenge=c&submit=allow", "challenge=c&submit=allow", "_csrf"},
		{"authenticity_token=x&xsrf=y&ok=1", "ok=1", "authenticity_token,xsrf"},
		{"token=t&a=b", "a=b", "token"},
		{"access_token_hint=t&a=b", "access_token_hint=t&a=b", ""},
		{"decision=allow", "decision=allow", ""},
	}
	for _, tt := range tests {
		forged, dropped, fields := WithoutAntiForgery(tt.body)
		if forged != tt.forged || strings.Join(dropped, ",") != tt.dropped {
			t.Errorf("WithoutAntiForgery(%q) = %q, dropped %q; want %q, %q", tt.body, forged, dropped, tt.forged, tt.dropped)
		}
		if len(fields) != strings.Count(tt.body, "&")+1 {
			t.Errorf("WithoutAntiForgery(%q): fields %q", tt.body, fields)
		}
	}
}

func TestPageText(t *testing.T) {
	page := func(ct, body string) *agent.Page {
		return &agent.Page{Status: 400, Header: http.Header{"Content-Type": {ct}}, Body: []byte(body)}
	}
	tests := []struct {
		p    *agent.Page
		max  int
		want string
	}{
		{page("text/html", `<html><head><title>Error</title><style>p{}</style></head><body><h1>Unknown client</h1>
			<script>var x = "hidden";</script><p>The application is   not registered.</p></body></html>`), 200,
			"Unknown client The application is not registered."},
		{page("text/html", `<p>one two three four five six</p>`), 14, "one two three…"},
		{page("application/json", `{"error":"invalid_client"}`), 200, ""},
		{nil, 200, ""},
	}
	for _, tt := range tests {
		if got := PageText(tt.p, tt.max); got != tt.want {
			t.Errorf("PageText = %q, want %q", got, tt.want)
		}
	}
}

// TestReplay: a replayed consent submission is followed only where a
// browser goes by itself — a redirect, a self-submitting form_post page —
// and stops on any page that would need the resource owner.
func TestReplay(t *testing.T) {
	c := newClientSite(t)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		switch r.Form.Get("answer") {
		case "redirect":
			http.Redirect(w, r, c.callback()+"#access_token=t&state=s", http.StatusSeeOther)
		case "form_post":
			writeHTML(w, 200, `<html><body onload="document.forms[0].submit()"><form method="post" action="`+c.callback()+
				`"><input type="hidden" name="access_token" value="t"><input type="hidden" name="state" value="s"></form></body></html>`)
		case "login":
			http.Redirect(w, r, srv.URL+"/login", http.StatusFound)
		default:
			if r.URL.Path == "/login" {
				writeHTML(w, 200, `<form method="post"><input name="username"><input type="password" name="password"></form>`)
				return
			}
			writeHTML(w, 403, `<p>Forbidden</p>`)
		}
	}))
	defer srv.Close()
	tests := []struct {
		answer, via string
		departs     bool
		form        url.Values
	}{
		{"redirect", "redirect 303", true, nil},
		{"form_post", "form", true, url.Values{"access_token": {"t"}, "state": {"s"}}},
		{"login", "", false, nil},
		{"forbidden", "", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.answer, func(t *testing.T) {
			a := newTestAgent(t, c, srv)
			out, err := Replay(context.Background(), a, Submission{Method: "POST", URL: srv.URL + "/consent", Body: "answer=" + tt.answer},
				http.Header{"Origin": {"https://evil.example"}})
			if err != nil {
				t.Fatal(err)
			}
			if (out.Departure != nil) != tt.departs {
				t.Fatalf("departure %+v, page %v", out.Departure, out.Page != nil)
			}
			if !tt.departs {
				if out.Page == nil || out.LoginShown || out.Denied {
					t.Errorf("stopped without a page, or acted on it: %+v", out)
				}
				return
			}
			if out.Departure.Via != tt.via {
				t.Errorf("via %q, want %q", out.Departure.Via, tt.via)
			}
			if tt.form != nil {
				got, _ := url.ParseQuery(out.Departure.Body)
				if got.Encode() != tt.form.Encode() {
					t.Errorf("posted %q, want %q", got.Encode(), tt.form.Encode())
				}
			}
		})
	}
}
