package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// errorResponse finds the error response in what reached the client: the
// response parameters (fragment or form), else the query. where names it.
func (e *Ending) errorResponse() (ps fragment.Params, where string, ok bool) {
	if !e.Left {
		return nil, "", false
	}
	if _, has := e.Response().Get("error"); has {
		where = "fragment"
		if e.Method == "POST" {
			where = "form body"
		}
		return e.Response(), where, true
	}
	if _, has := e.Query.Get("error"); has {
		return e.Query, "query", true
	}
	return nil, "", false
}

// HasErrorResponse reports whether an error response reached the client, in
// the fragment, the form or the query. It judges nothing: the steps of the
// error-response rows (ERR-*) skip when there is none to judge.
func HasErrorResponse(e *Ending) bool {
	_, _, ok := e.errorResponse()
	return ok
}

// OutcomeKind says in a few words what kind of answer the flow ended in: an
// access token, an error response with its code, a page of the server, or a
// departure carrying neither. Two requests the specification treats alike
// must end in the same kind. It judges nothing: SameOutcome compares two.
func OutcomeKind(e *Ending) string {
	switch {
	case !e.Left:
		return "a page of the server"
	case e.issued():
		return "an " + e.credentialName()
	}
	if ps, _, ok := e.errorResponse(); ok {
		code, _ := ps.Get("error")
		return fmt.Sprintf("error=%s", code)
	}
	if e.ToClient {
		return "a redirect to the client with neither token nor error"
	}
	return "a departure to another site"
}

// SameOutcome judges AEP-03 and RT-02: two requests that must be treated alike
// end in the same kind of answer (AEP-03: an empty parameter is an omitted one;
// RT-02: the words of a composite response_type are unordered).
func SameOutcome(id string, first, second *Ending, firstLabel, secondLabel string) error {
	a, b := OutcomeKind(first), OutcomeKind(second)
	if a == b {
		return nil
	}
	return Fail(id, "the two requests were treated differently: %s ended in %s (%s), %s ended in %s (%s)",
		firstLabel, a, first.Describe(), secondLabel, b, second.Describe())
}

// Refused judges AEP-05, RT-02 and STATE-07: the request is refused — by an
// error response to the client (in the fragment or the query) or on a page of
// the server — and no credential is issued.
func Refused(id string, e *Ending) error {
	if err := NoToken(id, e); err != nil {
		return err
	}
	if !e.Left || HasErrorResponse(e) {
		return nil
	}
	return Fail(id, "expected the request to be refused, but the flow %s with no error", e.Describe())
}

// RefusedWith judges RT-01: Refused, and an error response sent to the client
// carries one of codes. RFC 6749 §3.1.1 points to the query-encoded §4.1.2.1
// for response_type errors, so the query is accepted as well as the fragment.
func RefusedWith(id string, e *Ending, codes ...string) error {
	if err := Refused(id, e); err != nil {
		return err
	}
	if ps, where, ok := e.errorResponse(); ok {
		if code, _ := ps.Get("error"); !slices.Contains(codes, code) {
			return Fail(id, "expected error=%s, got error=%s in the %s", strings.Join(codes, " or error="), code, where)
		}
	}
	return nil
}

// ToldError judges RT-02: the client is told error=code, in the fragment or
// (for the response_type errors of RFC 6749 §3.1.1) the query.
func ToldError(id string, e *Ending, code string) error {
	if !e.Left {
		return Fail(id, "expected error=%s sent to the client, but the flow %s", code, e.Describe())
	}
	if e.issued() {
		return Fail(id, "expected error=%s, but an access token was issued", code)
	}
	ps, where, ok := e.errorResponse()
	if !ok {
		return Fail(id, "expected error=%s, got no error parameter (%s; parameters: %s)", code, e.Describe(), names(e.Response()))
	}
	if got, _ := ps.Get("error"); got != code {
		return Fail(id, "expected error=%s, got error=%s in the %s", code, got, where)
	}
	return nil
}

// grantedScope is the scope parameter of a success response.
func grantedScope(e *Ending) (tokens []string, returned bool) {
	v, ok := e.Response().Get("scope")
	if !ok {
		return nil, false
	}
	return strings.Fields(v), true
}

// UnknownScopeNotGranted judges SCOPE-01: an unknown scope is refused, or the
// token is issued with a scope parameter that leaves it out. A token with no
// scope parameter hides the narrowing (RFC 6749 §3.3: the server "MUST include
// the scope response parameter" when the grant differs).
func UnknownScopeNotGranted(id string, e *Ending, unknown string) error {
	if !e.issued() {
		return nil
	}
	tokens, returned := grantedScope(e)
	switch {
	case !returned:
		return Fail(id, "scope %q is unknown, yet a token was issued with no scope parameter to say what was granted", unknown)
	case slices.Contains(tokens, unknown):
		return Fail(id, "the unknown scope %q was granted: the response says scope=%q", unknown, strings.Join(tokens, " "))
	}
	return nil
}

