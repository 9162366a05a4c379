package check

import (
	"net/http"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/fragment"
)

func TestResponseChecks(t *testing.T) {
	parsed := func(raw string) *Ending {
		e := redirect(raw)
		_, f, _ := fragment.FromURL(raw)
		_, e.Problems = fragment.Parse(f)
		return e
	}
	serverError := &Ending{StoppedAt: "https://as.test/authorize", Status: 500}
	long := strings.Repeat("s", 1000)
	tests := []struct {
		name    string
		check   func(*Ending) error
		ending  *Ending
		wantErr string // "" = pass
	}{
		{"inject: encoded", func(e *Ending) error { return StateNotInjected("STATE-04", e, "x&access_token=f#a b") }, redirect(cb + "#access_token=t&state=x%26access_token%3Df%23a+b"), ""},
		{"inject: raw &", func(e *Ending) error { return StateNotInjected("STATE-04", e, "x&access_token=f") }, redirect(cb + "#access_token=t&state=x&access_token=f"), "2 access_token"},
		{"inject: raw space", func(e *Ending) error { return StateNotInjected("STATE-04", e, "a b") }, redirect(cb + "#access_token=t&state=a b"), "unencoded ' '"},
		{"inject: raw #", func(e *Ending) error { return StateNotInjected("STATE-04", e, "a#b") }, redirect(cb + "#access_token=t&state=a#b"), "unencoded '#'"},

		{"long: echoed", func(e *Ending) error { return StateEchoedOrRefusedCleanly("STATE-05", e, long) }, redirect(cb + "#access_token=t&state=" + long), ""},
		{"long: truncated", func(e *Ending) error { return StateEchoedOrRefusedCleanly("STATE-05", e, long) }, redirect(cb + "#access_token=t&state=" + long[:100]), "truncated to 100"},
		{"long: invalid_request", func(e *Ending) error { return StateEchoedOrRefusedCleanly("STATE-05", e, long) }, redirect(cb + "#error=invalid_request&state=" + long), ""},
		{"long: error page", func(e *Ending) error { return StateEchoedOrRefusedCleanly("STATE-05", e, long) }, errorPage, ""},
		{"long: 5xx", func(e *Ending) error { return StateEchoedOrRefusedCleanly("STATE-05", e, long) }, serverError, "made the server fail"},
		{"long: server_error", func(e *Ending) error { return StateEchoedOrRefusedCleanly("STATE-05", e, long) }, redirect(cb + "#error=server_error"), "error=server_error"},

		{"no state param: none", func(e *Ending) error { return NoStateParameter("STATE-06", e) }, redirect(cb + "#access_token=t"), ""},
		{"no state param: empty", func(e *Ending) error { return NoStateParameter("STATE-06", e) }, redirect(cb + "#access_token=t&state="), `state=""`},

		{"repeat: refused", func(e *Ending) error { return RepeatedParamRefused("STATE-07", e, "state") }, redirect(cb + "#error=invalid_request"), ""},
		{"repeat: page", func(e *Ending) error { return RepeatedParamRefused("STATE-07", e, "state") }, errorPage, ""},
		{"repeat: served", func(e *Ending) error { return RepeatedParamRefused("STATE-07", e, "state") }, redirect(cb + "#access_token=t&state=a"), "a token was issued"},

		{"error: fragment", func(e *Ending) error { return ErrorInFragment("FRAG-05", e) }, redirect(cb + "#error=access_denied"), ""},
		{"error: query", func(e *Ending) error { return ErrorInFragment("FRAG-05", e) }, redirect(cb + "?error=access_denied"), "in the query"},

		{"query mode: fragment", func(e *Ending) error { return NoTokenInQuery("FRAG-07", e) }, redirect(cb + "#access_token=t"), ""},
		{"query mode: error in query", func(e *Ending) error { return NoTokenInQuery("FRAG-07", e) }, redirect(cb + "?error=invalid_request"), ""},
		{"query mode: token in query", func(e *Ending) error { return NoTokenInQuery("FRAG-07", e) }, redirect(cb + "?access_token=t"), "honoured"},

		{"unknown mode: refused", func(e *Ending) error { return NotServed("FRAG-06", e, "response_mode=x") }, redirect(cb + "#error=invalid_request"), ""},
		{"unknown mode: ignored", func(e *Ending) error { return NotServed("FRAG-06", e, "response_mode=x") }, redirect(cb + "#access_token=t"), "was ignored"},

		{"encoding: clean", func(e *Ending) error { return FragmentDecodes("FRAG-03", e) }, parsed(cb + "#access_token=t&state=100%25+Z%C3%BC"), ""},
		{"encoding: bad escape", func(e *Ending) error { return FragmentDecodes("FRAG-03", e) }, parsed(cb + "#access_token=t&state=100%+s"), "malformed percent-escape"},
		{"encoding: latin1", func(e *Ending) error { return FragmentDecodes("FRAG-03", e) }, parsed(cb + "#access_token=t&state=Z%FCrich"), "invalid UTF-8"},
		{"encoding: raw space is not a decoding failure", func(e *Ending) error { return FragmentDecodes("FRAG-03", e) }, parsed(cb + "#access_token=t&scope=a b"), ""},
		{"raw: space", func(e *Ending) error { return FragmentFullyEncoded("FRAG-03", e) }, parsed(cb + "#access_token=t&scope=a b"), "unencoded character"},
		{"raw: clean", func(e *Ending) error { return FragmentFullyEncoded("FRAG-03", e) }, parsed(cb + "#access_token=t&scope=a+b"), ""},

		{"twice: no", func(e *Ending) error { return NoRepeatedParams("FRAG-04", e) }, redirect(cb + "#access_token=t&token_type=bearer"), ""},
		{"twice: yes", func(e *Ending) error { return NoRepeatedParams("FRAG-04", e) }, redirect(cb + "#access_token=t&token_type=a&token_type=a"), "token_type"},

		{"vschar: ok", func(e *Ending) error { return TokenVSCHAR("TOK-02", e) }, redirect(cb + "#access_token=a+b!"), ""},
		{"vschar: é", func(e *Ending) error { return TokenVSCHAR("TOK-02", e) }, redirect(cb + "#access_token=ab%C3%A9"), "0xC3 at position 2"},
		{"b64: ok", func(e *Ending) error { return TokenB64("TOK-02", e) }, redirect(cb + "#access_token=ab.c-_~%2B%2F%3D%3D"), ""},
		{"b64: !", func(e *Ending) error { return TokenB64("TOK-02", e) }, redirect(cb + "#access_token=ab%21"), `'!' at position 2`},
		{"b64: space", func(e *Ending) error { return TokenB64("TOK-02", e) }, redirect(cb + "#access_token=a+b"), `' ' at position 1`},

		{"type: bearer", func(e *Ending) error { return TokenTypeKnown("TOK-03", e) }, redirect(cb + "#access_token=t&token_type=bearer"), ""},
		{"type: DPoP", func(e *Ending) error { return TokenTypeKnown("TOK-03", e) }, redirect(cb + "#access_token=t&token_type=DPoP"), ""},
		{"type: magic", func(e *Ending) error { return TokenTypeKnown("TOK-03", e) }, redirect(cb + "#access_token=t&token_type=Magic"), `"Magic"`},

		{"expires: present", func(e *Ending) error { return ExpiresInPresent("TOK-04", e) }, redirect(cb + "#access_token=t&expires_in=3600"), ""},
		{"expires: absent", func(e *Ending) error { return ExpiresInPresent("TOK-04", e) }, redirect(cb + "#access_token=t"), "no expires_in"},
		{"expires: valid", func(e *Ending) error { return ExpiresInValid("TOK-04", e) }, redirect(cb + "#access_token=t&expires_in=299"), ""},
		{"expires: absent is not invalid", func(e *Ending) error { return ExpiresInValid("TOK-04", e) }, redirect(cb + "#access_token=t"), ""},
		{"expires: zero", func(e *Ending) error { return ExpiresInValid("TOK-04", e) }, redirect(cb + "#access_token=t&expires_in=0"), "expired when issued"},
		{"expires: negative", func(e *Ending) error { return ExpiresInValid("TOK-04", e) }, redirect(cb + "#access_token=t&expires_in=-1"), "not a number"},
		{"expires: decimal", func(e *Ending) error { return ExpiresInValid("TOK-04", e) }, redirect(cb + "#access_token=t&expires_in=3600.5"), "not a number"},
		{"expires: hour ok", func(e *Ending) error { return ExpiresInAtMost("TOK-04", e, 3600, "x") }, redirect(cb + "#access_token=t&expires_in=3600"), ""},
		{"expires: day", func(e *Ending) error { return ExpiresInAtMost("TOK-04", e, 3600, "x") }, redirect(cb + "#access_token=t&expires_in=86400"), "more than 3600"},
		{"expires: huge", func(e *Ending) error { return ExpiresInAtMost("TOK-04", e, 31536000, "x") }, redirect(cb + "#access_token=t&expires_in=99999999999999999999999"), "more than 31536000"},

		{"refresh: none", func(e *Ending) error { return Absent("TOK-06", e, "refresh_token", "x") }, redirect(cb + "#access_token=t"), ""},
		{"refresh: fragment", func(e *Ending) error { return Absent("TOK-06", e, "refresh_token", "x") }, redirect(cb + "#access_token=t&refresh_token=r"), "refresh_token in the fragment"},
		{"code: query", func(e *Ending) error { return Absent("TOK-07", e, "code", "x") }, redirect(cb + "?code=c#access_token=t"), "code in the query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.ending)
			wantFinding(t, err, tt.wantErr)
		})
	}
}

