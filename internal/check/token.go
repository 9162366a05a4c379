package check

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/implicitspec/implicitspec/internal/fragment"
)

// ClientGetsToken judges AEP-01, AEP-02 and STATE-06, and is the finding of
// RDR-01, RDR-11, RDR-18, FRAG-08 and TOK-08 when no token arrives at all: the
// flow ends at the client with a non-empty credential of the response type
// asked for: the access token, or the ID token for response_type=id_token —
// wherever it was put, which is judged elsewhere. The checks of a token
// response's content call it first (issued), so a missing token is reported
// the same way under their IDs.
func ClientGetsToken(id string, e *Ending) error {
	if !e.Left {
		return Fail(id, "no %s issued: the flow %s", e.credentialName(), e.Describe())
	}
	if e.issued() {
		return nil
	}
	if code, ok := e.Response().Get("error"); ok {
		return Fail(id, "no %s issued: the server answered error=%q (%s)", e.credentialName(), code, e.Describe())
	}
	return Fail(id, "no %s issued: %s with no %s", e.credentialName(), e.Describe(), e.credential())
}

// AccessToken judges TOK-01 and TOK-09: access_token is present and non-empty
// in the response.
func AccessToken(id string, e *Ending) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	v, ok := e.Response().Get("access_token")
	switch {
	case !ok:
		return Fail(id, "access_token missing from the response (got %s)", names(e.Response()))
	case v == "":
		return Fail(id, "access_token is empty")
	}
	return nil
}

// TokenType judges TOK-03: token_type is present and non-empty. Its value is
// compared case-insensitively elsewhere (RFC 6749 §5.1: "bearer" = "Bearer").
func TokenType(id string, e *Ending) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	v, ok := e.Response().Get("token_type")
	switch {
	case !ok:
		return Fail(id, "token_type missing from the response (got %s)", names(e.Response()))
	case strings.TrimSpace(v) == "":
		return Fail(id, "token_type is empty")
	}
	return nil
}

// NoToken judges AEP-05, RT-03, RT-04, CID-01, RDR-03, RDR-04, RDR-05, RDR-06,
// RDR-07, RDR-08, RDR-09, RDR-10, RDR-12, RDR-13, RDR-14, RDR-15, RDR-16,
// RDR-17, RDR-19, RDR-22, OIDC-01 and OIDC-06: no credential is issued.
// Refused, RefusedWith, ForgedConsentRefused and
// NotRedirectedOrInvalidRequestAt build on it.
func NoToken(id string, e *Ending) error {
	if !e.Left {
		return nil
	}
	for _, name := range tokenParams {
		if w := e.carriers(name); len(w) > 0 {
			return Fail(id, "a credential (%s) was issued in the %s (%s)", name, strings.Join(w, " and "), e.Describe())
		}
	}
	return nil
}

// ResourceAccepts judges TOK-09: a protected resource answers a request bearing
// the token with success (RFC 6750 §2.1). 401 means the token is not a real
// one.
func ResourceAccepts(id, endpoint string, status int, wwwAuthenticate string) error {
	if status >= 200 && status < 300 {
		return nil
	}
	msg := fmt.Sprintf("the access token was refused at %s: HTTP %d", endpoint, status)
	if wwwAuthenticate != "" {
		msg += fmt.Sprintf(" (WWW-Authenticate: %s)", wwwAuthenticate)
	}
	return Fail(id, "%s", msg)
}

// ResourceRefuses judges TOK-10: a protected resource refuses a request that
// carries no access token, or one it did not issue (withToken), with a
// Bearer challenge. RFC 6750 §3: such a request is answered with the
// "WWW-Authenticate" header field (MUST), scheme Bearer; a 2xx answer, or a
// refusal without that challenge, is a failure. What RFC 6750 asks only as
// SHOULD is a warning: the status 401 (§3.1 invalid_token: "The resource
// SHOULD respond with the HTTP 401 (Unauthorized) status code"), and, for a
// token that was sent, the error attribute invalid_token (§3: "SHOULD include
// the error attribute"). For a request without a token §3.1 says the error
// SHOULD be left out, so its challenge is not read further. what names the
// request in the message ("a request without an access token").
func ResourceRefuses(id, endpoint, what string, withToken bool, status int, wwwAuthenticate string) error {
	seen := fmt.Sprintf("HTTP %d", status)
	if wwwAuthenticate != "" {
		seen += fmt.Sprintf(" with WWW-Authenticate: %s", wwwAuthenticate)
	}
	params, bearer := bearerChallenge(wwwAuthenticate)
	switch {
	case status >= 200 && status < 300:
		return Fail(id, "%s was accepted at %s: expected HTTP 401 with a Bearer challenge, got %s", what, endpoint, seen)
	case wwwAuthenticate == "":
		return Fail(id, "%s was refused at %s without the WWW-Authenticate header the resource server must include: expected HTTP 401 with WWW-Authenticate: Bearer, got %s", what, endpoint, seen)
	case !bearer:
		return Fail(id, "%s was refused at %s with a challenge that is not Bearer: expected WWW-Authenticate: Bearer, got %s", what, endpoint, seen)
	case status != 401:
		return Warn(id, "%s was refused at %s, but not with the status 401 it should get: got %s", what, endpoint, seen)
	case withToken && params["error"] != "invalid_token":
		return Warn(id, `%s was refused at %s, but the Bearer challenge should name error="invalid_token": got %s`, what, endpoint, seen)
	}
	return nil
}

