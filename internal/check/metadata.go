package check

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/profile"
)

// Metadata is the discovery document with its typed accessors; the META-*
// checks below judge it, the profile package reads it. It judges nothing.
type Metadata = profile.Metadata

// TokenTypeListedAsServed judges META-01: response_types_supported lists
// "token" exactly when the server issued an access token (RFC 8414 §2:
// "REQUIRED [...] the response_type values that this authorization server
// supports").
func TokenTypeListedAsServed(id string, m Metadata, issued bool, how string) error {
	listed := m.ListsResponseType("token")
	vs, present := m.ResponseTypes()
	shown := fmt.Sprintf("%q", vs)
	if !present {
		shown = "absent"
	}
	switch {
	case issued && !listed:
		return Fail(id, "an access token was issued for response_type=token, but response_types_supported does not list \"token\" (it is %s)", shown)
	case !issued && listed:
		return Fail(id, "response_types_supported lists \"token\", but the implicit request got no access token: the flow %s", how)
	}
	return nil
}

// ListedModeWorks judges META-02: a response mode the document lists is
// honoured.
func ListedModeWorks(id, mode string, m Metadata, worked bool, how string) error {
	modes, _ := m.ResponseModes()
	if slices.Contains(modes, mode) && !worked {
		return Fail(id, "response_modes_supported lists %q, but a request with response_mode=%s was not answered that way: the flow %s", mode, mode, how)
	}
	return nil
}

// WorkingModeListed judges META-02: a response mode the server honours is
// listed (the default list is query and fragment only).
func WorkingModeListed(id, mode string, m Metadata, worked bool) error {
	modes, declared := m.ResponseModes()
	if worked && !slices.Contains(modes, mode) {
		src := "response_modes_supported is"
		if !declared {
			src = "response_modes_supported is absent, so it defaults to"
		}
		return Fail(id, "response_mode=%s works, but %s %q: clients will not use it", mode, src, modes)
	}
	return nil
}

// GrantTypesMatch judges META-02: grant_types_supported (or its default, which
// claims implicit) names "implicit" exactly when the implicit grant works.
func GrantTypesMatch(id string, m Metadata, issued bool) error {
	types, declared := m.GrantTypes()
	claims := slices.Contains(types, "implicit")
	src := fmt.Sprintf("grant_types_supported is %q", types)
	if !declared {
		src = "grant_types_supported is absent, and its default [\"authorization_code\", \"implicit\"] claims implicit"
	}
	switch {
	case issued && !claims:
		return Fail(id, "the implicit grant works, but %s", src)
	case !issued && claims:
		return Fail(id, "the implicit grant is refused, but %s", src)
	}
	return nil
}

// EndpointAndIssuer judges META-03: the document's authorization_endpoint is an
// https URL without a fragment (RFC 6749 §3.1) and its issuer is the one it was
// fetched for (RFC 8414 §3.3).
func EndpointAndIssuer(id string, m Metadata, issuer string) error {
	got, _ := m["issuer"].(string)
	if got != issuer {
		return Fail(id, "issuer in the document is %q, expected %q", got, issuer)
	}
	ep, ok := m["authorization_endpoint"].(string)
	if !ok || ep == "" {
		return Fail(id, "the document names no authorization_endpoint")
	}
	u, err := url.Parse(ep)
	switch {
	case err != nil:
		return Fail(id, "authorization_endpoint %q is not a URL: %v", ep, err)
	case !strings.EqualFold(u.Scheme, "https"):
		return Fail(id, "authorization_endpoint %q is not https", ep)
	case strings.Contains(ep, "#"):
		return Fail(id, "authorization_endpoint %q has a fragment", ep)
	}
	return nil
}