func TestFormPostChecks(t *testing.T) {
	page := `<html><body onload="document.forms[0].submit()"><form method="POST" action="https://c.test/cb?a=1&amp;b=2">` +
		`<input type="hidden" name="access_token" value="t"><input type="hidden" name="state" value="s"></form></body></html>`
	target := "https://c.test/cb?a=1&b=2"
	ok := formPost(target, "access_token=t&state=s")
	if err := FormPostPage("FP-01", ok, target, 200, "text/html; charset=utf-8", []byte(page)); err != nil {
		t.Errorf("conformant page: %v", err)
	}
	withButton := strings.Replace(page, "</form>", `<noscript><button type="submit" name="go" value="1">Continue</button></noscript></form>`, 1)
	if err := FormPostPage("FP-01", formPost(target, "access_token=t&state=s&go=1"), target, 200, "text/html", []byte(withButton)); err != nil {
		t.Errorf("named fallback button: %v", err)
	}
	for name, c := range map[string]struct {
		e       *Ending
		status  int
		page    string
		wantErr string
	}{
		"GET":            {redirect(target + "#access_token=t"), 200, page, "GET navigation"},
		"action":         {formPost(target+"/", "access_token=t&state=s"), 200, page, "action is not the redirect URI"},
		"not hidden":     {formPost(target, "access_token=t&state=s&x=1"), 200, page, "x is posted but is not a hidden input"},
		"status":         {ok, 302, page, "HTTP 302"},
		"method on page": {ok, 200, strings.Replace(page, "POST", "get", 1), `method is "get"`},
		"multipart":      {ok, 200, strings.Replace(page, `method="POST"`, `method="POST" enctype="multipart/form-data"`, 1), "enctype"},
	} {
		err := FormPostPage("FP-01", c.e, target, c.status, "text/html", []byte(c.page))
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s: got %v, want %q", name, err, c.wantErr)
		}
	}
	h := http.Header{}
	h.Add("Cache-Control", "private, No-Store")
	if err := NoStore("FP-02", h.Values("Cache-Control")); err != nil {
		t.Errorf("no-store: %v", err)
	}
	if err := NoStore("FP-02", []string{"max-age=300"}); err == nil {
		t.Error("max-age accepted")
	}
	if err := ErrorPosted("FP-03", formPost(target, "error=access_denied&state=s"), "s"); err != nil {
		t.Errorf("posted error: %v", err)
	}
	if err := ErrorPosted("FP-03", redirect(target+"#error=access_denied&state=s"), "s"); err == nil {
		t.Error("GET error accepted")
	}
}

