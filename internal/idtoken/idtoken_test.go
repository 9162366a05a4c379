package idtoken

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// sign makes a compact JWS of claims with key under alg and kid.
func sign(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func jwksOf(t *testing.T, keys ...jose.JSONWebKey) []byte {
	t.Helper()
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerify(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	claims := map[string]any{"iss": "https://op.example", "sub": "alice", "aud": "spa"}
	ecJWK := jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}
	rsaJWK := jose.JSONWebKey{Key: &rk.PublicKey, KeyID: "r1", Algorithm: "RS256", Use: "sig"}
	otherJWK := jose.JSONWebKey{Key: &other.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}
	good := sign(t, jose.ES256, ec, "k1", claims)
	parts := strings.Split(good, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sig[10] ^= 1
	corrupted := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."

	cases := []struct {
		name  string
		token string
		jwks  []byte
		want  string // "" = verifies; else a substring of the error
	}{
		{"ES256 with kid", good, jwksOf(t, rsaJWK, ecJWK), ""},
		{"RS256", sign(t, jose.RS256, rk, "r1", claims), jwksOf(t, ecJWK, rsaJWK), ""},
		{"no kid, several keys", sign(t, jose.ES256, ec, "", claims), jwksOf(t, rsaJWK, ecJWK), ""},
		{"corrupted signature", corrupted, jwksOf(t, ecJWK), "does not verify"},
		{"another key under the same kid", good, jwksOf(t, otherJWK), "does not verify"},
		// An unknown kid is KidKnown's finding; the signature is tried with every key.
		{"kid unknown, signed with a published key", good, jwksOf(t, rsaJWK, jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "k0", Algorithm: "ES256", Use: "sig"}), ""},
		{"kid unknown, no key verifies", good, jwksOf(t, rsaJWK), "does not verify with any of the 1 signing keys"},
		{"alg none", none, jwksOf(t, ecJWK), `not signed (alg="none")`},
		{"HS256", sign(t, jose.HS256, []byte("0123456789abcdef0123456789abcdef"), "", claims), jwksOf(t, ecJWK), "shared secret"},
		{"JWKS not JSON", good, []byte("<html>"), "not a JSON Web Key Set"},
		{"JWKS without keys", good, []byte(`{"key":[]}`), "not a JSON Web Key Set"},
		{"unknown key type skipped", good, []byte(`{"keys":[{"kty":"XYZ","kid":"k1"},` + string(jwksOf(t, ecJWK))[len(`{"keys":[`):]), ""},
		{"encryption key only", good, jwksOf(t, jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "k1", Use: "enc"}), "does not verify"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := Parse(c.token)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = tok.Verify(c.jwks)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("Verify: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("Verify: %v, want an error with %q", err, c.want)
			}
		})
	}
}

func TestKidKnown(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	set := jwksOf(t, jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"})
	cases := []struct {
		name, kid string
		jwks      []byte
		want      bool
		wantErr   bool
	}{
		{"listed", "k1", set, true, false},
		{"not listed", "k2", set, false, false},
		{"no kid names no key", "", set, true, false},
		{"not a key set", "k1", []byte(`{}`), false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := Parse(sign(t, jose.ES256, ec, c.kid, map[string]any{"sub": "alice"}))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tok.KidKnown(c.jwks)
			if got != c.want || (err != nil) != c.wantErr {
				t.Errorf("KidKnown = %v, %v; want %v, error %v", got, err, c.want, c.wantErr)
			}
		})
	}
}

func TestParse(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	hdr := enc(`{"alg":"ES256","kid":"k"}`)
	cases := []struct {
		name, raw, want string
	}{
		{"two parts", hdr + "." + enc(`{}`), "3"},
		{"JWE", "a.b.c.d.e", "encrypted"},
		{"header not base64url", "%%." + enc(`{}`) + ".x", "header is not base64url"},
		{"payload not an object", hdr + "." + enc(`[1]`) + ".x", "not a JSON object"},
		{"exp a string", hdr + "." + enc(`{"exp":"1700000000"}`) + ".x", "exp is not a number"},
		{"aud a number", hdr + "." + enc(`{"aud":5}`) + ".x", "aud is neither"},
		{"nonce a number", hdr + "." + enc(`{"nonce":5}`) + ".x", "nonce is not a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Parse(c.raw); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse: %v, want an error with %q", err, c.want)
			}
		})
	}
	tok, err := Parse(hdr + "." + enc(`{"aud":["a","b"],"azp":"a","nonce":"","exp":1.5e9,"iat":1500000000,"auth_time":1499999990}`) + ".x")
	if err != nil {
		t.Fatal(err)
	}
	c := tok.Claims
	if len(c.Aud) != 2 || c.Azp != "a" || c.Nonce == nil || *c.Nonce != "" || c.AtHash != nil || *c.Exp != 1.5e9 || tok.Header.Kid != "k" || c.Has["iss"] ||
		c.AuthTime == nil || *c.AuthTime != 1499999990 {
		t.Errorf("claims %+v header %+v", c, tok.Header)
	}
}

