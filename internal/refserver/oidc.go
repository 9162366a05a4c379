package refserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OpenID Connect Core 1.0 implicit flow (§3.2): response_type "id_token token"
// and "id_token" for the registered clients, ID tokens signed with ES256 under
// a key made at start and published at /jwks.

const (
	idTokenAlg      = "ES256"
	idTokenLifetime = 10 * time.Minute
	scopeOpenID     = "openid"
)

// oidcRequest is what the response_type asks for, and the nonce an ID token
// must carry.
type oidcRequest struct {
	accessToken bool // response_type includes token
	idToken     bool // response_type includes id_token (an OpenID Connect request)
	nonce       string
	maxAge      bool // the request sent max_age: the ID token carries auth_time
}

// parseResponseType reads response_type as a set of space-delimited values
// (RFC 6749 §3.1.1: "The order of values does not matter"; Multiple Response
// Type Encoding Practices §3). ok is false for a value or combination the
// server does not know; whether it offers a known one is Config.ResponseTypes.
func parseResponseType(rt string) (oidcRequest, bool) {
	var o oidcRequest
	for _, v := range strings.Split(rt, " ") {
		switch {
		case v == "token" && !o.accessToken:
			o.accessToken = true
		case v == "id_token" && !o.idToken:
			o.idToken = true
		default:
			return oidcRequest{}, false
		}
	}
	return o, true
}

// responseType is the canonical spelling of the response type o asks for.
func (o oidcRequest) responseType() string {
	switch {
	case o.idToken && o.accessToken:
		return ResponseTypeIDTokenToken
	case o.idToken:
		return ResponseTypeIDToken
	}
	return ResponseTypeToken
}

// requestFor is the oidcRequest of a canonical response type.
func requestFor(rt string) oidcRequest {
	o, _ := parseResponseType(rt)
	return o
}

// isOIDCRequest reports whether the request asks for an ID token.
func isOIDCRequest(p requestParams) bool {
	rt, n, bad := p.single("response_type")
	if n != 1 || bad {
		return false
	}
	o, ok := parseResponseType(rt)
	return ok && o.idToken
}

// oidcFault reports whether the OpenID Connect fault f acts on the request:
// one for an ID token of a type the server offers (the faults below act
// before the response type is checked; a type not offered is refused as the
// conformant server refuses it, FaultReach).
func (s *Server) oidcFault(f Fault, p requestParams) bool {
	if !s.faults.on(f) || !isOIDCRequest(p) {
		return false
	}
	rt, _, _ := p.single("response_type")
	o, _ := parseResponseType(rt)
	return s.offers(o.responseType())
}

// oidcRedirectURIRequired: OpenID Connect Core §3.1.2.1 redirect_uri:
// "REQUIRED. Redirection URI to which the response will be sent." (unlike
// RFC 6749 §3.1.2.3, which lets a client with one registered URI omit it).
func (s *Server) oidcRedirectURIRequired(p requestParams) bool {
	return isOIDCRequest(p) && !s.oidcFault(FaultOIDCRedirectURIOptional, p)
}

// oidcAcceptsHTTPTwin is the fault FaultOIDCHTTPRedirectURI: OpenID Connect
// Core §3.2.2.1: "When using this flow, the Redirection URI MUST NOT use the
// http scheme unless the Client is a native application". The conformant
// server compares exactly and never accepts the http:// form.
func (s *Server) oidcAcceptsHTTPTwin(p requestParams, cl client, uri string) bool {
	if !s.oidcFault(FaultOIDCHTTPRedirectURI, p) {
		return false
	}
	rest, ok := strings.CutPrefix(uri, "http://")
	return ok && slices.Contains(cl.redirectURIs, "https://"+rest)
}

// oidcQueryModeHonoured is the fault FaultOIDCResponseModeQuery: Multiple
// Response Type Encoding Practices §5: "the default Response Mode for this
// Response Type is the fragment encoding and the query encoding MUST NOT be
// used" for response types that return tokens.
func (s *Server) oidcQueryModeHonoured(p requestParams) bool {
	return s.oidcFault(FaultOIDCResponseModeQuery, p)
}

