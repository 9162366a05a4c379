// Package idtoken reads an OpenID Connect ID token as the client that receives
// it must (OpenID Connect Core 1.0 §3.2.2.11, §3.1.3.7): it decodes the JWS
// compact serialization, verifies the signature against the server's JSON Web
// Key Set (go-jose), computes the at_hash the token should carry (§3.2.2.9),
// and checks the claims iss, aud, azp, exp, iat and sub (§2).
//
// It does no I/O except FetchJWKS and FetchUserinfo; everything else is a
// pure function of its arguments, so the judgements built on it stay testable.
package idtoken

import (
	"bytes"
	"context"
	"crypto"
	_ "crypto/sha256" // registers SHA-256 for crypto.Hash
	_ "crypto/sha512" // registers SHA-384 and SHA-512
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Header is the part of the JOSE header a client looks at.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// Token is a decoded, not yet verified, ID token.
type Token struct {
	Raw    string
	Header Header
	Claims Claims
}

// Claims are the ID token claims the checks judge. A pointer field is nil
// when the claim is absent.
type Claims struct {
	Iss string
	Sub string
	Aud []string
	Azp string
	Exp *float64
	Iat *float64
	// AuthTime is when the resource owner signed in (§2 auth_time).
	AuthTime *float64
	Nonce    *string
	AtHash   *string
	// Has reports which claims were present at all, so that an empty string
	// and an absent claim are told apart.
	Has map[string]bool
}

// Parse decodes a JWS compact serialization (three base64url parts) and
// its header and claims. It does not verify anything.
func Parse(raw string) (*Token, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		if len(parts) == 5 {
			return nil, errors.New("the ID token is encrypted (JWE, five parts): no ID token encryption was registered")
		}
		return nil, fmt.Errorf("the ID token is not a JWS compact serialization: %d dot-separated parts, expected 3", len(parts))
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("the ID token header is not base64url: %v", err)
	}
	t := &Token{Raw: raw}
	if err := json.Unmarshal(hb, &t.Header); err != nil {
		return nil, fmt.Errorf("the ID token header is not a JSON object: %v", err)
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("the ID token payload is not base64url: %v", err)
	}
	if t.Claims, err = parseClaims(pb); err != nil {
		return nil, err
	}
	return t, nil
}

func parseClaims(payload []byte) (Claims, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&m); err != nil || m == nil {
		return Claims{}, errors.New("the ID token payload is not a JSON object")
	}
	c := Claims{Has: map[string]bool{}}
	for k := range m {
		c.Has[k] = true
	}
	str := func(name string, dst *string) error {
		if v, ok := m[name]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("the ID token claim %s is not a string", name)
			}
		}
		return nil
	}
	optStr := func(name string, dst **string) error {
		if _, ok := m[name]; !ok {
			return nil
		}
		var s string
		if err := str(name, &s); err != nil {
			return err
		}
		*dst = &s
		return nil
	}
	num := func(name string, dst **float64) error {
		v, ok := m[name]
		if !ok {
			return nil
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("the ID token claim %s is not a number (NumericDate, OpenID Connect Core §2)", name)
		}
		*dst = &f
		return nil
	}
	for _, err := range []error{
		str("iss", &c.Iss), str("sub", &c.Sub), str("azp", &c.Azp),
		num("exp", &c.Exp), num("iat", &c.Iat), num("auth_time", &c.AuthTime),
		optStr("nonce", &c.Nonce), optStr("at_hash", &c.AtHash),
	} {
		if err != nil {
			return Claims{}, err
		}
	}
	// OpenID Connect Core §2 aud: "In the general case, the aud value is an
	// array of case-sensitive strings. In the common special case when there
	// is one audience, the aud value MAY be a single case-sensitive string."
	if v, ok := m["aud"]; ok {
		var one string
		if err := json.Unmarshal(v, &one); err == nil {
			c.Aud = []string{one}
		} else if err := json.Unmarshal(v, &c.Aud); err != nil {
			return Claims{}, errors.New("the ID token claim aud is neither a string nor an array of strings")
		}
	}
	return c, nil
}

// PublicKeySigned reports, from the header alone, whether the token claims a
// signature a public client can verify: not alg=none, not a MAC.
func (t *Token) PublicKeySigned() error {
	alg := t.Header.Alg
	switch {
	case alg == "" || strings.EqualFold(alg, "none"):
		return fmt.Errorf("the ID token is not signed (alg=%q)", alg)
	case strings.HasPrefix(alg, "HS"):
		return fmt.Errorf("the ID token is MACed with a shared secret (alg=%s), which a public client cannot verify against the JWKS", alg)
	}
	return nil
}

