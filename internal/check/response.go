package check

import (
	"fmt"
	"math"
	"math/big"
	"mime"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// TokenParams returns the parameters that carry the credential (the access
// token, or the ID token of response_type=id_token): the fragment, the form
// body or, wrongly, the query — where they were put is judged by
// FRAG-01/02, not by the checks of their content. An accessor; it judges
// nothing.
func (e *Ending) TokenParams() fragment.Params {
	for _, ps := range []fragment.Params{e.Response(), e.Fragment, e.Form, e.Query} {
		if ps.Count(e.credential()) > 0 {
			return ps
		}
	}
	return e.Response()
}

// ErrorParams returns the parameters that carry an error response (the
// fragment or form, else the query), and whether there is one. An accessor;
// it judges nothing.
func (e *Ending) ErrorParams() (fragment.Params, bool) {
	for _, ps := range []fragment.Params{e.Response(), e.Query} {
		if ps.Count("error") > 0 {
			return ps, true
		}
	}
	return nil, false
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

// --- state ---

// StateNotInjected judges STATE-04: a state holding "&access_token=…" is
// encoded, so the response holds exactly one access_token and the state's raw
// text in the redirect URI has no unencoded '&', '#', space or '"' (RFC 6749
// App. B).
func StateNotInjected(id string, e *Ending, sent string) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	want := 1 // the one the response type asked for
	if e.credential() != "access_token" {
		want = 0 // response_type=id_token issues none
	}
	if n := ps.Count("access_token"); n != want {
		return Fail(id, "the response holds %d access_token parameters: the state %q was not encoded and injected one", n, sent)
	}
	for _, p := range ps {
		if p.Name == "state" {
			if i := strings.IndexAny(p.Raw, "#\" "); i >= 0 {
				return Fail(id, "the state is written with an unencoded %q in the redirect URI (raw %q)", p.Raw[i], p.Raw)
			}
		}
	}
	if strings.Count(e.Target, "#") > 1 {
		return Fail(id, "the redirect URI holds a second unencoded '#': the state %q was not encoded", sent)
	}
	if got, ok := ps.Get("state"); !ok || got != sent {
		return Fail(id, "the state was split by its unencoded '&': sent %q, got %q", sent, got)
	}
	return nil
}

// StateEchoedOrRefusedCleanly judges STATE-05: a long state is echoed exactly,
// or the request is refused cleanly — invalid_request, an error page, HTTP 414.
// A truncated echo or a server error is a failure.
func StateEchoedOrRefusedCleanly(id string, e *Ending, sent string) error {
	if !e.Left {
		if e.Status >= 500 {
			return Fail(id, "a %d-character state made the server fail: %s", len(sent), e.Describe())
		}
		return nil // refused on an error page, or 414 URI Too Long
	}
	if ps, ok := e.ErrorParams(); ok {
		code, _ := ps.Get("error")
		if code != "invalid_request" {
			return Fail(id, "a %d-character state was answered with error=%s, expected an exact echo or invalid_request", len(sent), code)
		}
		if got, has := ps.Get("state"); has && got != sent {
			return Fail(id, "a %d-character state was refused but returned altered (%d characters)", len(sent), len(got))
		}
		return nil
	}
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	got, ok := ps.Get("state")
	switch {
	case !ok:
		return Fail(id, "a %d-character state was not echoed", len(sent))
	case got != sent && strings.HasPrefix(sent, got):
		return Fail(id, "a %d-character state was truncated to %d characters", len(sent), len(got))
	case got != sent:
		return Fail(id, "a %d-character state was echoed altered (%d characters back)", len(sent), len(got))
	}
	return nil
}

// NoStateParameter judges STATE-06: a request without a state value gets no
// state parameter back at all, not even an empty one.
func NoStateParameter(id string, e *Ending) error {
	if !e.Left {
		return nil
	}
	for _, where := range []fragment.Params{e.Fragment, e.Query, e.Form} {
		if v, ok := where.Get("state"); ok {
			return Fail(id, "no state value was sent, but the response carries state=%q", v)
		}
	}
	return nil
}

// RepeatedParamRefused judges AEP-05 and STATE-07: a request with a parameter
// sent twice is refused with invalid_request or on an error page; issuing a
// token is a failure (RFC 6749 §3.1: parameters "MUST NOT be included more than
// once").
func RepeatedParamRefused(id string, e *Ending, name string) error {
	if !e.Left {
		return nil
	}
	if ps, ok := e.ErrorParams(); ok {
		if code, _ := ps.Get("error"); code != "invalid_request" {
			return Fail(id, "%s sent twice: expected error=invalid_request, got error=%s", name, code)
		}
		return nil
	}
	if ClientGetsToken(id, e) == nil {
		if name == "state" {
			return Fail(id, "state sent twice, yet a token was issued (state returned: %q)", e.TokenParams().All("state"))
		}
		return Fail(id, "%s sent twice, yet a token was issued", name)
	}
	return Fail(id, "%s sent twice: expected invalid_request, got %s", name, e.Describe())
}

// --- where the response goes ---

// ErrorInFragment judges FRAG-05: an error response to an implicit request is
// in the fragment (RFC 6749 §4.2.2.1), not the query.
func ErrorInFragment(id string, e *Ending) error {
	if _, ok := e.Response().Get("error"); ok {
		return nil
	}
	if code, ok := e.Query.Get("error"); ok {
		return Fail(id, "error=%s is in the query of the redirect URI, not the fragment (%s)", code, e.Describe())
	}
	return Fail(id, "expected an error response in the fragment, got %s", e.Describe())
}

// NoTokenInQuery judges FRAG-07: whatever the request asked, no access token
// is put in the query (MRT §5).
func NoTokenInQuery(id string, e *Ending) error {
	if w := e.carriers("access_token"); strings.Contains(strings.Join(w, ","), "query") {
		return Fail(id, "response_mode=query was honoured: the access token is in the query of %s", redact.Params(e.Target))
	}
	return nil
}

// NotServed judges FRAG-06: the request was not served — an error response or
// an error page; an issued token means the request was accepted.
func NotServed(id string, e *Ending, what string) error {
	if ClientGetsToken(id, e) == nil {
		return Fail(id, "%s was ignored: an access token was issued (%s)", what, e.Describe())
	}
	return nil
}

// --- form_post ---

// FormPostPage judges FP-01: the response arrives by a self-submitting POST
// form whose action is byte-equal to the redirect URI, with the parameters as
// hidden inputs, on a 200 HTML page, nothing in the URL (Form Post Response
// Mode §2).
func FormPostPage(id string, e *Ending, redirectURI string, status int, contentType string, body []byte) error {
	if !e.Left {
		return Fail(id, "expected a form POST to the client, but the flow %s", e.Describe())
	}
	if e.Method != "POST" {
		return Fail(id, "expected the response posted to %s, got a %s navigation: %s", redirectURI, e.Method, e.Describe())
	}
	if e.Target != redirectURI {
		return Fail(id, "the form's action is not the redirect URI: expected %q, got %q", redirectURI, redact.Params(e.Target))
	}
	if _, ok := e.Form.Get(e.credential()); !ok {
		return Fail(id, "the posted form carries no %s (got %s)", e.credential(), names(e.Form))
	}
	if status != 200 {
		return Fail(id, "the form_post page was answered with HTTP %d, expected 200", status)
	}
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "text/html" {
		return Fail(id, "the form_post page is %q, expected text/html", contentType)
	}
	doc, err := html.ParseWithOptions(strings.NewReader(string(body)), html.ParseOptionEnableScripting(false))
	if err != nil {
		return Fail(id, "the form_post page cannot be read as HTML: %v", err)
	}
	var form *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "form" && attrOf(n, "action") == redirectURI {
			form = n
			break
		}
	}
	if form == nil {
		return Fail(id, "the form_post page has no form whose action is %q", redirectURI)
	}
	if m := attrOf(form, "method"); !strings.EqualFold(m, "post") {
		return Fail(id, "the form_post form's method is %q, expected post", m)
	}
	// The browser posts application/x-www-form-urlencoded unless told otherwise.
	if et := attrOf(form, "enctype"); et != "" && !strings.EqualFold(et, "application/x-www-form-urlencoded") {
		return Fail(id, "the form_post form's enctype is %q, expected application/x-www-form-urlencoded", et)
	}
	// A submit control of a no-script fallback may add its own name; it
	// is not a response parameter.
	hidden, control := map[string]bool{}, map[string]bool{}
	for n := range form.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch typ := strings.ToLower(attrOf(n, "type")); {
		case n.Data == "input" && typ == "hidden":
			hidden[attrOf(n, "name")] = true
		case n.Data == "button", n.Data == "input" && (typ == "submit" || typ == "image" || typ == "button"):
			control[attrOf(n, "name")] = true
		}
	}
	for _, name := range e.Form.Names() {
		if !hidden[name] && !control[name] {
			return Fail(id, "the parameter %s is posted but is not a hidden input of the form", name)
		}
	}
	return nil
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// NoStore judges FP-02: the Cache-Control header holds the no-store directive
// (Form Post Response Mode §2).
func NoStore(id string, cacheControl []string) error {
	for _, h := range cacheControl {
		for d := range strings.SplitSeq(h, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(name, "no-store") {
				return nil
			}
		}
	}
	return Fail(id, "the page carrying the response has Cache-Control %q, expected no-store", strings.Join(cacheControl, ", "))
}