// checkOIDCRequest is the authorization endpoint's stage for what an OpenID
// Connect request adds (Core §3.1.2.1, §3.2.2.1): the openid scope and the
// nonce, which it keeps for the ID token. prompt has its own stage,
// readPrompt, since it applies to every request.
func (s *Server) checkOIDCRequest(w http.ResponseWriter, _ *http.Request, ar *authorizeRequest) bool {
	if !ar.oidc.idToken {
		return true
	}
	// OpenID Connect Core §3.1.2.1 scope: "OpenID Connect requests MUST
	// contain the openid scope value. If the openid scope value is not
	// present, the behavior is entirely unspecified" — there is no ID token
	// without it (§3.1.2.2).
	if !slices.Contains(ar.scopes, scopeOpenID) && !s.faults.on(FaultOIDCWithoutOpenIDScope) {
		s.respondError(w, ar.target, authzError{"invalid_scope", "An ID token is only issued to requests with the openid scope."})
		return false
	}
	// OpenID Connect Core §3.2.2.1 nonce: "REQUIRED" for the implicit flow.
	nonce, n, _ := ar.params.single("nonce")
	if n == 0 && !s.faults.on(FaultOIDCNonceNotRequired) {
		s.respondError(w, ar.target, authzError{"invalid_request", "The nonce parameter is required when an ID token is requested."})
		return false
	}
	ar.oidc.nonce = nonce
	return true
}

// oidcPromptNoneIgnored is the fault FaultOIDCPromptNoneShowsLogin: OpenID
// Connect Core §3.1.2.1 prompt=none: "The Authorization Server MUST NOT
// display any authentication or consent user interface pages."
func (s *Server) oidcPromptNoneIgnored(o oidcRequest) bool {
	return o.idToken && s.faults.on(FaultOIDCPromptNoneShowsLogin)
}

// oidcPromptLoginIgnored is the fault FaultOIDCPromptLoginIgnored: OpenID
// Connect Core §3.1.2.1 prompt=login: "The Authorization Server SHOULD prompt
// the End-User for reauthentication. If it cannot reauthenticate the
// End-User, it MUST return an error, typically login_required."
func (s *Server) oidcPromptLoginIgnored(o oidcRequest) bool {
	return o.idToken && s.faults.on(FaultOIDCPromptLoginIgnored)
}