func TestAtHash(t *testing.T) {
	// OpenID Connect Core 1.0 Appendix A.4 (response_type=id_token token).
	got, err := AtHash("RS256", "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y")
	if err != nil || got != "77QmUPtjPfzWtF2AnpK9RQ" {
		t.Errorf("AtHash = %q, %v; want the specification's 77QmUPtjPfzWtF2AnpK9RQ", got, err)
	}
	for alg, n := range map[string]int{"ES256": 22, "PS384": 32, "RS512": 43, "EdDSA": 43} {
		if got, err := AtHash(alg, "x"); err != nil || len(got) != n {
			t.Errorf("AtHash(%s) = %q, %v: want %d characters", alg, got, err, n)
		}
	}
	for _, alg := range []string{"none", "", "XX256", "ES999"} {
		if _, err := AtHash(alg, "x"); err == nil {
			t.Errorf("AtHash(%q) succeeded", alg)
		}
	}
}

func TestClaimProblems(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	f := func(v float64) *float64 { return &v }
	valid := func() Claims {
		return Claims{Iss: "https://op.example", Sub: "alice", Aud: []string{"spa"},
			Exp: f(1_800_000_600), Iat: f(1_800_000_000), Has: map[string]bool{"iss": true}}
	}
	cases := []struct {
		name   string
		change func(*Claims)
		want   string // "" = no problem
	}{
		{"valid", func(*Claims) {}, ""},
		{"several audiences with azp", func(c *Claims) { c.Aud = []string{"api", "spa"}; c.Azp = "spa" }, ""},
		{"clock a minute behind", func(c *Claims) { c.Iat = f(1_800_000_060) }, ""},
		{"iss missing", func(c *Claims) { c.Iss = ""; delete(c.Has, "iss") }, "iss is missing"},
		{"iss other", func(c *Claims) { c.Iss = "https://op.example/" }, `iss is "https://op.example/"`},
		{"sub missing", func(c *Claims) { c.Sub = "" }, "sub is missing"},
		{"aud other", func(c *Claims) { c.Aud = []string{"other"} }, `does not contain the client_id "spa"`},
		{"several audiences without azp", func(c *Claims) { c.Aud = []string{"api", "spa"} }, "azp is missing"},
		{"azp other", func(c *Claims) { c.Azp = "other" }, `azp is "other"`},
		{"exp missing", func(c *Claims) { c.Exp = nil }, "exp is missing"},
		{"expired", func(c *Claims) { c.Exp = f(1_799_996_400) }, "is in the past"},
		{"iat missing", func(c *Claims) { c.Iat = nil }, "iat is missing"},
		{"iat in the future", func(c *Claims) { c.Iat = f(1_800_003_600) }, "is in the future"},
		{"iat a day old", func(c *Claims) { c.Iat = f(1_799_913_600) }, "before the token was received"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := valid()
			c.change(&cl)
			got := strings.Join(ClaimProblems(cl, "https://op.example", "spa", now), "; ")
			switch {
			case c.want == "" && got != "":
				t.Errorf("problems %q, want none", got)
			case c.want != "" && !strings.Contains(got, c.want):
				t.Errorf("problems %q, want one with %q", got, c.want)
			}
		})
	}
}

func TestIssuedAhead(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		name string
		iat  *float64
		want string // "" = not ahead
	}{
		{"now", f(1_800_000_000), ""},
		{"within the skew", f(1_800_000_299), ""},
		{"an hour ahead", f(1_800_003_600), "is in the future"},
		{"missing", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := IssuedAhead(Claims{Iat: c.iat}, now, 5*time.Minute)
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Errorf("IssuedAhead = %q, want %q", got, c.want)
			}
		})
	}
}