// ErrorPosted judges FP-03: an error to a form_post request is posted too, with
// the state.
func ErrorPosted(id string, e *Ending, sent string) error {
	if !e.Left {
		return Fail(id, "expected the error posted to the client, but the flow %s", e.Describe())
	}
	if e.Method != "POST" {
		return Fail(id, "response_mode=form_post was asked, but the error came by a %s navigation: %s", e.Method, e.Describe())
	}
	if _, ok := e.Form.Get("error"); !ok {
		return Fail(id, "the posted form carries no error (got %s)", names(e.Form))
	}
	if got, ok := e.Form.Get("state"); !ok || got != sent {
		return Fail(id, "the posted error does not carry the state: sent %q, got %q", sent, got)
	}
	return nil
}

// --- encoding ---

// FragmentDecodes judges FRAG-03: the response is
// application/x-www-form-urlencoded over UTF-8: no malformed percent-escape,
// no invalid UTF-8 (RFC 6749 App. B).
func FragmentDecodes(id string, e *Ending) error {
	if !e.Left {
		return Fail(id, "expected a response sent to the client, but the flow %s", e.Describe())
	}
	for _, p := range e.Problems {
		if p.Kind == fragment.MalformedEscape || p.Kind == fragment.InvalidUTF8 {
			return Fail(id, "the response is not application/x-www-form-urlencoded over UTF-8: %s in %s", p.Reason, redact.Params(p.Raw))
		}
	}
	return nil
}

