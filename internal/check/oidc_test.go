package check

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/implicitspec/implicitspec/internal/idtoken"
)

// unsignedJWT is a token whose claims the checks read; signatures are
// judged by IDTokenSignature (tested in internal/idtoken).
func unsignedJWT(alg, claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"`+alg+`"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

func mustToken(t *testing.T, raw string) *idtoken.Token {
	t.Helper()
	tok, err := idtoken.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestOIDCEndingChecks(t *testing.T) {
	idt := unsignedJWT("ES256", `{"nonce":"n"}`)
	codes := []string{"login_required", "interaction_required"}
	long := strings.Repeat("s", 128)
	tests := []struct {
		name    string
		check   func(*Ending) error
		ending  *Ending
		wantErr string // "" = pass
	}{
		{"id token: present", func(e *Ending) error { _, err := IDToken("OIDC-02", e); return err }, redirect(cb + "#id_token=" + idt), ""},
		{"id token: missing", func(e *Ending) error { _, err := IDToken("OIDC-02", e); return err }, redirect(cb + "#access_token=t"), "no id_token in the response (got access_token)"},
		{"id token: in query", func(e *Ending) error { _, err := IDToken("OIDC-02", e); return err }, redirect(cb + "?id_token=" + idt), "id_token is in the query, not the fragment"},
		{"id token: not a JWT", func(e *Ending) error { _, err := IDToken("OIDC-02", e); return err }, redirect(cb + "#id_token=abc"), "not a JWS compact serialization"},
		{"id token: error", func(e *Ending) error { _, err := IDToken("OIDC-02", e); return err }, redirect(cb + "#error=invalid_request"), `got error="invalid_request"`},

		{"no id token: error redirect", func(e *Ending) error { return NoIDToken("OIDC-07", e) }, redirect(cb + "#error=invalid_scope&state=s"), ""},
		{"no id token: error page", func(e *Ending) error { return NoIDToken("OIDC-07", e) }, errorPage, ""},
		{"no id token: issued", func(e *Ending) error { return NoIDToken("OIDC-07", e) }, redirect(cb + "#id_token=" + idt), "an id_token was issued in the fragment"},

		{"fresh login: login shown", func(e *Ending) error { return FreshLogin("OIDC-10", e, "prompt=login", true) }, redirect(cb + "#id_token=" + idt), ""},
		{"fresh login: login_required", func(e *Ending) error { return FreshLogin("OIDC-11", e, "max_age=0", false) }, redirect(cb + "#error=login_required&state=s"), ""},
		{"fresh login: interaction_required", func(e *Ending) error { return FreshLogin("OIDC-11", e, "max_age=0", false) }, redirect(cb + "#error=interaction_required"), ""},
		{"fresh login: tokens without login", func(e *Ending) error { return FreshLogin("OIDC-10", e, "prompt=login", false) },
			redirect(cb + "#access_token=t&id_token=" + idt), "OpenID Connect Core §3.1.2.1 (prompt=login) (OIDC-10): prompt=login from a signed-in browser: expected a fresh sign-in or error=login_required, but access_token was issued in the fragment without asking"},
		{"fresh login: other error", func(e *Ending) error { return FreshLogin("OIDC-11", e, "max_age=1", false) }, redirect(cb + "#error=invalid_request"), "got error=invalid_request"},
		{"fresh login: error page", func(e *Ending) error { return FreshLogin("OIDC-11", e, "max_age=1", false) }, errorPage, "without a login page"},

		{"id token only: ok", func(e *Ending) error { return IDTokenOnly("OIDC-05", e) }, redirect(cb + "#id_token=" + idt), ""},
		{"id token only: access token", func(e *Ending) error { return IDTokenOnly("OIDC-05", e) }, redirect(cb + "#id_token=" + idt + "&access_token=t"), "answered with access_token in the fragment"},
		{"id token only: code", func(e *Ending) error { return IDTokenOnly("OIDC-05", e) }, redirect(cb + "#id_token=" + idt + "&code=c"), "answered with code"},

		{"query: refused", func(e *Ending) error { return OIDCNothingInQuery("OIDC-08", e) }, redirect(cb + "#error=invalid_request"), ""},
		{"query: mode ignored", func(e *Ending) error { return OIDCNothingInQuery("OIDC-08", e) }, redirect(cb + "#id_token=" + idt), ""},
		{"query: error in query", func(e *Ending) error { return OIDCNothingInQuery("OIDC-08", e) }, redirect(cb + "?error=invalid_request"), ""},
		{"query: error page", func(e *Ending) error { return OIDCNothingInQuery("OIDC-08", e) }, errorPage, ""},
		{"query: tokens", func(e *Ending) error { return OIDCNothingInQuery("OIDC-08", e) }, redirect(cb + "?access_token=t&id_token=" + idt), "access_token and id_token put in the query"},

		{"prompt none: login_required", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, long, false) }, redirect(cb + "#error=login_required&state=" + long), ""},
		{"prompt none: form post", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, "s", false) }, formPost(cb, "error=interaction_required&state=s"), ""},
		{"prompt none: login shown", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, "s", true) }, redirect(cb + "#id_token=" + idt + "&state=s"), "showed a login page"},
		{"prompt none: error page", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, "s", false) }, errorPage, "expected an error sent to the client"},
		{"prompt none: tokens", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, "s", false) }, redirect(cb + "#id_token=" + idt + "&state=s"), "answered with id_token"},
		{"prompt none: other code", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, "s", false) }, redirect(cb + "#error=access_denied&state=s"), "expected error login_required or interaction_required, got error=access_denied"},
		{"prompt none: in query", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, "s", false) }, redirect(cb + "?error=login_required&state=s"), "error=login_required is in the query"},
		{"prompt none: state missing", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, long, false) }, redirect(cb + "#error=login_required"), "sent 128 characters, got no state"},
		{"prompt none: state truncated", func(e *Ending) error { return PromptNoneError("OIDC-09", e, codes, long, false) }, redirect(cb + "#error=login_required&state=" + long[:100]), "state not echoed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.ending)
			if f, ok := err.(*Finding); ok && f.Warning != (f.ID == "OIDC-07") {
				t.Errorf("warning grade %v for %s: only OIDC-07's unspecified case is a warning", f.Warning, f.ID)
			}
			wantFinding(t, err, tt.wantErr)
			if err != nil && strings.Contains(err.Error(), idt) {
				t.Errorf("the message quotes the ID token: %v", err)
			}
		})
	}
}

