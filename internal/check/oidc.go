package check

import (
	"slices"
	"strings"
	"time"

	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/idtoken"
)

// The OpenID Connect implicit judgements (catalogue rows OIDC-01 … OIDC-13).

// IDToken judges OIDC-02, OIDC-03 and OIDC-04: the flow ends at the client with
// a successful response carrying one ID token (OpenID Connect Core §3.2.2.5),
// which it decodes. The signature is not verified here (IDTokenSignature does).
func IDToken(id string, e *Ending) (*idtoken.Token, error) {
	if err := leftForClient(id, e); err != nil {
		return nil, err
	}
	raw, ok := e.Response().Get("id_token")
	switch {
	case !ok:
		if w := e.carriers("id_token"); len(w) > 0 {
			return nil, Fail(id, "id_token is in the %s, not the fragment (%s)", strings.Join(w, " and "), e.Describe())
		}
		return nil, Fail(id, "no id_token in the response (got %s)", names(e.Response()))
	case raw == "":
		return nil, Fail(id, "id_token is empty")
	case e.Response().Count("id_token") > 1:
		return nil, Fail(id, "id_token returned %d times", e.Response().Count("id_token"))
	}
	tok, err := idtoken.Parse(raw)
	if err != nil {
		return nil, Fail(id, "%v", err)
	}
	return tok, nil
}

// NoIDToken judges OIDC-07: no ID token is issued, anywhere, to a request
// without the openid scope. An ID token issued is a warning, not a failure:
// OpenID Connect Core §3.1.2.1 says that without openid "the behavior is
// entirely unspecified".
func NoIDToken(id string, e *Ending) error {
	if !e.Left {
		return nil
	}
	if w := e.carriers("id_token"); len(w) > 0 {
		return Warn(id, "without the openid scope the behaviour is unspecified, and an id_token was issued in the %s (%s): expected invalid_scope or invalid_request",
			strings.Join(w, " and "), e.Describe())
	}
	return nil
}

// Nonce judges OIDC-02: the ID token's nonce claim is the value the request
// sent (OpenID Connect Core §3.2.2.11).
func Nonce(id string, tok *idtoken.Token, sent string) error {
	switch n := tok.Claims.Nonce; {
	case n == nil:
		return Fail(id, "the ID token has no nonce claim: sent %q", sent)
	case *n != sent:
		return Fail(id, "the ID token's nonce is not the one sent: sent %q, got %q", sent, *n)
	}
	return nil
}

// AtHash judges OIDC-03: an ID token issued with an access token carries
// at_hash, the base64url left half of the hash of the access token under the
// hash of the token's alg (OpenID Connect Core §3.2.2.9–10). The access token
// itself is never quoted.
func AtHash(id string, tok *idtoken.Token, accessToken string) error {
	if accessToken == "" {
		return Fail(id, "no access token came with the ID token, so at_hash cannot be judged")
	}
	if tok.Claims.AtHash == nil {
		return Fail(id, "the ID token issued with an access token has no at_hash claim")
	}
	want, err := idtoken.AtHash(tok.Header.Alg, accessToken)
	if err != nil {
		return Fail(id, "at_hash cannot be checked: %v", err)
	}
	if got := *tok.Claims.AtHash; got != want {
		return Fail(id, "at_hash does not match the access token: expected %q (left half of the %s hash for alg=%s), got %q",
			want, hashName(tok.Header.Alg), tok.Header.Alg, got)
	}
	return nil
}

func hashName(alg string) string {
	h, ok := idtoken.HashFor(alg)
	if !ok {
		return "unknown"
	}
	return h.String()
}

// NoAtHash judges OIDC-03: an ID token issued without an access token carries
// no at_hash (OpenID Connect Core §3.2.2.10: "it MAY NOT be used when no Access
// Token is issued").
func NoAtHash(id string, tok *idtoken.Token) error {
	if tok.Claims.AtHash != nil {
		return Fail(id, "the ID token issued without an access token carries at_hash=%q", *tok.Claims.AtHash)
	}
	return nil
}