// bearerChallenge reads the Bearer challenge of a WWW-Authenticate value
// (RFC 9110 §11.6.1: challenges separated by commas, each a scheme and then
// auth-params) and returns its auth-params by lower-cased name; found is
// whether a Bearer challenge is there at all. It judges nothing.
func bearerChallenge(header string) (params map[string]string, found bool) {
	params, inBearer := map[string]string{}, false
	for _, part := range splitOutsideQuotes(header, ',') {
		part = strings.TrimSpace(part)
		if scheme, rest, ok := challengeStart(part); ok {
			inBearer = strings.EqualFold(scheme, "Bearer")
			found = found || inBearer
			part = rest
		}
		if name, value, ok := strings.Cut(part, "="); ok && inBearer {
			params[strings.ToLower(strings.TrimSpace(name))] = strings.Trim(strings.TrimSpace(value), `"`)
		}
	}
	return params, found
}

// challengeStart reports whether part (one comma-separated element of a
// WWW-Authenticate value) begins a challenge — a scheme not followed by "="
// — and splits off the scheme.
func challengeStart(part string) (scheme, rest string, ok bool) {
	if part == "" {
		return "", "", false
	}
	i := strings.IndexAny(part, " =")
	switch {
	case i < 0:
		return part, "", true
	case part[i] == '=' || strings.HasPrefix(strings.TrimSpace(part[i:]), "="):
		return "", part, false // name=value, or name = value (RFC 9110 BWS)
	}
	return part[:i], strings.TrimSpace(part[i:]), true
}

// splitOutsideQuotes splits s at every sep that is not inside a
// quoted-string.
func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quoted:
			i++
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// tokenResponse returns the parameters of the token response the flow ended
// in (answered: an empty access_token included, TOK-01 judges emptiness), or
// ClientGetsToken's finding when there is none.
func tokenResponse(id string, e *Ending) (fragment.Params, error) {
	if e.answered() {
		return e.TokenParams(), nil
	}
	return nil, ClientGetsToken(id, e)
}

// TokenVSCHAR judges TOK-02: the access token is made of %x20-7E
// (RFC 6749 A.12).
func TokenVSCHAR(id string, e *Ending) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	tok, _ := ps.Get("access_token")
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c < 0x20 || c > 0x7e {
			return Fail(id, "the access token holds byte 0x%02X at position %d, outside %%x20-7E", c, i)
		}
	}
	return nil
}

var b64token = regexp.MustCompile(`^[A-Za-z0-9._~+/-]+=*$`)

// TokenB64 judges TOK-02: a bearer token matches b64token, so it fits an
// Authorization: Bearer header (RFC 6750 §2.1).
func TokenB64(id string, e *Ending) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	tok, _ := ps.Get("access_token")
	if tok != "" && !b64token.MatchString(tok) { // empty: TOK-01
		i := strings.IndexFunc(tok, func(r rune) bool {
			return !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/-=", r)
		})
		what := fmt.Sprintf("byte 0x%02X", tok[i])
		if r, _ := utf8.DecodeRuneInString(tok[i:]); r != utf8.RuneError {
			what = fmt.Sprintf("character %q", r)
		}
		return Fail(id, "the access token is not a b64token: %s at position %d cannot be sent as Authorization: Bearer", what, i)
	}
	return nil
}

// knownTokenTypes are the IANA OAuth Access Token Types, lower-cased.
var knownTokenTypes = map[string]bool{"bearer": true, "n_a": true, "pop": true, "dpop": true}

// TokenTypeKnown judges TOK-03: token_type is a registered type, compared
// case-insensitively (RFC 6749 §7.1, §5.1).
func TokenTypeKnown(id string, e *Ending) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	tt, ok := ps.Get("token_type")
	if !ok {
		return nil // TOK-03 @must judges absence
	}
	if !knownTokenTypes[strings.ToLower(tt)] {
		return Fail(id, "token_type %q is not a registered access token type (expected Bearer, in any case)", tt)
	}
	return nil
}

// ExpiresInPresent judges TOK-04: expires_in is sent (RFC 6749 §4.2.2:
// RECOMMENDED).
func ExpiresInPresent(id string, e *Ending) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	if _, ok := ps.Get("expires_in"); !ok {
		return Fail(id, "the response carries no expires_in (got %s)", names(ps))
	}
	return nil
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// expiresIn returns the seconds when expires_in is present and 1*DIGIT.
func expiresIn(ps fragment.Params) (n *big.Int, raw string, present bool) {
	raw, present = ps.Get("expires_in")
	if !present || !digits.MatchString(raw) {
		return nil, raw, present
	}
	n, _ = new(big.Int).SetString(raw, 10)
	return n, raw, true
}