func TestOIDCTokenChecks(t *testing.T) {
	// OpenID Connect Core 1.0 Appendix A.4: this access token's at_hash under RS256.
	const at = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
	withHash := mustToken(t, unsignedJWT("RS256", `{"nonce":"n-0S6_WzA2Mj","at_hash":"77QmUPtjPfzWtF2AnpK9RQ"}`))
	wrongHash := mustToken(t, unsignedJWT("ES256", `{"at_hash":"AAAAAAAAAAAAAAAAAAAAAA"}`))
	none := mustToken(t, unsignedJWT("none", `{"at_hash":"77QmUPtjPfzWtF2AnpK9RQ"}`))
	bare := mustToken(t, unsignedJWT("RS256", `{"iss":"https://op.example","sub":"alice","aud":"spa","exp":1800000600,"iat":1800000000}`))
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name    string
		err     error
		wantErr string
	}{
		{"nonce: equal", Nonce("OIDC-02", withHash, "n-0S6_WzA2Mj"), ""},
		{"nonce: other", Nonce("OIDC-02", withHash, "other"), `sent "other", got "n-0S6_WzA2Mj"`},
		{"nonce: absent", Nonce("OIDC-02", bare, "n"), "no nonce claim"},
		{"at_hash: specification example", AtHash("OIDC-03", withHash, at), ""},
		{"at_hash: absent", AtHash("OIDC-03", bare, at), "has no at_hash claim"},
		{"at_hash: wrong", AtHash("OIDC-03", wrongHash, at), "left half of the SHA-256 hash for alg=ES256"},
		{"at_hash: alg none", AtHash("OIDC-03", none, at), `no hash is defined for alg="none"`},
		{"at_hash: no access token", AtHash("OIDC-03", withHash, ""), "no access token came with the ID token"},
		{"no at_hash: ok", NoAtHash("OIDC-03", bare), ""},
		{"no at_hash: present", NoAtHash("OIDC-03", withHash), `carries at_hash="77QmUPtjPfzWtF2AnpK9RQ"`},
		{"claims: valid", IDTokenClaims("OIDC-04", bare, "https://op.example", "spa", now), ""},
		{"claims: other client", IDTokenClaims("OIDC-04", bare, "https://op.example", "web", now), `OpenID Connect Core §2, §3.1.3.7 (OIDC-04): invalid ID token claims: aud ["spa"] does not contain the client_id "web"`},
		{"signature: alg none", IDTokenSignature("OIDC-04", none, []byte(`{"keys":[]}`)), "not signed"},
		{"signed for client: RS256", IDTokenSignedForClient("OIDC-04", bare), ""},
		{"signed for client: alg none", IDTokenSignedForClient("OIDC-04", none), `OpenID Connect Core §2, §3.1.3.7 (OIDC-04): the ID token is not signed (alg="none")`},
		{"signed for client: HS256", IDTokenSignedForClient("OIDC-04", mustToken(t, unsignedJWT("HS256", `{}`))), "shared secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch {
			case tt.wantErr == "" && tt.err != nil:
				t.Errorf("unexpected failure: %v", tt.err)
			case tt.wantErr != "" && tt.err == nil:
				t.Errorf("passed, want failure containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(tt.err.Error(), tt.wantErr):
				t.Errorf("got %q, want it to contain %q", tt.err, tt.wantErr)
			}
			if tt.err != nil && strings.Contains(tt.err.Error(), at) {
				t.Errorf("the message quotes the access token: %v", tt.err)
			}
		})
	}
}

