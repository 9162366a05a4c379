package check

import (
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// ErrorCode judges RT-04 and ERR-01: the client receives an error response with
// this code, in the fragment (RFC 6749 §4.2.2.1) or, for form_post, in the
// form.
func ErrorCode(id string, e *Ending, want string) error {
	if !e.Left {
		return Fail(id, "expected error=%s sent to the client, but the flow %s", want, e.Describe())
	}
	if e.issued() {
		return Fail(id, "expected error=%s, but an %s was issued", want, e.credentialName())
	}
	got, ok := e.Response().Get("error")
	if !ok {
		if q, inQuery := e.Query.Get("error"); inQuery {
			return Fail(id, "error=%s is in the query, not the fragment (RFC 6749 §4.2.2.1)", q)
		}
		return Fail(id, "expected error=%s, got no error parameter (%s; parameters: %s)", want, e.Describe(), names(e.Response()))
	}
	if got != want {
		return Fail(id, "expected error=%s, got error=%s", want, got)
	}
	return nil
}

// HasErrorResponse reports whether an error response reached the client, in
// the fragment, the form or the query. It judges nothing: the steps of the
// error-response rows (ERR-*) skip when there is none to judge.
func HasErrorResponse(e *Ending) bool {
	_, _, ok := e.errorResponse()
	return ok
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
		// A 503 with Retry-After was waited out and sent again (agent.Polite):
		// the limit is not the answer judged here; the retry's answer is.
		if x.Status >= 500 && x.Status <= 599 && !x.Throttled {
			return Fail(id, "%s answered HTTP %d instead of sending server_error or temporarily_unavailable to the client", redact.Params(x.URL), x.Status)
		}
	}
	return nil
}