func TestTokenUniqueness(t *testing.T) {
	random := []string{"kq3nB0r-8Zp1YtXw4sVbLm6QeRjHu2CdAfGi9OxN7Ty", "Zy8_Pq1wErT5yUiO0pAsDfGhJkLzXcVbNm4Q3W2e6Rt", "a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ-_aBcDe"}
	if err := TokensUnique("TOK-08", random); err != nil {
		t.Errorf("random: %v", err)
	}
	if err := TokensUnique("TOK-08", []string{"a", "b", "a"}); err == nil || !strings.Contains(err.Error(), "flows 1 and 3") {
		t.Errorf("duplicate: %v", err)
	}
	if err := TokensUnique("TOK-08", []string{"at-1001", "at-1002", "at-1004"}); err == nil || !strings.Contains(err.Error(), "counter") {
		t.Errorf("counter: %v", err)
	}
	if err := TokensUnique("TOK-08", []string{"x1y", "x987654321987y", "x5y"}); err != nil {
		t.Errorf("far-apart numbers are no counter: %v", err)
	}
	if bits := TokenEntropyBits(random); bits < 128 {
		t.Errorf("random tokens: %.0f bits", bits)
	}
	if err := TokenEntropy("TOK-08", []string{"abcdefgh", "abcdefgi", "abcdefgj"}); err == nil {
		t.Error("one varying character passed")
	}
}

func TestScopeReturned(t *testing.T) {
	if err := ScopeReturned("TOK-05", redirect(cb+"#access_token=t&scope=read")); err != nil {
		t.Errorf("scope returned: %v", err)
	}
	if err := ScopeReturned("TOK-05", redirect(cb+"#access_token=t&scope=")); err != nil {
		t.Errorf("empty scope returned: %v", err)
	}
	if err := ScopeReturned("TOK-05", redirect(cb+"#access_token=t")); err == nil || !strings.Contains(err.Error(), "which scope was granted") {
		t.Errorf("no scope: %v", err)
	}
}
