package check

import (
	"slices"
	"strings"
)

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
// the scope response parameter" when the grant differs). A refusal on an
// error page, where the client and redirect URI are valid, is a warning:
// §4.2.2.1 has the server inform the client by redirecting with
// invalid_scope, and a page leaves the client without an answer.
func UnknownScopeNotGranted(id string, e *Ending, unknown string) error {
	if !e.Left {
		return Warn(id, "the unknown scope %q was refused on an error page, so the client never hears why: "+
			"expected error=invalid_scope sent to the redirect URI, or a token whose scope leaves it out, but the flow %s", unknown, e.Describe())
	}
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
