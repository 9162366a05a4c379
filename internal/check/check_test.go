package check

import (
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/fragment"
)

// redirect builds the Ending of a redirect to raw.
func redirect(raw string) *Ending {
	q, f, has := fragment.FromURL(raw)
	e := &Ending{Left: true, Via: "HTTP 303 redirect", Method: "GET", Target: raw, ToClient: true, HasFragment: has}
	e.Query, _ = fragment.Parse(q)
	e.Fragment, _ = fragment.Parse(f)
	return e
}

func formPost(target, body string) *Ending {
	e := &Ending{Left: true, Via: "self-submitting form (POST)", Method: "POST", Target: target, ToClient: true}
	e.Form, _ = fragment.Parse(body)
	return e
}

var errorPage = &Ending{StoppedAt: "https://as.test/authorize?x", Status: 400, Title: "Invalid request", Reason: "no form"}

const cb = "https://c.test/cb"

func TestChecks(t *testing.T) {
	tests := []struct {
		name    string
		check   func(*Ending) error
		ending  *Ending
		wantErr string // "" = pass
	}{
		{"token: fragment", func(e *Ending) error { return ClientGetsToken("AEP-01", e) }, redirect(cb + "#access_token=t&token_type=bearer"), ""},
		{"token: query still counts as issued", func(e *Ending) error { return ClientGetsToken("AEP-01", e) }, redirect(cb + "?access_token=t"), ""},
		{"token: error page", func(e *Ending) error { return ClientGetsToken("AEP-01", e) }, errorPage, `RFC 6749 §3.1, §4.2.1 (AEP-01): no access token issued: the flow stopped on https://as.test/authorize?x (HTTP 400, "Invalid request"): no form`},
		{"token: error redirect", func(e *Ending) error { return ClientGetsToken("AEP-01", e) }, redirect(cb + "#error=access_denied"), `error="access_denied"`},

		{"fragment: ok", func(e *Ending) error { return InFragment("FRAG-01", e) }, redirect(cb + "#access_token=t"), ""},
		{"fragment: in query", func(e *Ending) error { return InFragment("FRAG-01", e) }, redirect(cb + "?access_token=t"), "access_token is in the query, not the fragment"},
		{"fragment: form post", func(e *Ending) error { return InFragment("FRAG-01", e) }, formPost(cb, "access_token=t"), "form POST"},

		{"query: unchanged", func(e *Ending) error { return QueryAsRegistered("FRAG-02", e, cb) }, redirect(cb + "#access_token=t"), ""},
		{"query: token added", func(e *Ending) error { return QueryAsRegistered("FRAG-02", e, cb) }, redirect(cb + "?access_token=t#access_token=t"), "parameters added to the query of the redirect URI: access_token"},
		{"query: registered query kept", func(e *Ending) error { return QueryAsRegistered("FRAG-02", e, cb+"?a=1") }, redirect(cb + "?a=1#access_token=t"), ""},

		{"access token: empty", func(e *Ending) error { return AccessToken("TOK-01", e) }, redirect(cb + "#access_token=&token_type=bearer"), "access_token is empty"},
		{"access token: missing", func(e *Ending) error { return AccessToken("TOK-01", e) }, redirect(cb + "#token_type=bearer"), "access_token missing from the response (got token_type)"},
		{"access token: form post", func(e *Ending) error { return AccessToken("TOK-01", e) }, formPost(cb, "access_token=t"), ""},
		{"token type: ok", func(e *Ending) error { return TokenType("TOK-03", e) }, redirect(cb + "#access_token=t&token_type=Bearer"), ""},
		{"token type: missing", func(e *Ending) error { return TokenType("TOK-03", e) }, redirect(cb + "#access_token=t"), "token_type missing"},

		{"state: exact", func(e *Ending) error { return StateEchoed("STATE-03", e, "a b+c") }, redirect(cb + "#access_token=t&state=a+b%2Bc"), ""},
		{"state: plus decoded as space", func(e *Ending) error { return StateEchoed("STATE-03", e, "a+b") }, redirect(cb + "#access_token=t&state=a+b"),
			`RFC 6749 A.5 (VSCHAR %x20-7E), App. B (STATE-03): state not echoed: sent "a+b", got "a b"`},
		{"state: missing", func(e *Ending) error { return StateEchoed("STATE-01", e, "s") }, redirect(cb + "#access_token=t"), "got no state parameter"},
		{"state: twice", func(e *Ending) error { return StateEchoed("STATE-01", e, "s") }, redirect(cb + "#access_token=t&state=s&state=s"), "state returned 2 times"},
		{"state: on error page", func(e *Ending) error { return StateEchoed("STATE-01", e, "s") }, errorPage, "expected a response sent to the client"},
		{"state or refused: refused page", func(e *Ending) error { return StateEchoedOrRefused("STATE-08", e, "ü") }, errorPage, ""},
		{"state or refused: invalid_request", func(e *Ending) error { return StateEchoedOrRefused("STATE-08", e, "ü") }, redirect(cb + "#error=invalid_request&state=%C3%BC"), ""},
		{"state or refused: mangled", func(e *Ending) error { return StateEchoedOrRefused("STATE-08", e, "ü") }, redirect(cb + "#access_token=t&state=%C3%83%C2%BC"), "state not echoed"},
		{"no state: none", func(e *Ending) error { return NoStateInvented("STATE-06", e) }, redirect(cb + "#access_token=t"), ""},
		{"no state: empty tolerated", func(e *Ending) error { return NoStateInvented("STATE-06", e) }, redirect(cb + "#access_token=t&state="), ""},
		{"no state: invented", func(e *Ending) error { return NoStateInvented("STATE-06", e) }, redirect(cb + "#access_token=t&state=xyz"), `state="xyz"`},

		{"error: access_denied", func(e *Ending) error { return ErrorCode("ERR-01", e, "access_denied") }, redirect(cb + "#error=access_denied&state=s"), ""},
		{"error: wrong code", func(e *Ending) error { return ErrorCode("ERR-01", e, "access_denied") }, redirect(cb + "#error=server_error"), "expected error=access_denied, got error=server_error"},
		{"error: in query", func(e *Ending) error { return ErrorCode("ERR-01", e, "access_denied") }, redirect(cb + "?error=access_denied"), "in the query, not the fragment"},
		{"error: token instead", func(e *Ending) error { return ErrorCode("ERR-01", e, "access_denied") }, redirect(cb + "#access_token=t"), "an access token was issued"},
		{"error state: ok", func(e *Ending) error { return ErrorCarriesState("STATE-02", e, "s 1") }, redirect(cb + "#error=access_denied&state=s+1"), ""},
		{"error state: query accepted here", func(e *Ending) error { return ErrorCarriesState("STATE-02", e, "s") }, redirect(cb + "?error=access_denied&state=s"), ""},
		{"error state: missing", func(e *Ending) error { return ErrorCarriesState("STATE-02", e, "s") }, redirect(cb + "#error=access_denied"), "got no state parameter"},

		{"NR: error page", func(e *Ending) error { return NeverRedirected("RDR-04", e) }, errorPage, ""},
		{"NR: redirected", func(e *Ending) error { return NeverRedirected("RDR-04", e) }, redirect(cb + "/extra#error=invalid_request"), "expected no redirect, but the browser was sent to https://c.test/cb/extra#error=invalid_request by HTTP 303 redirect"},
		{"no token: error redirect", func(e *Ending) error { return NoToken("RT-04", e) }, redirect(cb + "#error=unauthorized_client"), ""},
		{"no token: issued, masked", func(e *Ending) error { return NoToken("RT-04", e) }, redirect(cb + "#access_token=SECRET"), "a credential (access_token) was issued in the fragment (sent to https://c.test/cb#access_token=[redacted]"},
		{"target: exact", func(e *Ending) error { return TargetIs("RDR-01", e, cb) }, redirect(cb + "#access_token=t"), ""},
		{"target: trailing slash", func(e *Ending) error { return TargetIs("RDR-01", e, cb) }, redirect(cb + "/#access_token=t"), `expected "https://c.test/cb", got "https://c.test/cb/"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.ending)
			wantFinding(t, err, tt.wantErr)
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("failure shows a token: %v", err)
			}
		})
	}
}

func TestCatalogue(t *testing.T) {
	reqs := Catalogue()
	if len(reqs) < 90 {
		t.Fatalf("catalogue has %d rows", len(reqs))
	}
	for _, r := range reqs {
		if r.Clause == "" || r.Level == "" || r.Summary == "" {
			t.Errorf("incomplete row %+v", r)
		}
	}
	if got := Lookup("STATE-01").Clause; got != "RFC 6749 §4.2.2" {
		t.Errorf("STATE-01 clause %q", got)
	}
}

func TestResourceAccepts(t *testing.T) {
	if err := ResourceAccepts("TOK-09", "https://as.test/userinfo", 200, ""); err != nil {
		t.Error(err)
	}
	err := ResourceAccepts("TOK-09", "https://as.test/userinfo", 401, `Bearer error="invalid_token"`)
	if err == nil || !strings.Contains(err.Error(), `HTTP 401 (WWW-Authenticate: Bearer error="invalid_token")`) {
		t.Errorf("got %v", err)
	}
}

// wantFinding asserts a check's result: a pass when want is empty, else a
// failure whose message contains want.
func wantFinding(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected failure: %v", err)
	case want != "" && err == nil:
		t.Errorf("passed, want failure containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("failure %q\n does not contain %q", err, want)
	}
}