// ExpiresInValid judges TOK-04: when present, expires_in is 1*DIGIT (A.14) and
// positive.
func ExpiresInValid(id string, e *Ending) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	n, raw, present := expiresIn(ps)
	switch {
	case !present:
		return nil
	case n == nil:
		return Fail(id, "expires_in=%q is not a number of seconds (1*DIGIT)", raw)
	case n.Sign() == 0:
		return Fail(id, "expires_in=%s: the token is expired when issued", raw)
	}
	return nil
}

// ExpiresInAtMost judges TOK-04: when present and numeric, expires_in is at
// most max seconds; why says what a larger value suggests.
func ExpiresInAtMost(id string, e *Ending, max int64, why string) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	n, raw, _ := expiresIn(ps)
	if n != nil && n.Cmp(big.NewInt(max)) > 0 {
		return Fail(id, "expires_in=%s is more than %d seconds: %s", raw, max, why)
	}
	return nil
}

// ScopeReturned judges TOK-05: a request that named no scope was granted the
// server's default, which differs from the request, so the response carries
// scope (RFC 6749 §3.3, §4.2.2: "OPTIONAL, if identical to the scope requested
// by the client; otherwise, REQUIRED").
func ScopeReturned(id string, e *Ending) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	if _, ok := ps.Get("scope"); !ok {
		return Fail(id, "the request named no scope and a token was issued, but the response does not say which scope was granted (got %s)", names(ps))
	}
	return nil
}

// Absent judges TOK-06 and TOK-07: the parameter name appears nowhere in the
// response (fragment, query or form body).
func Absent(id string, e *Ending, name, why string) error {
	if _, err := tokenResponse(id, e); err != nil {
		return err
	}
	if w := e.carriers(name); len(w) > 0 {
		return Fail(id, "the response carries %s in the %s: %s", name, strings.Join(w, " and "), why)
	}
	return nil
}

// TokensUnique judges TOK-08: no two flows returned the same access token, and
// the tokens are not a counter (RFC 6749 §10.10).
func TokensUnique(id string, tokens []string) error {
	first := map[string]int{}
	for i, t := range tokens {
		if j, dup := first[t]; dup {
			return Fail(id, "flows %d and %d of %d returned the same access token", j+1, i+1, len(tokens))
		}
		first[t] = i
	}
	if seq, ok := counter(tokens); ok {
		return Fail(id, "the %d access tokens differ only by a counter (%s): they can be guessed", len(tokens), seq)
	}
	return nil
}

// counter reports whether the tokens share a prefix and suffix and differ
// only by a decimal number that moves by small steps.
func counter(tokens []string) (string, bool) {
	if len(tokens) < 3 {
		return "", false
	}
	pre, suf := tokens[0], tokens[0]
	for _, t := range tokens[1:] {
		for !strings.HasPrefix(t, pre) {
			pre = pre[:len(pre)-1]
		}
		for !strings.HasSuffix(t, suf) {
			suf = suf[1:]
		}
	}
	nums := make([]int64, 0, len(tokens))
	for _, t := range tokens {
		if len(pre)+len(suf) > len(t) {
			return "", false
		}
		mid := t[len(pre) : len(t)-len(suf)]
		n, err := strconv.ParseInt(mid, 10, 64)
		if err != nil || mid == "" {
			return "", false
		}
		nums = append(nums, n)
	}
	sorted := append([]int64(nil), nums...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	span := sorted[len(sorted)-1] - sorted[0]
	if span > int64(1000*len(tokens)) {
		return "", false
	}
	return fmt.Sprintf("numbers spanning %d", span), true
}

// TokenEntropyBits estimates the entropy of tokens from their varying
// positions: every position where the tokens differ counts log2 of the
// alphabet seen at varying positions. A heuristic upper bound. It judges
// nothing: TokenEntropy (TOK-08) judges the estimate.
func TokenEntropyBits(tokens []string) float64 {
	if len(tokens) < 2 {
		return 0
	}
	minLen := len(tokens[0])
	for _, t := range tokens {
		minLen = min(minLen, len(t))
	}
	alphabet := map[byte]bool{}
	varying := 0
	for i := 0; i < minLen; i++ {
		same := true
		for _, t := range tokens[1:] {
			if t[i] != tokens[0][i] {
				same = false
				break
			}
		}
		if same {
			continue
		}
		varying++
		for _, t := range tokens {
			alphabet[t[i]] = true
		}
	}
	if varying == 0 || len(alphabet) < 2 {
		return 0
	}
	return float64(varying) * math.Log2(float64(len(alphabet)))
}

// TokenEntropy judges TOK-08: the tokens' estimated entropy is at least 128
// bits (RFC 6819 §5.1.4.2.2).
func TokenEntropy(id string, tokens []string) error {
	if bits := TokenEntropyBits(tokens); bits < 128 {
		return Fail(id, "the %d access tokens carry an estimated %.0f bits of entropy, less than 128", len(tokens), bits)
	}
	return nil
}