// IDTokenSignedForClient judges OIDC-04: the header claims a signature a public
// client can verify — never alg=none from the authorization endpoint, never a
// MAC (OpenID Connect Core §2, §3.2.2.11). Judged before any key is fetched.
func IDTokenSignedForClient(id string, tok *idtoken.Token) error {
	if err := tok.PublicKeySigned(); err != nil {
		return Fail(id, "%v", err)
	}
	return nil
}

// IDTokenSignature judges OIDC-04: the ID token is signed (never alg=none from
// the authorization endpoint) and verifies with a key of the server's JWKS
// (OpenID Connect Core §2, §3.2.2.11).
func IDTokenSignature(id string, tok *idtoken.Token, jwks []byte) error {
	if err := tok.Verify(jwks); err != nil {
		return Fail(id, "%v", err)
	}
	return nil
}

// IDTokenClaims judges OIDC-04: iss, sub, aud, azp, exp and iat of an ID token
// just received are valid (OpenID Connect Core §2, §3.1.3.7).
func IDTokenClaims(id string, tok *idtoken.Token, issuer, clientID string, now time.Time) error {
	if p := idtoken.ClaimProblems(tok.Claims, issuer, clientID, now); len(p) > 0 {
		return Fail(id, "invalid ID token claims: %s", strings.Join(p, "; "))
	}
	return nil
}

// IDTokenOnly judges OIDC-05: a response for response_type=id_token carries no
// access_token and no code (Multiple Response Type Encoding Practices §3).
func IDTokenOnly(id string, e *Ending) error {
	if !e.Left {
		return Fail(id, "expected a response sent to the client, but the flow %s", e.Describe())
	}
	for _, name := range []string{"access_token", "code"} {
		if w := e.carriers(name); len(w) > 0 {
			return Fail(id, "response_type=id_token was answered with %s in the %s", name, strings.Join(w, " and "))
		}
	}
	return nil
}

// OIDCNothingInQuery judges OIDC-08: no access_token, id_token or code is put
// in the query of the redirect URI, whatever response_mode asked for (Multiple
// Response Type Encoding Practices §5: for response types that return tokens
// "the query encoding MUST NOT be used"). An error, or success in the fragment,
// passes.
func OIDCNothingInQuery(id string, e *Ending) error {
	if !e.Left {
		return nil
	}
	var found []string
	for _, name := range tokenParams {
		if e.Query.Count(name) > 0 {
			found = append(found, name)
		}
	}
	if len(found) > 0 {
		return Fail(id, "%s put in the query of the redirect URI (%s)", strings.Join(found, " and "), e.Describe())
	}
	return nil
}

// PromptNoneError judges STATE-02 and OIDC-09: a prompt=none request without a
// session is answered with one of the codes, in the fragment of the redirect
// URI, with the state exactly (OpenID Connect Core §3.1.2.1, §3.1.2.6). A login
// page shown, or a token, fails. loginShown is whether the browser was shown a
// login page.
func PromptNoneError(id string, e *Ending, codes []string, sentState string, loginShown bool) error {
	if loginShown {
		return Fail(id, "prompt=none: the server showed a login page (%s)", e.Describe())
	}
	if !e.Left {
		return Fail(id, "prompt=none: expected an error sent to the client, but the flow %s", e.Describe())
	}
	for _, name := range tokenParams {
		if w := e.carriers(name); len(w) > 0 {
			return Fail(id, "prompt=none without a session was answered with %s in the %s", name, strings.Join(w, " and "))
		}
	}
	where, ps := "fragment", e.Fragment
	if e.Method == "POST" {
		where, ps = "form body", e.Form
	}
	got, ok := ps.Get("error")
	if !ok {
		if q, inQuery := e.Query.Get("error"); inQuery {
			return Fail(id, "error=%s is in the query, not the fragment", q)
		}
		return Fail(id, "expected an error in the %s, got %s (%s)", where, names(ps), e.Describe())
	}
	if !slices.Contains(codes, got) {
		return Fail(id, "expected error %s, got error=%s", strings.Join(codes, " or "), got)
	}
	return oidcStateIn(id, ps, sentState)
}

