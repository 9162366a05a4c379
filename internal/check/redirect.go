package check

import (
	"strings"

	"github.com/implicitspec/implicitspec/internal/redact"
)

// NoFallback judges RDR-21: when the redirect URI given is refused, the browser
// is not sent to one of the client's registered URIs instead, with an error or
// a token (RFC 6749 §4.2.2.1: "MUST NOT automatically redirect"). Other
// departures are the NR rule's business (NeverRedirected).
func NoFallback(id string, e *Ending, registered []string) error {
	if !e.Left {
		return nil
	}
	got := beforeAny(e.Target, "?#")
	for _, reg := range registered {
		if got == beforeAny(reg, "?#") {
			return Fail(id, "the redirect URI was refused, but the browser was %s, a registered redirect URI", e.Describe())
		}
	}
	return nil
}

// AtURIOrNotRedirected judges RDR-02: the flow either stops at the server, or
// ends at exactly uri (before the fragment).
func AtURIOrNotRedirected(id string, e *Ending, uri string) error {
	if !e.Left {
		return nil
	}
	if got := e.TargetBeforeFragment(); got != uri {
		return Fail(id, "without redirect_uri the response must go to the one registered URI %q, but the browser was sent to %q", uri, redact.Params(got))
	}
	return nil
}

// TokenAt judges RDR-18: an access token is delivered, at exactly uri.
func TokenAt(id string, e *Ending, uri string) error {
	if err := ClientGetsToken(id, e); err != nil {
		return err
	}
	return TargetIs(id, e, uri)
}

func beforeAny(s, chars string) string {
	if i := strings.IndexAny(s, chars); i >= 0 {
		return s[:i]
	}
	return s
}

// RegistrationRefused judges RDR-12, RDR-20 and RDR-23: a dynamic client
// registration with invalid redirect URIs is refused with HTTP 400 and
// invalid_redirect_uri or invalid_client_metadata (RFC 7591 §3.2.2).
func RegistrationRefused(id string, status int, code, what string) error {
	switch {
	case status >= 200 && status < 300:
		return Fail(id, "the registration of %s was accepted (HTTP %d); expected HTTP 400 invalid_redirect_uri or invalid_client_metadata", what, status)
	case status != 400:
		return Fail(id, "the registration of %s was answered HTTP %d; expected HTTP 400 invalid_redirect_uri or invalid_client_metadata (RFC 7591 §3.2.2)", what, status)
	case code != "invalid_redirect_uri" && code != "invalid_client_metadata":
		return Fail(id, "the registration of %s was refused with error=%q; expected invalid_redirect_uri or invalid_client_metadata (RFC 7591 §3.2.2)", what, code)
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