// readMaxAge is the authorization endpoint's stage for max_age (OpenID
// Connect Core §3.1.2.1): "Specifies the allowable elapsed time in seconds
// since the last time the End-User was actively authenticated by the OP. If
// the elapsed time is greater than this value, the OP MUST attempt to
// actively re-authenticate the End-User. [...] Note that max_age=0 is
// equivalent to prompt=login." It follows readPrompt, so that a prompt=none
// request whose sign-in is too old is answered login_required, not shown the
// login page. max_age belongs to OpenID Connect: a plain OAuth request's is
// ignored.
func (s *Server) readMaxAge(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool {
	raw, n, _ := ar.params.single("max_age")
	if n == 0 || !ar.oidc.idToken {
		return true
	}
	maxAge, err := strconv.ParseUint(raw, 10, 31)
	if err != nil {
		s.respondError(w, ar.target, authzError{"invalid_request", "The max_age parameter must be a number of seconds."})
		return false
	}
	// §2 auth_time: "When a max_age request is made [...] this Claim is REQUIRED".
	ar.oidc.maxAge = true
	if s.faults.on(FaultOIDCMaxAgeIgnored) {
		return true
	}
	se, signedIn := s.lookupSession(cookieValue(r, sessionCookie))
	if !signedIn || (maxAge > 0 && time.Since(se.authTime) <= time.Duration(maxAge)*time.Second) {
		return true
	}
	if prompt, _, _ := ar.params.single("prompt"); slices.Contains(strings.Split(prompt, " "), "none") {
		s.respondError(w, ar.target, authzError{"login_required", "The user must sign in again."})
		return false
	}
	ar.forceLogin = true
	return true
}

// authTime is what the ID token of pr reports as auth_time: when the
// resource owner signed in to the session that answered pr (§2 auth_time:
// "Time when the End-User authentication occurred").
func (s *Server) authTime(pr pendingRequest) time.Time {
	if s.faults.on(FaultOIDCAuthTimeFirstLogin) {
		return pr.signedIn.firstAuth
	}
	return pr.signedIn.authTime
}

// subject is the ID token's sub for user. §2 sub: "A locally unique and never
// reassigned identifier within the Issuer for the End-User"; §5.3.2: the
// userinfo endpoint's sub "MUST exactly match the sub Claim in the ID Token".
// The userinfo endpoint answers the account name, so the sub is that name.
func (s *Server) subject(pr pendingRequest, user string) string {
	switch {
	case s.faults.on(FaultOIDCSubPerLogin):
		sum := sha256.Sum256([]byte(pr.signedIn.id))
		return user + "." + b64(sum[:6])
	case pr.oidc.accessToken && s.faults.on(FaultOIDCUserinfoSubDiffers):
		sum := sha256.Sum256([]byte(pr.clientID + "\x00" + user))
		return b64(sum[:12])
	}
	return user
}

// idToken builds and signs the ID token (OpenID Connect Core §2, §3.2.2.10).
// accessToken is "" when none is issued with it.
func (s *Server) idToken(pr pendingRequest, user, accessToken string) (string, error) {
	now := time.Now()
	claims := map[string]any{
		"iss": s.issuer,
		"sub": s.subject(pr, user),
		"aud": pr.clientID,
		"exp": now.Add(idTokenLifetime).Unix(),
		"iat": now.Unix(),
	}
	if at := s.authTime(pr); pr.oidc.maxAge && !at.IsZero() && !s.faults.on(FaultOIDCAuthTimeMissing) {
		claims["auth_time"] = at.Unix()
	}
	// §3.1.3.7 (10): iat is the time of issue, which a client compares with
	// its clock.
	if s.faults.on(FaultOIDCIatInFuture) {
		claims["iat"] = now.Add(time.Hour).Unix()
	}
	// OpenID Connect Core §3.1.3.7 (2): iss is the issuer identifier.
	if s.faults.on(FaultOIDCWrongIssuer) {
		claims["iss"] = s.issuer + "/another-issuer"
	}
	// §3.1.3.7 (3): aud contains the client_id of the client.
	if s.faults.on(FaultOIDCWrongAudience) {
		claims["aud"] = "another-client"
	}
	// §3.1.3.7 (9): the current time is before exp.
	if s.faults.on(FaultOIDCExpired) {
		claims["exp"] = now.Add(-time.Hour).Unix()
	}
	// §3.2.2.11: "The value of the nonce Claim MUST be checked to verify that
	// it is the same value as the one that was sent in the Authentication
	// Request."
	if pr.oidc.nonce != "" && !s.faults.on(FaultOIDCNonceNotEchoed) {
		claims["nonce"] = pr.oidc.nonce
	}
	// §3.2.2.10 at_hash: "If the ID Token is issued from the Authorization
	// Endpoint with an access_token value, which is the case for the
	// response_type value id_token token, this is REQUIRED; it MAY NOT be
	// used when no Access Token is issued". §3.2.2.9: the left-most half of
	// the hash of the access token with the alg's hash (SHA-256 for ES256).
	switch {
	case pr.oidc.accessToken && s.faults.on(FaultOIDCAtHashMissing):
	case pr.oidc.accessToken && s.faults.on(FaultOIDCAtHashWrongHash):
		sum := sha512.Sum512([]byte(accessToken))
		claims["at_hash"] = base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	case pr.oidc.accessToken:
		sum := sha256.Sum256([]byte(accessToken))
		claims["at_hash"] = base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	case s.faults.on(FaultOIDCAtHashWithoutAccessToken):
		sum := sha256.Sum256([]byte(mustRandomToken(32)))
		claims["at_hash"] = base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	// §2: "ID Tokens MUST be signed using JWS"; §3.1.3.7 and §3.2.2.11 let
	// alg=none only for the code flow's token endpoint.
	if s.faults.on(FaultOIDCUnsignedIDToken) {
		return b64json(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(payload) + ".", nil
	}
	// §10.1.1: the kid tells the verifier which key of the jwks_uri to use;
	// the fault names a key the server has not published.
	kid := s.idKid
	if s.faults.on(FaultOIDCUnknownKid) {
		kid = s.idKid + "-next"
	}
	input := b64json(map[string]string{"alg": idTokenAlg, "kid": kid, "typ": "JWT"}) + "." + b64(payload)
	sig, err := signES256(s.idKey, input)
	if err != nil {
		return "", err
	}
	if s.faults.on(FaultOIDCBadSignature) {
		sig[len(sig)/2] ^= 0x01
	}
	return input + "." + b64(sig), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func b64json(v any) string {
	b, _ := json.Marshal(v) // maps of strings always marshal
	return b64(b)
}

// signES256 is the JWS ES256 signature (RFC 7518 §3.4): ECDSA P-256 over
// SHA-256, R and S as 32-byte big-endian integers, concatenated.
func signES256(key *ecdsa.PrivateKey, input string) ([]byte, error) {
	digest := sha256.Sum256([]byte(input))
	der, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("refserver: sign ID token: %w", err)
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		return nil, fmt.Errorf("refserver: sign ID token: %w", err)
	}
	sig := make([]byte, 64)
	rs.R.FillBytes(sig[:32])
	rs.S.FillBytes(sig[32:])
	return sig, nil
}

// newIDTokenKey makes the ID token signing key and its key ID.
func newIDTokenKey() (*ecdsa.PrivateKey, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", fmt.Errorf("refserver: ID token key: %w", err)
	}
	kid, err := randomToken(9)
	if err != nil {
		return nil, "", err
	}
	return key, kid, nil
}

// handleJWKS publishes the ID token signing key (OpenID Connect Discovery
// §3 jwks_uri; RFC 7517 §5, RFC 7518 §6.2.1).
func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	}
	point, err := s.idKey.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil || len(point) != 65 {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "EC", "crv": "P-256", "use": "sig", "alg": idTokenAlg, "kid": s.idKid,
		"x": b64(point[1:33]), "y": b64(point[33:]),
	}}})
}
