package redact

import (
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestParams(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://c.test/cb#access_token=abc.def&token_type=Bearer&state=s",
			"https://c.test/cb#access_token=[redacted]&token_type=Bearer&state=s"},
		{"https://c.test/cb?code=xyz&state=s", "https://c.test/cb?code=[redacted]&state=s"},
		{"username=alice&password=hunter2&csrf=1", "username=alice&password=[redacted]&csrf=1"},
		{"redirected to https://c.test/cb#id_token=a.b.c by HTTP 303", "redirected to https://c.test/cb#id_token=[redacted] by HTTP 303"},
		{"no secrets: a=b&c=d", "no secrets: a=b&c=d"},
		{"access_token=", "access_token="},
		{"?registration_access_token=r1&x=1", "?registration_access_token=[redacted]&x=1"},
	}
	for _, tt := range tests {
		if got := Params(tt.in); got != tt.want {
			t.Errorf("Params(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestRedactorLiteral: a registered secret is masked in every place and
// spelling an artefact may hold it, also where no name gives it away.
func TestRedactorLiteral(t *testing.T) {
	const tok = "tok+en/98&76543210é=="
	b64 := func(enc *base64.Encoding, s string) string { return enc.EncodeToString([]byte(s)) }
	tests := []struct{ where, text string }{
		{"URL query", "https://c.test/cb?at=" + url.QueryEscape(tok) + "&state=s"},
		{"fragment, raw", "https://c.test/cb#t=" + tok + "&state=s"},
		{"Location, path-escaped", "/cb/" + url.PathEscape(tok)},
		{"form body", "x=1&t=" + url.QueryEscape(tok)},
		{"sentence", `the token "` + tok + `" is not a b64token`},
		{"HTML-escaped", `<p>` + html.EscapeString(tok) + `</p>`},
		{"JSON", `{"t":"` + tok + `"}`},
		{"base64 std", b64(base64.StdEncoding, tok)},
		{"base64 url", b64(base64.URLEncoding, tok)},
		{"base64 raw url", b64(base64.RawURLEncoding, tok)},
		{"base64, inside Basic credentials", "Basic " + b64(base64.StdEncoding, "client:"+tok)},
		{"base64, at offset 1", b64(base64.RawStdEncoding, "x"+tok+"yz")},
		{"base64, at offset 2", b64(base64.RawURLEncoding, "xy"+tok+"z")},
	}
	r := New(tok)
	for _, tt := range tests {
		got := r.String(tt.text)
		if !strings.Contains(got, Mask) || containsSecret(got, tok) {
			t.Errorf("%s: %q → %q", tt.where, tt.text, got)
		}
	}
}

// containsSecret looks for tok as is, decoded, or base64-decoded.
func containsSecret(text, tok string) bool {
	if strings.Contains(text, tok) {
		return true
	}
	if d, err := url.QueryUnescape(text); err == nil && strings.Contains(d, tok) {
		return true
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		for _, f := range strings.Fields(text) {
			if d, err := enc.DecodeString(f); err == nil && strings.Contains(string(d), tok) {
				return true
			}
		}
	}
	return false
}

// TestRedactorStructure: a secret nobody registered is masked where its
// name says it is one: query, fragment, Location, form body, inputs in any
// attribute order and quoting, JSON members.
func TestRedactorStructure(t *testing.T) {
	const v = "SeCrEt-VaLuE-42"
	tests := []struct{ where, text string }{
		{"URL query", "https://c.test/cb?code=" + v + "&state=s"},
		{"fragment", "https://c.test/cb#access_token=" + v + "&token_type=Bearer"},
		{"Location", "Location: https://c.test/cb#state=s&id_token=" + v},
		{"form body", "username=alice&password=" + v},
		{"input, double quotes", `<input type="hidden" name="access_token" value="` + v + `">`},
		{"input, value first", `<input value="` + v + `" type="hidden" name="id_token">`},
		{"input, single quotes", `<INPUT TYPE='hidden' NAME='refresh_token' VALUE='` + v + `'/>`},
		{"input, unquoted", `<input type=hidden name=code value=` + v + `>`},
		{"input, spaces around =", `<input name = "session_state" value = "` + v + `" >`},
		{"input, > inside a quoted attribute", `<input data-x="a>b" name="access_token" value="` + v + `">`},
		{"JSON", `{"client_id":"c1","client_secret": "` + v + `"}`},
		{"JSON, no spaces", `{"registration_access_token":"` + v + `","x":1}`},
		{"JSON, escaped quote", `{"access_token":"` + v + `\"x"}`},
		{"JavaScript object", `post({access_token: '` + v + `'})`},
	}
	r := New()
	for _, tt := range tests {
		got := r.String(tt.text)
		if strings.Contains(got, v) || !strings.Contains(got, Mask) {
			t.Errorf("%s: %q → %q", tt.where, tt.text, got)
		}
	}
	keep := []string{
		`<input type="hidden" name="state" value="` + v + `">`,
		`{"client_id":"` + v + `"}`,
		`<input type="text" name="username" value="alice">`,
	}
	for _, text := range keep {
		if got := r.String(text); got != text {
			t.Errorf("not a secret, masked anyway: %q → %q", text, got)
		}
	}
}

func TestRedactorShortAndLongest(t *testing.T) {
	r := New("S3cret pass", "x", "abcd", "abcdefgh")
	got := r.String(`login failed for "S3cret pass" (S3cret+pass, S3cret%20pass) x`)
	if strings.Contains(got, "S3cret") {
		t.Errorf("secret left in %q", got)
	}
	if !strings.HasSuffix(got, " x") {
		t.Errorf("short literal masked: %q", got)
	}
	// The longer secret is masked whole, not as its prefix plus "efgh".
	if got := r.String("[abcdefgh]"); got != "["+Mask+"]" {
		t.Errorf("longest first: %q", got)
	}
	if r.Len() != 3 {
		t.Errorf("Len %d, want 3", r.Len())
	}
	h := r.Header(http.Header{"Set-Cookie": {"sid=1"}, "Location": {"/cb#access_token=t1"}, "Content-Type": {"text/html"}})
	if h.Get("Set-Cookie") != Mask || h.Get("Location") != "/cb#access_token="+Mask || h.Get("Content-Type") != "text/html" {
		t.Errorf("Header: %v", h)
	}
	var nilR *Redactor
	nilR.Add("abcdef")
	if got := nilR.String("code=abcdef"); got != "code="+Mask {
		t.Errorf("nil Redactor: %q", got)
	}
}

// TestRedactorConcurrent: scenarios register and mask at the same time
// (run with -race).
func TestRedactorConcurrent(t *testing.T) {
	r := New()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				s := fmt.Sprintf("secret-%d-%d", g, i)
				r.Add(s)
				if got := r.String("<" + s + ">"); got != "<"+Mask+">" {
					t.Errorf("%q not masked: %q", s, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if r.Len() != 400 {
		t.Errorf("Len %d, want 400", r.Len())
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, text string
		page       bool
		want       []string
	}{
		{"fragment", "https://c.test/cb#access_token=a%2Bb123&state=s", false, []string{"a%2Bb123", "a+b123"}},
		{"form body", "username=alice&password=pa+ss", false, []string{"pa+ss", "pa ss"}},
		{"form_post page", `<form><input type="hidden" name="id_token" value="e.y&amp;J"><input name="state" value="s1234"></form>`, true,
			[]string{"e.y&amp;J", "e.y&J"}},
		{"JSON", `{"client_secret":"c\u00e9-secret","client_id":"c1234"}`, true, []string{`c\u00e9-secret`, "cé-secret"}},
		{"a link on a page", `<a href="https://c.test/cb#code=abcd1234">`, true, []string{"abcd1234"}},
		{"a script on a page is not a query", `<script>var code=document.cookie;</script>`, true, nil},
		{"short values are ignored", "code=ab", false, nil},
	}
	for _, tt := range tests {
		got := Find(tt.text)
		if tt.page {
			got = FindInPage(tt.text)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestOpaqueAndCredentials(t *testing.T) {
	for v, want := range map[string]bool{"true": false, "darkmode": false, "1700000000": false, "a1b2c3d4": true,
		"Zm9vYmFyYmF6cXV4cXV1eA": true} {
		if Opaque(v) != want {
			t.Errorf("Opaque(%q) = %v", v, !want)
		}
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("client:s3cr%2Bt"))
	if got := Credentials(basic); !slices.Contains(got, "s3cr+t") || !slices.Contains(got, "s3cr%2Bt") {
		t.Errorf("Credentials(Basic) = %q", got)
	}
	if got := Credentials("Bearer tok123"); !slices.Equal(got, []string{"tok123"}) {
		t.Errorf("Credentials(Bearer) = %q", got)
	}
}