func oidcStateIn(id string, ps fragment.Params, sent string) error {
	got, ok := ps.Get("state")
	switch {
	case !ok:
		return Fail(id, "state not echoed on the error response: sent %d characters, got no state parameter", len(sent))
	case got != sent:
		return Fail(id, "state not echoed on the error response: sent %q, got %q", sent, got)
	}
	return nil
}

// reauthErrors are the answers OpenID Connect Core §3.1.2.1 names for a
// server that cannot re-authenticate the resource owner ("typically
// login_required"; interaction_required is the general code of §3.1.2.6).
var reauthErrors = []string{"login_required", "interaction_required"}

// FreshLogin judges OIDC-10 and OIDC-11: a request that asks for a fresh
// sign-in (prompt=login, or a max_age the session is older than) from a
// signed-in browser shows the login page again, or is answered
// login_required (OpenID Connect Core §3.1.2.1). asked names what the
// request sent ("prompt=login", "max_age=0"); loginShown is whether the
// browser was shown a login page.
func FreshLogin(id string, e *Ending, asked string, loginShown bool) error {
	if loginShown {
		return nil
	}
	if ps, ok := e.ErrorParams(); ok {
		code, _ := ps.Get("error")
		if slices.Contains(reauthErrors, code) {
			return nil
		}
		return Fail(id, "%s from a signed-in browser: expected a fresh sign-in or error=login_required, got error=%s (%s)", asked, code, e.Describe())
	}
	for _, name := range tokenParams {
		if w := e.carriers(name); len(w) > 0 {
			return Fail(id, "%s from a signed-in browser: expected a fresh sign-in or error=login_required, but %s was issued in the %s without asking the resource owner to sign in again",
				asked, name, strings.Join(w, " and "))
		}
	}
	return Fail(id, "%s from a signed-in browser: expected a fresh sign-in or error=login_required, but the flow %s without a login page", asked, e.Describe())
}