func TestOIDCSessionAndKeyChecks(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	f := func(v float64) *float64 { return &v }
	tok := func(claims string) *idtoken.Token { return mustToken(t, unsignedJWT("ES256", claims)) }
	withKid := func(kid string) *idtoken.Token {
		enc := base64.RawURLEncoding.EncodeToString
		return mustToken(t, enc([]byte(`{"alg":"ES256","kid":"`+kid+`"}`))+"."+enc([]byte(`{"sub":"alice"}`))+".c2ln")
	}
	jwks := []byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`)
	tests := []struct {
		name    string
		err     error
		wantErr string
	}{
		{"auth_time: at the sign-in", AuthTime("OIDC-11", tok(`{"iat":1800000000,"auth_time":1799999998}`), now, f(1_799_999_990)), ""},
		{"auth_time: no fresh sign-in", AuthTime("OIDC-11", tok(`{"iat":1800000000,"auth_time":1799990000}`), now, nil), ""},
		{"auth_time: missing", AuthTime("OIDC-11", tok(`{"iat":1800000000}`), now, nil),
			"OpenID Connect Core §3.1.2.1 (max_age), §2 (auth_time) (OIDC-11): max_age was sent, but the ID token carries no auth_time claim"},
		{"auth_time: a string", AuthTime("OIDC-11", &idtoken.Token{Claims: idtoken.Claims{Has: map[string]bool{"auth_time": true}}}, now, nil), "not a number"},
		{"auth_time: after iat", AuthTime("OIDC-11", tok(`{"iat":1800000000,"auth_time":1800000060}`), now, nil), "later than the ID token's iat"},
		{"auth_time: in the future", AuthTime("OIDC-11", tok(`{"auth_time":1800003600}`), now, nil), "in the future of the harness clock"},
		{"auth_time: the earlier sign-in", AuthTime("OIDC-11", tok(`{"iat":1800000000,"auth_time":1799999990}`), now, f(1_799_999_990)),
			"reports a sign-in made before the browser's earlier ID token was issued (iat 2027-01-15T07:59:50Z)"},
		{"auth_time: the earlier iat in the future", AuthTime("OIDC-11", tok(`{"iat":1800000000,"auth_time":1799999990}`), now, f(1_800_003_600)), ""},
		{"same sub", SameSub("OIDC-12", tok(`{"sub":"alice"}`), tok(`{"sub":"alice"}`)), ""},
		{"other sub", SameSub("OIDC-12", tok(`{"sub":"alice.1"}`), tok(`{"sub":"alice.2"}`)), `got "alice.1" and "alice.2"`},
		{"userinfo sub: same", UserinfoSub("OIDC-12", tok(`{"sub":"alice"}`), "alice", true), ""},
		{"userinfo sub: other", UserinfoSub("OIDC-12", tok(`{"sub":"alice"}`), "x7", true), `expected "alice", got "x7"`},
		{"userinfo sub: none", UserinfoSub("OIDC-12", tok(`{"sub":"alice"}`), "", false), "carries no sub"},
		{"kid: listed", IDTokenKid("OIDC-13", withKid("k1"), jwks, false), ""},
		{"kid: absent from the header", IDTokenKid("OIDC-13", tok(`{}`), jwks, false), ""},
		{"kid: unknown after a refetch", IDTokenKid("OIDC-13", withKid("k2"), jwks, true),
			`OpenID Connect Core §3.1.3.7, §10.1 (OIDC-13): the ID token's kid "k2" names no key of the JWKS at jwks_uri, also when fetched again`},
		{"kid: not a key set", IDTokenKid("OIDC-13", withKid("k1"), []byte(`<html>`), false), "cannot be looked up"},
		{"iat: now", IatNotAhead("OIDC-13", tok(`{"iat":1800000000}`), now, 5*time.Minute), ""},
		{"iat: 4 minutes ahead", IatNotAhead("OIDC-13", tok(`{"iat":1800000240}`), now, 5*time.Minute), ""},
		{"iat: an hour ahead", IatNotAhead("OIDC-13", tok(`{"iat":1800003600}`), now, 5*time.Minute), "expected iat at most 5m0s ahead of the harness clock, but iat 2027-01-15T09:00:00Z is in the future"},
		{"iat: missing", IatNotAhead("OIDC-13", tok(`{}`), now, 5*time.Minute), "no iat claim"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFinding(t, tt.err, tt.wantErr) })
	}
}