// served: the browser was sent on with no error. Whether the token is a good
// one (TOK-01) and where it went (RDR-01) are judged by their own scenarios.
func (e *Ending) served() bool {
	return e.Left && !HasErrorResponse(e)
}

// Served judges AEP-04 and AEP-06: the request is served, not refused (AEP-04:
// unknown parameters and the order of parameters or scope tokens change
// nothing; AEP-06: the endpoint's own query is kept and changes nothing).
func Served(id string, e *Ending) error {
	if e.served() {
		return nil
	}
	if ps, where, ok := e.errorResponse(); ok {
		code, _ := ps.Get("error")
		return Fail(id, "the request was refused with error=%s in the %s", code, where)
	}
	return Fail(id, "the request was not served: the flow %s", e.Describe())
}

// DefaultScopeOrInvalidScope judges SCOPE-02: a request without scope is served
// (with the server's default) or refused with invalid_scope.
func DefaultScopeOrInvalidScope(id string, e *Ending) error {
	if e.served() {
		return nil
	}
	if ps, where, ok := e.errorResponse(); ok {
		if code, _ := ps.Get("error"); code != "invalid_scope" {
			return Fail(id, "a request without scope must get the default scope or invalid_scope, got error=%s in the %s", code, where)
		}
		return nil
	}
	return Fail(id, "a request without scope must get the default scope or invalid_scope, but the flow %s", e.Describe())
}

// MalformedScopeNotGranted judges SCOPE-03: a scope token outside NQCHAR is not
// granted: refused, or left out of a returned scope.
func MalformedScopeNotGranted(id string, e *Ending, sent string) error {
	if !e.issued() {
		return nil
	}
	tokens, returned := grantedScope(e)
	if !returned {
		return Fail(id, "the malformed scope %q was accepted: a token was issued with no scope parameter", sent)
	}
	for _, t := range tokens {
		if !nqchars(t) {
			return Fail(id, "the malformed scope %q was granted: the response says scope=%q", sent, strings.Join(tokens, " "))
		}
	}
	return nil
}

// nqchars: every byte is NQCHAR (%x21 / %x23-5B / %x5D-7E, RFC 6749 A.4).
func nqchars(s string) bool {
	return allIn(s, func(c byte) bool { return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E) })
}

// nqschars: every byte is NQSCHAR (%x20-21 / %x23-5B / %x5D-7E, A.7, A.8).
func nqschars(s string) bool {
	return allIn(s, func(c byte) bool { return c == 0x20 || nqchars(string(c)) })
}