// asymmetric are the JWS algorithms a public client can verify with the
// server's published keys (RFC 7518 §3.1, RFC 8037).
var asymmetric = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// Verify checks the signature against the JSON Web Key Set jwks (the
// document at the server's jwks_uri). An unsigned token (alg=none) and a
// token MACed with a shared secret fail: the implicit client is public and
// can only trust the server's published keys.
func (t *Token) Verify(jwks []byte) error {
	if err := t.PublicKeySigned(); err != nil {
		return err
	}
	alg := t.Header.Alg
	set, err := readKeySet(jwks)
	if err != nil {
		return err
	}
	jws, err := jose.ParseSigned(t.Raw, asymmetric)
	if err != nil {
		return fmt.Errorf("the ID token cannot be read as a JWS with alg=%s: %v", alg, err)
	}
	// A kid the set does not list is KidKnown's finding, not the
	// signature's: the token is then tried with every key, so that a
	// signature made with a published key is recognised as such.
	keys := set.Keys
	if named := set.Key(t.Header.Kid); t.Header.Kid != "" && len(named) > 0 {
		keys = named
	}
	for _, k := range keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != alg {
			continue
		}
		if _, err := jws.Verify(k.Public().Key); err == nil {
			return nil
		}
	}
	return fmt.Errorf("the ID token signature (alg=%s, kid %q) does not verify with any of the %d signing keys of the JWKS", alg, t.Header.Kid, len(keys))
}

// KidKnown reports whether the JSON Web Key Set jwks lists a key with the
// ID token's kid; a token without kid names no key, and is known. OpenID
// Connect Core §10.1.1: the kid tells the verifier "which key is to be used
// to validate the signature".
func (t *Token) KidKnown(jwks []byte) (bool, error) {
	if t.Header.Kid == "" {
		return true, nil
	}
	set, err := readKeySet(jwks)
	if err != nil {
		return false, err
	}
	return len(set.Key(t.Header.Kid)) > 0, nil
}

// readKeySet reads a JSON Web Key Set (RFC 7517 §5), skipping keys of a type
// go-jose cannot read (an encryption-only curve, say): RFC 7517 §5 "Implementations
// SHOULD ignore JWKs within a JWK Set that use "kty" (key type) values that
// are not understood by them".
func readKeySet(doc []byte) (jose.JSONWebKeySet, error) {
	var raw struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil || raw.Keys == nil {
		return jose.JSONWebKeySet{}, errors.New("the jwks_uri document is not a JSON Web Key Set (no \"keys\" array)")
	}
	var set jose.JSONWebKeySet
	for _, k := range raw.Keys {
		var key jose.JSONWebKey
		if err := json.Unmarshal(k, &key); err == nil {
			set.Keys = append(set.Keys, key)
		}
	}
	return set, nil
}

// HashFor is the hash OpenID Connect Core §3.2.2.9 pairs with a JWS alg:
// "the hash algorithm used for the alg Header Parameter of the ID Token's
// JOSE Header" (SHA-512 for EdDSA with Ed25519).
func HashFor(alg string) (crypto.Hash, bool) {
	switch {
	case alg == "EdDSA":
		return crypto.SHA512, true
	case len(alg) == 5 && strings.Contains("HS RS PS ES", alg[:2]):
		switch alg[2:] {
		case "256":
			return crypto.SHA256, true
		case "384":
			return crypto.SHA384, true
		case "512":
			return crypto.SHA512, true
		}
	}
	return 0, false
}

// AtHash computes the at_hash of accessToken for an ID token signed with
// alg (OpenID Connect Core §3.2.2.9): "Hash the octets of the ASCII
// representation of the access_token with the hash algorithm [...], then
// take the left-most half of the hash and base64url-encode it."
func AtHash(alg, accessToken string) (string, error) {
	h, ok := HashFor(alg)
	if !ok {
		return "", fmt.Errorf("no hash is defined for alg=%q", alg)
	}
	d := h.New()
	d.Write([]byte(accessToken))
	sum := d.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]), nil
}

// Leeway is the clock difference tolerated between the harness and the
// server when exp and iat are judged.
const Leeway = 2 * time.Minute

// MaxAge bounds how far iat may be from now for a token that was just issued.
const MaxAge = 10 * time.Minute

