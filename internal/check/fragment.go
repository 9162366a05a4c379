package check

import (
	"strings"

	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// InFragment judges FRAG-01 and FRAG-06: the success parameters are in the
// fragment (RFC 6749 §4.2.2; OpenID Connect Core §3.2.2.5 for the ID token).
func InFragment(id string, e *Ending) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	if e.Method == "POST" {
		return Fail(id, "expected the response in the fragment of a redirect, got a form POST to %s", redact.Params(e.Target))
	}
	cred := e.credential()
	if _, ok := e.Fragment.Get(cred); ok {
		return nil
	}
	if w := e.carriers(cred); len(w) > 0 {
		return Fail(id, "%s is in the %s, not the fragment (%s)", cred, strings.Join(w, " and "), e.Describe())
	}
	if !e.HasFragment {
		return Fail(id, "the redirect has no fragment (%s)", e.Describe())
	}
	return Fail(id, "the fragment holds no %s, only %s", cred, names(e.Fragment))
}

// QueryAsRegistered judges FRAG-02: nothing is added to the redirect URI's
// query — no credential or response parameter leaks into it (MRT §5, RFC 6750
// §5.3).
func QueryAsRegistered(id string, e *Ending, registered string) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	regQuery, _, _ := fragment.FromURL(registered)
	gotQuery, _, _ := fragment.FromURL(e.Target)
	if gotQuery == regQuery {
		return nil
	}
	reg, _ := fragment.Parse(regQuery)
	var added []string
	for _, p := range e.Query {
		if reg.Count(p.Name) == 0 {
			added = append(added, p.Name)
		}
	}
	if len(added) > 0 {
		return Fail(id, "parameters added to the query of the redirect URI: %s (expected query %q)", strings.Join(unique(added), ", "), regQuery)
	}
	return Fail(id, "the query of the redirect URI changed: expected %q, got %q", regQuery, redact.Params(gotQuery))
}

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
