package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/redact"
)

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

// NotRedirectedOrInvalidRequestAt judges AEP-05: a request with redirect_uri
// sent twice with the same registered value is refused: by the no-redirect
// rule, or — the URI being in no doubt (RFC 6749 §4.2.2.1) — by an
// invalid_request error sent to exactly that URI with no credential.
func NotRedirectedOrInvalidRequestAt(id string, e *Ending, uri string) error {
	if err := NoToken(id, e); err != nil {
		return err
	}
	if !e.Left {
		return nil
	}
	ps, ok := e.ErrorParams()
	if !ok {
		return Fail(id, "expected no redirect or invalid_request at %q, but the browser was %s with no error", uri, e.Describe())
	}
	if code, _ := ps.Get("error"); code != "invalid_request" {
		return Fail(id, "expected no redirect or invalid_request at %q, got error=%s (%s)", uri, code, e.Describe())
	}
	if got := e.TargetBeforeFragment(); beforeAny(got, "?") != beforeAny(uri, "?") {
		return Fail(id, "the error was sent to %q, not to the redirect URI sent twice %q", redact.Params(got), uri)
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
