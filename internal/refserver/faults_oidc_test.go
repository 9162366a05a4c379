package refserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/implicitspec/implicitspec/internal/idtoken"
)

const testNonce = "n-0S6_WzA2Mj"

// oidcQuery is an OpenID Connect implicit request of client spa for
// response type rt; pairs are added after (or, with a name already used,
// the caller builds its own query).
func oidcQuery(rt string, pairs ...string) string {
	base := []string{"response_type", rt, "client_id", "spa", "redirect_uri", r1, "scope", "openid read", "state", "xyz", "nonce", testNonce}
	return query(append(base, pairs...)...)
}

// oidcWithout is oidcQuery(rt) without the parameter name.
func oidcWithout(rt, name string) string {
	q, _ := url.ParseQuery(oidcQuery(rt))
	var pairs []string
	for _, n := range []string{"response_type", "client_id", "redirect_uri", "scope", "state", "nonce"} {
		if n != name {
			pairs = append(pairs, n, q.Get(n))
		}
	}
	return query(pairs...)
}

// idTokenOf returns the decoded ID token of a success redirect to r1.
func idTokenOf(t *testing.T, resp response) (*idtoken.Token, url.Values) {
	t.Helper()
	if resp.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", resp.status, resp.body)
	}
	base, frag, hasFrag := splitLocation(t, resp.location)
	if base != r1 || !hasFrag || frag.Get("id_token") == "" {
		t.Fatalf("Location %q: want %s#...id_token=...", resp.location, r1)
	}
	tok, err := idtoken.Parse(frag.Get("id_token"))
	if err != nil {
		t.Fatalf("id_token: %v", err)
	}
	return tok, frag
}

func jwksOf(t *testing.T, srv *Server) []byte {
	t.Helper()
	r := newBrowser(t, srv).get("/jwks")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /jwks: %d %s", r.status, r.body)
	}
	return []byte(r.body)
}

// wantConformantIDToken checks everything OIDC-02 … OIDC-05 judge.
func wantConformantIDToken(t *testing.T, srv *Server, resp response, rt string) {
	t.Helper()
	tok, frag := idTokenOf(t, resp)
	if err := tok.Verify(jwksOf(t, srv)); err != nil {
		t.Errorf("signature: %v", err)
	}
	if tok.Header.Alg != "ES256" || tok.Header.Kid == "" {
		t.Errorf("header %+v", tok.Header)
	}
	if p := idtoken.ClaimProblems(tok.Claims, srv.Issuer(), "spa", time.Now()); len(p) > 0 {
		t.Errorf("claims: %s", strings.Join(p, "; "))
	}
	if tok.Claims.Nonce == nil || *tok.Claims.Nonce != testNonce {
		t.Errorf("nonce %v, want %q", tok.Claims.Nonce, testNonce)
	}
	if frag.Get("state") != "xyz" {
		t.Errorf("state %q", frag.Get("state"))
	}
	switch rt {
	case "id_token token":
		at := frag.Get("access_token")
		want, _ := idtoken.AtHash("ES256", at)
		if at == "" || tok.Claims.AtHash == nil || *tok.Claims.AtHash != want {
			t.Errorf("at_hash %v, want %q for access token %q", tok.Claims.AtHash, want, at)
		}
		if ui := userinfo(t, srv, at); ui.status != http.StatusOK {
			t.Errorf("userinfo: %d", ui.status)
		}
	case "id_token":
		if frag.Has("access_token") || frag.Has("code") || tok.Claims.AtHash != nil {
			t.Errorf("id_token alone: fragment %v, at_hash %v", frag, tok.Claims.AtHash)
		}
	}
}