// FragmentFullyEncoded judges FRAG-03: no character the encoding would escape
// appears raw (RFC 6749 App. B; RFC 3986 §3.5 allows no raw space, '"', '<',
// '#' or non-ASCII byte in a fragment).
func FragmentFullyEncoded(id string, e *Ending) error {
	if !e.Left {
		return Fail(id, "expected a response sent to the client, but the flow %s", e.Describe())
	}
	for _, p := range e.Problems {
		if p.Kind == fragment.UnencodedChar {
			return Fail(id, "a character is written unencoded: %s in %s", p.Reason, redact.Params(p.Raw))
		}
	}
	return nil
}

// NoRepeatedParams judges FRAG-04: no response parameter appears twice
// (RFC 6749 §3.1).
func NoRepeatedParams(id string, e *Ending) error {
	ps, err := tokenResponse(id, e)
	if err != nil {
		return err
	}
	if rep := ps.Repeated(); len(rep) > 0 {
		return Fail(id, "response parameters appear more than once: %s", strings.Join(rep, ", "))
	}
	return nil
}

// Iss judges FRAG-08: the iss response parameter (RFC 9207 §2), in ps, equals
// the issuer when present; when the metadata advertises it, it must be present.
func Iss(id string, ps fragment.Params, issuer string, advertised bool, what string) error {
	got, ok := ps.Get("iss")
	switch {
	case !ok && advertised:
		return Fail(id, "the metadata sets authorization_response_iss_parameter_supported, but the %s carries no iss", what)
	case ok && got != issuer:
		return Fail(id, "iss in the %s is %q, expected the issuer %q", what, got, issuer)
	}
	return nil
}

// --- the token response ---

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