// ClaimProblems returns what is wrong with the claims of an ID token just
// received by clientID from issuer (OpenID Connect Core §2, §3.1.3.7 steps
// 2–5, 9, 10), each a short phrase; nil when nothing is.
func ClaimProblems(c Claims, issuer, clientID string, now time.Time) []string {
	var out []string
	// §3.1.3.7 (2): "The Issuer Identifier for the OpenID Provider [...]
	// MUST exactly match the value of the iss (issuer) Claim."
	switch {
	case !c.Has["iss"]:
		out = append(out, "iss is missing")
	case c.Iss != issuer:
		out = append(out, fmt.Sprintf("iss is %q, expected the issuer %q", c.Iss, issuer))
	}
	// §2 sub: "REQUIRED. Subject Identifier."
	if c.Sub == "" {
		out = append(out, "sub is missing or empty")
	}
	// §3.1.3.7 (3): "The Client MUST validate that the aud (audience) Claim
	// contains its client_id value".
	if !contains(c.Aud, clientID) {
		out = append(out, fmt.Sprintf("aud %q does not contain the client_id %q", c.Aud, clientID))
	}
	// §3.1.3.7 (4), (5): several audiences need azp, and azp names the client.
	if len(c.Aud) > 1 && c.Azp == "" {
		out = append(out, fmt.Sprintf("aud has %d values but azp is missing", len(c.Aud)))
	}
	if c.Azp != "" && c.Azp != clientID {
		out = append(out, fmt.Sprintf("azp is %q, expected the client_id %q", c.Azp, clientID))
	}
	// §3.1.3.7 (9): "The current time MUST be before the time represented by
	// the exp Claim."
	switch {
	case c.Exp == nil:
		out = append(out, "exp is missing")
	case !finite(*c.Exp):
		out = append(out, "exp is not a finite number")
	case unix(*c.Exp).Before(now.Add(-Leeway)):
		out = append(out, fmt.Sprintf("exp %s is in the past (now %s)", unix(*c.Exp).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
	}
	// §3.1.3.7 (10): "The iat Claim can be used to reject tokens that were
	// issued too far away from the current time".
	switch future := IssuedAhead(c, now, Leeway); {
	case c.Iat == nil:
		out = append(out, "iat is missing")
	case !finite(*c.Iat):
		out = append(out, "iat is not a finite number")
	case future != "":
		out = append(out, future)
	case unix(*c.Iat).Before(now.Add(-MaxAge)):
		out = append(out, fmt.Sprintf("iat %s is more than %s before the token was received (%s)", unix(*c.Iat).UTC().Format(time.RFC3339), MaxAge, now.UTC().Format(time.RFC3339)))
	}
	return out
}

// IssuedAhead says, as a short phrase, that the claims' iat lies more than
// skew ahead of now; "" when it does not, or when iat is missing or not a
// number (ClaimProblems reports those).
func IssuedAhead(c Claims, now time.Time, skew time.Duration) string {
	if c.Iat == nil || !finite(*c.Iat) || !unix(*c.Iat).After(now.Add(skew)) {
		return ""
	}
	return fmt.Sprintf("iat %s is in the future (now %s)", unix(*c.Iat).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
}

// Time is a NumericDate claim (§2: seconds since the epoch) as a time.
func Time(f float64) time.Time { return unix(f) }

// Finite reports whether a NumericDate claim is a usable number.
func Finite(f float64) bool { return finite(f) }

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func unix(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// maxJWKSBytes caps the key set document.
const maxJWKSBytes = 1 << 20

// TransportError is a JWKS fetch that got no HTTP answer at all: trouble for
// the harness, not a finding about the server.
type TransportError struct{ Err error }

func (e *TransportError) Error() string { return e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

// FetchJWKS gets the JSON Web Key Set at uri with hc. An error that is not a
// *TransportError means the server answered, but not with a key set.
func FetchJWKS(ctx context.Context, hc *http.Client, uri string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks_uri %q: %v", uri, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &TransportError{fmt.Errorf("jwks_uri %s: %v", uri, err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	switch {
	case err != nil:
		return nil, &TransportError{fmt.Errorf("jwks_uri %s: %v", uri, err)}
	case len(body) > maxJWKSBytes:
		return nil, fmt.Errorf("jwks_uri %s: the document is larger than %d bytes", uri, maxJWKSBytes)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("jwks_uri %s: HTTP %d", uri, resp.StatusCode)
	}
	return body, nil
}