// oidcFaultProbes are the TestFaults cases of the OIDC faults. None of them
// touches the plain token flow.
func oidcFaultProbes() map[Fault]func(t *testing.T, srv *Server) {
	claimsBroken := func(want string) func(t *testing.T, srv *Server) {
		return func(t *testing.T, srv *Server) {
			tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			p := strings.Join(idtoken.ClaimProblems(tok.Claims, srv.Issuer(), "spa", time.Now()), "; ")
			if !strings.Contains(p, want) {
				t.Errorf("claim problems %q, want one about %s", p, want)
			}
			if err := tok.Verify(jwksOf(t, srv)); err != nil {
				t.Errorf("signature: %v", err)
			}
		}
	}
	return map[Fault]func(t *testing.T, srv *Server){
		FaultOIDCNonceNotRequired: func(t *testing.T, srv *Server) {
			tok, _ := idTokenOf(t, flow(t, srv, oidcWithout("id_token token", "nonce"), "allow"))
			if tok.Claims.Nonce != nil {
				t.Errorf("nonce %q invented", *tok.Claims.Nonce)
			}
		},
		FaultOIDCNonceNotEchoed: func(t *testing.T, srv *Server) {
			tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			if tok.Claims.Nonce != nil {
				t.Errorf("nonce %q present", *tok.Claims.Nonce)
			}
		},
		FaultOIDCAtHashMissing: func(t *testing.T, srv *Server) {
			tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token token"), "allow"))
			if tok.Claims.AtHash != nil {
				t.Errorf("at_hash %q present", *tok.Claims.AtHash)
			}
			wantConformantIDToken(t, srv, flow(t, srv, oidcQuery("id_token"), "allow"), "id_token")
		},
		FaultOIDCAtHashWrongHash: func(t *testing.T, srv *Server) {
			tok, frag := idTokenOf(t, flow(t, srv, oidcQuery("id_token token"), "allow"))
			want, _ := idtoken.AtHash("ES512", frag.Get("access_token")) // the SHA-512 left half
			if tok.Claims.AtHash == nil || *tok.Claims.AtHash != want {
				t.Errorf("at_hash %v, want the SHA-512 one %q", tok.Claims.AtHash, want)
			}
		},
		FaultOIDCAtHashWithoutAccessToken: func(t *testing.T, srv *Server) {
			tok, frag := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			if tok.Claims.AtHash == nil || frag.Has("access_token") {
				t.Errorf("want an at_hash and no access token: %v %v", tok.Claims.AtHash, frag)
			}
			wantConformantIDToken(t, srv, flow(t, srv, oidcQuery("id_token token"), "allow"), "id_token token")
		},
		FaultOIDCUnsignedIDToken: func(t *testing.T, srv *Server) {
			tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			if tok.Header.Alg != "none" || !strings.HasSuffix(tok.Raw, ".") {
				t.Errorf("header %+v, token %q: want alg=none, empty signature", tok.Header, tok.Raw)
			}
		},
		FaultOIDCBadSignature: func(t *testing.T, srv *Server) {
			tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			if err := tok.Verify(jwksOf(t, srv)); err == nil {
				t.Error("signature verifies")
			}
			if p := idtoken.ClaimProblems(tok.Claims, srv.Issuer(), "spa", time.Now()); len(p) > 0 {
				t.Errorf("claims: %v", p)
			}
		},
		FaultOIDCWrongIssuer:   claimsBroken("iss"),
		FaultOIDCWrongAudience: claimsBroken("aud"),
		FaultOIDCExpired:       claimsBroken("exp"),
		FaultOIDCAccessTokenForIDToken: func(t *testing.T, srv *Server) {
			tok, frag := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			if frag.Get("access_token") == "" || tok.Claims.AtHash != nil {
				t.Errorf("want an access token and no at_hash: %v %v", frag, tok.Claims.AtHash)
			}
		},
		FaultOIDCRedirectURIOptional: func(t *testing.T, srv *Server) {
			wantConformantIDToken(t, srv, flow(t, srv, oidcWithout("id_token", "redirect_uri"), "allow"), "id_token")
		},
		FaultOIDCHTTPRedirectURI: func(t *testing.T, srv *Server) {
			q := strings.Replace(oidcQuery("id_token"), url.QueryEscape(r1), url.QueryEscape("http://client.example.com/cb"), 1)
			r := flow(t, srv, q, "allow")
			if !strings.HasPrefix(r.location, "http://client.example.com/cb#") || !strings.Contains(r.location, "id_token=") {
				t.Errorf("Location %q: want an ID token at the http URI", r.location)
			}
			// Plain token requests still compare exactly.
			wantErrorPage(t, newBrowser(t, srv).authorize(strings.Replace(baseline("xyz"), url.QueryEscape(r1), url.QueryEscape("http://client.example.com/cb"), 1)))
		},
		FaultOIDCWithoutOpenIDScope: func(t *testing.T, srv *Server) {
			q := strings.Replace(oidcQuery("id_token"), "scope=openid+read", "scope=read", 1)
			idTokenOf(t, flow(t, srv, q, "allow"))
		},
		FaultOIDCResponseModeQuery: func(t *testing.T, srv *Server) {
			r := flow(t, srv, oidcQuery("id_token token", "response_mode", "query"), "allow")
			if !strings.HasPrefix(r.location, r1+"?access_token=") || !strings.Contains(r.location, "&id_token=") || strings.Contains(r.location, "#") {
				t.Errorf("Location %q: want the tokens in the query", r.location)
			}
			// Plain token requests still refuse the query mode.
			wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline("xyz")+"&response_mode=query"), "invalid_request", "xyz")
		},
		FaultOIDCPromptLoginIgnored: func(t *testing.T, srv *Server) {
			wantConsentNext(t, signedIn(t, srv).authorize(oidcQuery("id_token", "prompt", "login")))
			// Plain token requests still ask for the sign-in.
			wantLoginNext(t, signedIn(t, srv).authorize(baseline("xyz")+"&prompt=login"))
		},
		FaultOIDCMaxAgeIgnored: func(t *testing.T, srv *Server) {
			wantConsentNext(t, signedIn(t, srv).authorize(oidcQuery("id_token", "max_age", "0")))
			tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token", "max_age", "600"), "allow"))
			if tok.Claims.AuthTime == nil {
				t.Error("auth_time missing: the fault ignores only the session's age")
			}
		},
		FaultOIDCAuthTimeMissing: func(t *testing.T, srv *Server) {
			tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token", "max_age", "600"), "allow"))
			if tok.Claims.AuthTime != nil {
				t.Errorf("auth_time %v present", *tok.Claims.AuthTime)
			}
			wantLoginNext(t, signedIn(t, srv).authorize(oidcQuery("id_token", "max_age", "0")))
		},
		FaultOIDCAuthTimeFirstLogin: func(t *testing.T, srv *Server) {
			first, fresh := reauthenticated(t, srv)
			if fresh.Claims.AuthTime == nil || *fresh.Claims.AuthTime > *first.Claims.Iat {
				t.Errorf("auth_time %v, want the first sign-in's, at or before iat %v", fresh.Claims.AuthTime, *first.Claims.Iat)
			}
		},
		FaultOIDCSubPerLogin: func(t *testing.T, srv *Server) {
			one, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			two, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			if one.Claims.Sub == two.Claims.Sub || !strings.HasPrefix(one.Claims.Sub, "alice.") {
				t.Errorf("subs %q and %q: want two per-session ones", one.Claims.Sub, two.Claims.Sub)
			}
		},
		FaultOIDCUserinfoSubDiffers: func(t *testing.T, srv *Server) {
			tok, frag := idTokenOf(t, flow(t, srv, oidcQuery("id_token token"), "allow"))
			if ui := userinfo(t, srv, frag.Get("access_token")); tok.Claims.Sub == "alice" || !strings.Contains(ui.body, `"sub":"alice"`) {
				t.Errorf("ID token sub %q, userinfo %s: want them to differ", tok.Claims.Sub, ui.body)
			}
			if tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow")); tok.Claims.Sub != "alice" {
				t.Errorf("id_token alone: sub %q", tok.Claims.Sub)
			}
		},
		FaultOIDCUnknownKid: func(t *testing.T, srv *Server) {
			tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow"))
			if known, err := tok.KidKnown(jwksOf(t, srv)); known || err != nil {
				t.Errorf("kid %q known (%v)", tok.Header.Kid, err)
			}
			if err := tok.Verify(jwksOf(t, srv)); err != nil {
				t.Errorf("signature: %v", err)
			}
		},
		FaultOIDCIatInFuture: claimsBroken("iat"),
		FaultOIDCPromptNoneShowsLogin: func(t *testing.T, srv *Server) {
			r := newBrowser(t, srv).authorize(oidcQuery("id_token", "prompt", "none"))
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login?") {
				t.Errorf("%d %q: want the login page", r.status, r.location)
			}
			// Plain token requests still get login_required.
			wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline("xyz")+"&prompt=none"), "login_required", "xyz")
		},
	}
}

