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

// NeverRedirected judges the catalogue's NR rule, for AEP-05, CID-01, RDR-03,
// RDR-04, RDR-05, RDR-06, RDR-07, RDR-08, RDR-09, RDR-10, RDR-12, RDR-13,
// RDR-14, RDR-15, RDR-16, RDR-17, RDR-19, RDR-22, RDR-24 and OIDC-06: the browser is
// not sent away from the server at all — not to the URI given, not to a
// registered one — by a 3xx, a meta refresh, a self-submitting form or a
// script.
func NeverRedirected(id string, e *Ending) error {
	if e.Left {
		return Fail(id, "expected no redirect, but the browser was %s", e.Describe())
	}
	return nil
}

// RedirectURIValidatedFirst judges RDR-24: a request whose redirect URI uri
// is not registered, and that has another error besides (an unknown
// response_type, an invalid scope, a repeated parameter, a missing nonce,
// prompt=none without a session), ends at the server under the NR rule. The
// redirect URI is validated before anything is reported through it (RFC
// 6749 §3.1.2.4, §4.2.2.1: the server "MUST NOT automatically redirect the
// user-agent to the invalid redirection URI"), so the other error, if sent
// to the browser at all, is sent on a page.
func RedirectURIValidatedFirst(id string, e *Ending, uri string) error {
	if ps, where, ok := e.errorResponse(); ok {
		code, _ := ps.Get("error")
		return Fail(id, "the redirect URI %q is not registered, so the request's other error must not be sent through it: "+
			"expected an error page, but error=%s was sent in the %s: the browser was %s", redact.Params(uri), code, where, e.Describe())
	}
	if err := NoToken(id, e); err != nil {
		return err
	}
	return NeverRedirected(id, e)
}

// TargetIs judges RDR-01 and RDR-11, and RDR-18 through TokenAt: the browser
// is sent to exactly this URI, byte for byte, before the fragment (RFC 6749
// §3.1.2.3: simple string comparison).
func TargetIs(id string, e *Ending, want string) error {
	if !e.Left {
		return Fail(id, "expected a redirect to %s, but the flow %s", want, e.Describe())
	}
	if got := e.TargetBeforeFragment(); got != want {
		return Fail(id, "redirect URI not used exactly as registered: expected %q, got %q", want, redact.Params(got))
	}
	return nil
}
