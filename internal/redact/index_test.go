package redact

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestIndexIsTheReplacer: the index masks exactly what a strings.Replacer
// with the spellings longest first masks (what String used before the
// index), overlapping and nested secrets included.
func TestIndexIsTheReplacer(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abAB+/%="[rnd.IntN(8)]
		}
		return string(b)
	}
	for round := range 200 {
		var x index
		var forms []string
		for range 1 + rnd.IntN(30) {
			f := word(minSecret + rnd.IntN(6))
			x.add(f)
			if !slices.Contains(forms, f) {
				forms = append(forms, f)
			}
		}
		slices.SortFunc(forms, longestFirst)
		var pairs []string
		for _, f := range forms {
			pairs = append(pairs, f, Mask)
		}
		rep := strings.NewReplacer(pairs...)
		for range 20 {
			s := word(rnd.IntN(80))
			if got, want := x.replace(s), rep.Replace(s); got != want {
				t.Fatalf("round %d: replace(%q)\n got %q\nwant %q (forms %q)", round, s, got, want, forms)
			}
		}
	}
}

// BenchmarkRedactorRun is a run's pattern: secrets added while evidence
// is masked.
func BenchmarkRedactorRun(b *testing.B) {
	page := strings.Repeat("<p>Sign in to continue: a page of ordinary words and markup.</p>\n", 60)
	for b.Loop() {
		r := New("password-of-the-owner")
		for i := range 1000 {
			r.Add("token-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "-" + string(rune('A'+i/26%26)) + "-secret")
			r.String(page)
		}
	}
}

// TestSecretNameParts: every name SecretParam accepts holds one of the
// parts the member pattern's prefilter looks for.
func TestSecretNameParts(t *testing.T) {
	for _, name := range []string{"access_token", "id_token", "refresh_token", "code", "password", "passwd", "pw",
		"client_secret", "assertion", "client_assertion", "session_state", "registration_access_token", "Access_Token"} {
		if !SecretParam(name) {
			t.Errorf("%s: not a secret parameter (update this list)", name)
		}
		if !mayNameSecret(`{"` + name + `": "x"}`) {
			t.Errorf("%s: no part of it is in secretNameParts", name)
		}
	}
	if mayNameSecret(`{"client_id": "spa", "scope": "openid"}`) {
		t.Error("a text without a secret name passes the prefilter")
	}
}