// TestOIDCConformant: without faults, each OIDC fault's situation gets the
// conformant answer, and the discovery document and JWKS describe the keys.
func TestOIDCConformant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, rt := range []string{"id_token token", "token id_token", "id_token"} {
		want := rt
		if rt == "token id_token" {
			want = "id_token token"
		}
		wantConformantIDToken(t, srv, flow(t, srv, oidcQuery(rt), "allow"), want)
	}
	b := newBrowser(t, srv)
	for _, rt := range []string{"id_token token", "id_token"} {
		wantErrorRedirect(t, b.authorize(oidcWithout(rt, "nonce")), "invalid_request", "xyz")
		wantErrorRedirect(t, b.authorize(oidcQuery(rt, "response_mode", "query")), "invalid_request", "xyz")
		wantErrorRedirect(t, b.authorize(oidcQuery(rt, "prompt", "none")), "login_required", "xyz")
		wantErrorPage(t, b.authorize(oidcWithout(rt, "redirect_uri")))
		wantErrorPage(t, b.authorize(strings.Replace(oidcQuery(rt), url.QueryEscape(r1), url.QueryEscape("http://client.example.com/cb"), 1)))
		wantErrorRedirect(t, b.authorize(strings.Replace(oidcQuery(rt), "scope=openid+read", "scope=read", 1)), "invalid_scope", "xyz")
	}
	wantErrorRedirect(t, b.authorize(oidcQuery("id_token id_token")), "unsupported_response_type", "xyz")
	// A plain token request with the openid scope stays plain OAuth: no ID token.
	_, frag, _ := splitLocation(t, flow(t, srv, query("response_type", "token", "client_id", "spa", "scope", "openid", "nonce", testNonce), "allow").location)
	if frag.Has("id_token") || frag.Get("access_token") == "" {
		t.Errorf("plain token with openid: %v", frag)
	}

	var md map[string]any
	if r := b.get("/.well-known/openid-configuration"); r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &md) != nil {
		t.Fatalf("metadata: %d %s", r.status, r.body)
	}
	if md["jwks_uri"] != srv.Issuer()+"/jwks" {
		t.Errorf("jwks_uri %v", md["jwks_uri"])
	}
	var types []string
	for _, v := range md["response_types_supported"].([]any) {
		types = append(types, v.(string))
	}
	if !slices.Contains(types, "id_token token") || !slices.Contains(types, "id_token") || !slices.Contains(types, "token") {
		t.Errorf("response_types_supported %v", types)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(jwksOf(t, srv), &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks: %v %v", err, set)
	}
	if k := set.Keys[0]; k["kty"] != "EC" || k["crv"] != "P-256" || k["alg"] != "ES256" || k["use"] != "sig" || k["d"] != "" {
		t.Errorf("jwk %v", k)
	}
}

