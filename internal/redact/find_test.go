package redact

import (
	"slices"
	"strings"
	"testing"
)

// jwt is an ID token no test registers.
const jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"

// translations is a login app's translations file, served as a page: its
// keys end in parameter names and its values are those names or labels.
const translations = `{"mod-oauth2-response_type-id_token":"id_token","x-code":"code","user-password":"Password"}`

// TestFindInPageIgnoresLabels: names and UI strings on a page are never
// registered, whatever key or input they sit under.
func TestFindInPageIgnoresLabels(t *testing.T) {
	tests := []struct{ name, text string }{
		{"translations, keys ending in a name", translations},
		{"translations, keys that are names", `{"code": "Code", "password": "Mot de passe", "id_token": "C\u00f3digo"}`},
		{"translations, escaped word", `{"code": "C\u00f3digo"}`},
		{"JavaScript, name after a dash", `mod-oauth2-id_token: 'eyJhbGciOi.eyJzdWIiOiIx.c2ln'`},
		{"JavaScript, name after a dot", `labels.access_token: "2YotnFZFEjr1zCsicMWpAA"`},
		{"JSON, short value", `{"client_secret": "secret"}`},
		{"submit button", `<button type="submit" name="code" value="Send">`},
		{"input labelled by its value", `<input type="submit" name="password" value="Password">`},
		{"input, a phrase", `<input type="submit" name="code" value="Send me a new code">`},
		{"link, a name as value", `<a href="/login?code=code&x=1">`},
	}
	for _, tt := range tests {
		if got := FindInPage(tt.text); len(got) != 0 {
			t.Errorf("%s: registered %q", tt.name, got)
		}
	}
}

// TestFindInPageSecrets: credentials under a secret member's whole name are
// still found, quoted or not.
func TestFindInPageSecrets(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"JSON", `{"id_token":"eyJhbGciOi.eyJzdWIiOiIx.c2ln"}`, []string{"eyJhbGciOi.eyJzdWIiOiIx.c2ln"}},
		{"JavaScript object", `{id_token:'eyJhbGciOi.eyJzdWIiOiIx.c2ln'}`, []string{"eyJhbGciOi.eyJzdWIiOiIx.c2ln"}},
		{"token response", `{"access_token": "2YotnFZFEjr1zCsicMWpAA"}`, []string{"2YotnFZFEjr1zCsicMWpAA"}},
		{"after a label", `{"x-code":"code","code":"Zm9vYmFy1234"}`, []string{"Zm9vYmFy1234"}},
		{"name in capitals", `{"Password": "hunter22"}`, []string{"hunter22"}},
		{"single-quoted key", `{'refresh_token': "tGzv3JOkF0XG5Qx2TlKWIA"}`, []string{"tGzv3JOkF0XG5Qx2TlKWIA"}},
	}
	for _, tt := range tests {
		if got := FindInPage(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestFindNames: in what the browser sent, a value is a secret even when it
// reads as a word (a password), but never when it is a parameter's name.
func TestFindNames(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"username=alice&password=hunter", []string{"hunter"}},
		{"https://c.test/cb?code=code&state=s", nil},
		{"https://c.test/cb#access_token=id%5Ftoken", nil},
	}
	for _, tt := range tests {
		if got := Find(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Find(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestStructureWholeName: a member is masked by its whole name only.
func TestStructureWholeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{translations, translations},
		{`{"user-password":"hunter2"}`, `{"user-password":"hunter2"}`},
		{`{"password":"hunter2"}`, `{"password":"` + Mask + `"}`},
		{`x = {"a": "b", code: 'c0de'}`, `x = {"a": "b", code: '` + Mask + `'}`},
		{`cfg.code: "c0de"`, `cfg.code: "c0de"`},
	}
	for _, tt := range tests {
		if got := Structure(tt.in); got != tt.want {
			t.Errorf("Structure(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestStringNamesStayReadable: after a run saw the translations page, a
// URL keeps its parameter names and values readable, and an ID token no
// one registered is still masked — also when a parameter's name was
// registered as a literal, which must not hide the parameter from the
// structural rules.
func TestStringNamesStayReadable(t *testing.T) {
	const u = "response_type=id_token+token&client_id=code-client&id_token=" + jwt
	fromPage := New(FindInPage(translations)...)
	if n := fromPage.Len(); n != 0 {
		t.Fatalf("the translations page registered %d secrets", n)
	}
	tests := []struct {
		name string
		r    *Redactor
		in   string
		want string // "" when only the token's absence is checked
	}{
		{"after the translations page", fromPage, u,
			"response_type=id_token+token&client_id=code-client&id_token=" + Mask},
		{"names registered as literals", New("id_token", "code"), u, ""},
		{"names registered, JSON", New("id_token"), `{"id_token":"` + jwt + `"}`, ""},
		{"names registered, form_post", New("id_token"), `<input type="hidden" name="id_token" value="` + jwt + `">`, ""},
		{"a literal longer than the parameter's value", New("tok+en/98&76543210"),
			"https://c.test/cb#code=tok+en/98&76543210&state=s", "https://c.test/cb#code=" + Mask + "&state=s"},
	}
	for _, tt := range tests {
		got := tt.r.String(tt.in)
		if strings.Contains(got, "eyJhbGciOiJub25lIn0") || !strings.Contains(got, Mask) || (tt.want != "" && got != tt.want) {
			t.Errorf("%s: %q\n→ %q", tt.name, tt.in, got)
		}
	}
}

func TestMergeSpans(t *testing.T) {
	tests := []struct {
		lists [][][2]int
		want  [][2]int
	}{
		{nil, nil},
		{[][][2]int{{{3, 5}}, {{0, 1}}}, [][2]int{{0, 1}, {3, 5}}},
		{[][][2]int{{{2, 6}}, {{4, 9}}}, [][2]int{{2, 9}}},         // overlapping
		{[][][2]int{{{2, 9}}, {{4, 6}}}, [][2]int{{2, 9}}},         // nested
		{[][][2]int{{{2, 4}}, {{4, 6}}}, [][2]int{{2, 4}, {4, 6}}}, // touching
	}
	for _, tt := range tests {
		if got := mergeSpans(tt.lists...); !slices.Equal(got, tt.want) {
			t.Errorf("mergeSpans(%v) = %v, want %v", tt.lists, got, tt.want)
		}
	}
}