// AuthTime judges OIDC-11: the ID token of a request with max_age carries
// auth_time (OpenID Connect Core §2: "When a max_age request is made [...]
// this Claim is REQUIRED"), the time of a sign-in, so no later than the
// token's iat (the server's own clock: no skew) nor than now, the harness
// clock, with idtoken.Leeway. earlierIat is the iat of the browser's earlier
// ID token when a fresh sign-in has been made since, at least a second later:
// auth_time must then report that sign-in, not the earlier one. nil when no
// fresh sign-in was made; ignored when it lies in the future.
func AuthTime(id string, tok *idtoken.Token, now time.Time, earlierIat *float64) error {
	c := tok.Claims
	switch {
	case c.AuthTime == nil && c.Has["auth_time"]:
		return Fail(id, "auth_time is not a number (NumericDate)")
	case c.AuthTime == nil:
		return Fail(id, "max_age was sent, but the ID token carries no auth_time claim")
	case !idtoken.Finite(*c.AuthTime):
		return Fail(id, "auth_time is not a finite number")
	}
	at := idtoken.Time(*c.AuthTime)
	if c.Iat != nil && idtoken.Finite(*c.Iat) && at.After(idtoken.Time(*c.Iat).Add(time.Second)) {
		return Fail(id, "auth_time %s is later than the ID token's iat %s: the sign-in it reports had not happened when the token was issued",
			stamp(at), stamp(idtoken.Time(*c.Iat)))
	}
	if at.After(now.Add(idtoken.Leeway)) {
		return Fail(id, "auth_time %s is later than the sign-in could have been: it is in the future of the harness clock (now %s)", stamp(at), stamp(now))
	}
	// An earlier iat in the future of the harness clock says nothing about
	// when the sign-in was (OIDC-04 and OIDC-13 judge such an iat).
	if earlierIat != nil && idtoken.IssuedAhead(idtoken.Claims{Iat: earlierIat}, now, idtoken.Leeway) != "" {
		earlierIat = nil
	}
	if earlierIat != nil && at.Before(idtoken.Time(*earlierIat).Add(time.Second)) {
		return Fail(id, "auth_time %s reports a sign-in made before the browser's earlier ID token was issued (iat %s), not the fresh sign-in max_age asked for",
			stamp(at), stamp(idtoken.Time(*earlierIat)))
	}
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// SameSub judges OIDC-12: two ID tokens of the same resource owner for the
// same client name the same sub (OpenID Connect Core §2 sub: "A locally
// unique and never reassigned identifier within the Issuer for the
// End-User"; §5.7: sub and iss are "the only Claims that an RP can rely upon
// as a stable identifier for the End-User").
func SameSub(id string, first, second *idtoken.Token) error {
	if first.Claims.Sub != second.Claims.Sub {
		return Fail(id, "two sign-ins of the same resource owner got different sub values: expected the same, got %q and %q",
			first.Claims.Sub, second.Claims.Sub)
	}
	return nil
}

// UserinfoSub judges OIDC-12: the userinfo endpoint, asked with the access
// token issued with the ID token, names the ID token's sub (OpenID Connect
// Core §5.3.2: "The sub Claim in the UserInfo Response MUST be verified to
// exactly match the sub Claim in the ID Token"). sub and hasSub are the
// userinfo answer's.
func UserinfoSub(id string, tok *idtoken.Token, sub string, hasSub bool) error {
	switch {
	case !hasSub:
		return Fail(id, "the userinfo answer carries no sub (a string): expected %q, the ID token's", tok.Claims.Sub)
	case sub != tok.Claims.Sub:
		return Fail(id, "the userinfo answer names another sub than the ID token: expected %q, got %q", tok.Claims.Sub, sub)
	}
	return nil
}

// IDTokenKid judges OIDC-13: the ID token's kid, when it has one, names a
// key of the server's JWKS (OpenID Connect Core §10.1.1: the kid indicates
// "which key is to be used to validate the signature"; a verifier that
// "sees an unfamiliar kid value" fetches the jwks_uri again). jwks is the
// last document fetched; refetched says it was fetched a second time for
// the kid.
func IDTokenKid(id string, tok *idtoken.Token, jwks []byte, refetched bool) error {
	known, err := tok.KidKnown(jwks)
	switch {
	case err != nil:
		return Fail(id, "the ID token's kid %q cannot be looked up: %v", tok.Header.Kid, err)
	case known:
		return nil
	case refetched:
		return Fail(id, "the ID token's kid %q names no key of the JWKS at jwks_uri, also when fetched again (so not a key rotation)", tok.Header.Kid)
	}
	return Fail(id, "the ID token's kid %q names no key of the JWKS at jwks_uri", tok.Header.Kid)
}

// IatNotAhead judges OIDC-13: the ID token's iat lies no more than ahead of
// now, the harness clock (OpenID Connect Core §3.1.3.7 (10): "The iat Claim
// can be used to reject tokens that were issued too far away from the
// current time"; the catalogue allows 5 minutes).
func IatNotAhead(id string, tok *idtoken.Token, now time.Time, ahead time.Duration) error {
	if tok.Claims.Iat == nil || !idtoken.Finite(*tok.Claims.Iat) {
		return Fail(id, "the ID token has no iat claim (a number), so when it was issued cannot be judged")
	}
	if p := idtoken.IssuedAhead(tok.Claims, now, ahead); p != "" {
		return Fail(id, "expected iat at most %s ahead of the harness clock, but %s", ahead, p)
	}
	return nil
}