// signedIn is a browser in which the resource owner has signed in (an
// OpenID Connect flow of spa, approved).
func signedIn(t *testing.T, srv *Server) *browser {
	t.Helper()
	b := newBrowser(t, srv)
	idTokenOf(t, b.decide(b.consentPage(b.login(b.authorize(oidcQuery("id_token")))), "allow"))
	return b
}

// wantLoginNext: the authorization response sends the browser to the login
// page; wantConsentNext: to the consent page, without a sign-in.
func wantLoginNext(t *testing.T, r response) {
	t.Helper()
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login?") {
		t.Errorf("%d %q: want the login page", r.status, r.location)
	}
}

func wantConsentNext(t *testing.T, r response) {
	t.Helper()
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/consent?") {
		t.Errorf("%d %q: want the consent page, no sign-in", r.status, r.location)
	}
}

// reauthenticated signs in, waits past a second, and signs in again for
// max_age=1: the first ID token and the fresh one.
func reauthenticated(t *testing.T, srv *Server) (first, fresh *idtoken.Token) {
	t.Helper()
	b := newBrowser(t, srv)
	first, _ = idTokenOf(t, b.decide(b.consentPage(b.login(b.authorize(oidcQuery("id_token")))), "allow"))
	time.Sleep(2 * time.Second)
	fresh, _ = idTokenOf(t, b.decide(b.consentPage(b.login(b.authorize(oidcQuery("id_token", "max_age", "1")))), "allow"))
	return first, fresh
}