func allIn(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// registeredErrors are the authorization endpoint's error codes: RFC 6749
// §4.2.2.1, OpenID Connect Core §3.1.2.6, and the entries of the IANA OAuth
// Extensions Error Registry used at the authorization endpoint.
var registeredErrors = []string{
	// RFC 6749 §4.1.2.1, §4.2.2.1
	"invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type",
	"invalid_scope", "server_error", "temporarily_unavailable",
	// OpenID Connect Core 1.0 §3.1.2.6
	"interaction_required", "login_required", "account_selection_required", "consent_required",
	"invalid_request_uri", "invalid_request_object", "request_not_supported",
	"request_uri_not_supported", "registration_not_supported",
	// IANA OAuth Extensions Error Registry (authorization endpoint)
	"invalid_target",                    // RFC 8707
	"invalid_authorization_details",     // RFC 9396
	"unmet_authentication_requirements", // OpenID Connect Core Unmet Authentication Requirements 1.0
	"session_selection_required",        // OpenID Connect Session Management
}

// theError returns the error response's code, or a Finding when there is
// none to judge (the steps skip before that).
func theError(id string, e *Ending) (fragment.Params, string, error) {
	ps, where, ok := e.errorResponse()
	if !ok {
		return nil, "", Fail(id, "expected an error response, but the flow %s", e.Describe())
	}
	return ps, where, nil
}

// ErrorCodeRegistered judges ERR-02 (SHOULD): the code is one RFC 6749, OpenID
// Connect or the IANA registry defines.
func ErrorCodeRegistered(id string, e *Ending) error {
	ps, where, err := theError(id, e)
	if err != nil {
		return err
	}
	code, _ := ps.Get("error")
	if slices.Contains(registeredErrors, code) {
		return nil
	}
	return Fail(id, "error=%q in the %s is not a code of RFC 6749, OpenID Connect or the IANA OAuth error registry", code, where)
}

// ErrorCodeCharacters judges ERR-02 (MUST): one error code, of NQSCHAR only
// (RFC 6749 §4.2.2.1: "MUST NOT include characters outside the set %x20-21 /
// %x23-5B / %x5D-7E").
func ErrorCodeCharacters(id string, e *Ending) error {
	ps, where, err := theError(id, e)
	if err != nil {
		return err
	}
	codes := ps.All("error")
	if len(codes) > 1 {
		return Fail(id, "the %s carries %d error parameters, expected a single error code", where, len(codes))
	}
	if !nqschars(codes[0]) || codes[0] == "" {
		return Fail(id, "error=%q holds characters outside %%x20-21 / %%x23-5B / %%x5D-7E", codes[0])
	}
	return nil
}

// ErrorTextCharacters judges ERR-03: error_description is NQSCHAR only, and
// error_uri is a URI-reference of %x21 / %x23-5B / %x5D-7E.
func ErrorTextCharacters(id string, e *Ending) error {
	ps, _, err := theError(id, e)
	if err != nil {
		return err
	}
	for _, d := range ps.All("error_description") {
		if !nqschars(d) {
			return Fail(id, "error_description %q holds characters outside %%x20-21 / %%x23-5B / %%x5D-7E", d)
		}
	}
	for _, u := range ps.All("error_uri") {
		if !nqchars(u) {
			return Fail(id, "error_uri %q holds characters outside %%x21 / %%x23-5B / %%x5D-7E", u)
		}
	}
	return nil
}

// errorParamsAllowed are the parameters of an error response (RFC 6749
// §4.2.2.1; RFC 9207 iss; OpenID Connect Session Management session_state).
var errorParamsAllowed = []string{"error", "error_description", "error_uri", "state", "iss", "session_state"}

// ErrorParamsOnly judges ERR-04 (SHOULD): an error response carries no other
// parameters (OpenID Connect Core §3.1.2.6).
func ErrorParamsOnly(id string, e *Ending) error {
	ps, where, err := theError(id, e)
	if err != nil {
		return err
	}
	var extra []string
	for _, n := range ps.Names() {
		// A credential beside an error is ERR-05's finding, not this one's.
		if !slices.Contains(errorParamsAllowed, n) && !slices.Contains(tokenParams, n) {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		return Fail(id, "the error response in the %s carries other parameters: %s (expected only %s)", where, strings.Join(extra, ", "), strings.Join(errorParamsAllowed, ", "))
	}
	return nil
}

// NoCredentialBesideError judges ERR-05: no access_token, code or id_token
// anywhere next to an error.
func NoCredentialBesideError(id string, e *Ending) error {
	if _, _, err := theError(id, e); err != nil {
		return err
	}
	for _, name := range tokenParams {
		if w := e.carriers(name); len(w) > 0 {
			return Fail(id, "the error response carries a credential (%s) in the %s", name, strings.Join(w, " and "))
		}
	}
	return nil
}

// NoServerError judges ERR-06: with a valid client and redirect URI, a failure
// is sent to the client as server_error or temporarily_unavailable, never shown
// as an HTTP 5xx (RFC 6749 §4.2.2.1: "a 500 Internal Server Error HTTP status
// code cannot be returned to the client via an HTTP redirect"). It reads
// every hop, an answer cut short included (its status was seen); a hop never
// sent has status 0.
func NoServerError(id string, xs []agent.Hop) error {
	for _, x := range xs {
		if x.Status >= 500 && x.Status <= 599 {
			return Fail(id, "%s answered HTTP %d instead of sending server_error or temporarily_unavailable to the client", redact.Params(x.URL), x.Status)
		}
	}
	return nil
}

// EndpointWithoutFragment judges AEP-06: the authorization endpoint URL, as
// configured and as advertised, has no fragment (RFC 6749 §3.1: "MUST NOT
// include a fragment component").
func EndpointWithoutFragment(id string, endpoints map[string]string) error {
	for _, where := range slices.Sorted(maps.Keys(endpoints)) {
		if u := endpoints[where]; strings.Contains(u, "#") {
			return Fail(id, "the authorization endpoint %s has a fragment: %q", where, u)
		}
	}
	return nil
}

// Succeeded reports whether the flow was served: it ended at the client
// with the credential parameter of the response type asked for and no
// error. This is the positive control of every negative verdict (catalogue
// §1.1): what the credential holds and where it went are judged elsewhere.
// It judges no requirement itself.
func Succeeded(e *Ending) bool {
	return e.answered() && !HasErrorResponse(e)
}