// TestOIDCReauthentication: without faults, prompt=login and max_age ask a
// signed-in browser to sign in again, a young enough sign-in is kept, and
// auth_time reports the sign-in of the session that answered.
func TestOIDCReauthentication(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	wantLoginNext(t, signedIn(t, srv).authorize(oidcQuery("id_token", "prompt", "login")))
	wantLoginNext(t, signedIn(t, srv).authorize(oidcQuery("id_token", "max_age", "0")))
	wantConsentNext(t, signedIn(t, srv).authorize(oidcQuery("id_token", "max_age", "600")))
	// With the client approved already, prompt=none stops only at the age.
	remembered, err := Start(Options{Config: Config{Consent: ConsentNone}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = remembered.Close() })
	b := newBrowser(t, remembered)
	idTokenOf(t, b.get(b.login(b.authorize(oidcQuery("id_token"))).location)) // no consent page
	wantErrorRedirect(t, b.authorize(oidcQuery("id_token", "max_age", "0", "prompt", "none")), "login_required", "xyz")
	wantErrorRedirect(t, newBrowser(t, srv).authorize(oidcQuery("id_token", "max_age", "soon")), "invalid_request", "xyz")
	// A plain OAuth request's max_age means nothing.
	wantConsentNext(t, signedIn(t, srv).authorize(baseline("xyz")+"&max_age=0"))

	before := time.Now().Unix()
	tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token token", "max_age", "600"), "allow"))
	if at := tok.Claims.AuthTime; at == nil || int64(*at) < before || *at > *tok.Claims.Iat {
		t.Errorf("auth_time %v, want the sign-in (between %d and iat %v)", at, before, *tok.Claims.Iat)
	}
	if tok, _ := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow")); tok.Claims.AuthTime != nil || tok.Claims.Sub != "alice" {
		t.Errorf("without max_age: auth_time %v, sub %q", tok.Claims.AuthTime, tok.Claims.Sub)
	}
	first, fresh := reauthenticated(t, srv)
	if fresh.Claims.AuthTime == nil || *fresh.Claims.AuthTime <= *first.Claims.Iat {
		t.Errorf("auth_time %v, want the fresh sign-in, after the first token's iat %v", fresh.Claims.AuthTime, *first.Claims.Iat)
	}
	if first.Claims.Sub != fresh.Claims.Sub {
		t.Errorf("sub %q then %q", first.Claims.Sub, fresh.Claims.Sub)
	}
}
