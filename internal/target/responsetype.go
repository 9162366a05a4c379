package target

import (
	"fmt"
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/profile"
)

// The implicit response types, in the order the harness prefers them for
// the response type under test: plain OAuth first, then OpenID Connect's
// (catalogue §1.1, "The response type under test"; RFC 7591 §2.1 maps all
// three to the implicit grant).
const (
	Token        = "token"
	IDTokenToken = "id_token token"
	IDToken      = "id_token"
)

// Implicit lists the implicit response types in order of preference.
func Implicit() []string { return []string{Token, IDTokenToken, IDToken} }

// IsOpenIDConnect reports whether rt asks for an ID token: the request then
// needs the openid scope and a nonce (OpenID Connect Core §3.1.2.1, §3.2.2.1).
func IsOpenIDConnect(rt string) bool { return slices.Contains(strings.Fields(rt), "id_token") }

// IssuesAccessToken reports whether rt asks for an access token.
func IssuesAccessToken(rt string) bool { return slices.Contains(strings.Fields(rt), "token") }

// Credential is the response parameter that carries what rt asks for: the
// ID token for an OpenID Connect type without token, else the access token
// (also for a malformed type: a token issued for it is what is looked for).
func Credential(rt string) string {
	if IsOpenIDConnect(rt) && !IssuesAccessToken(rt) {
		return "id_token"
	}
	return "access_token"
}

// Listed returns the response types the target says it serves to its
// implicit client: the profile's response_types, else the discovery
// document's response_types_supported; nil when neither says.
func (t *Target) Listed() (types []string, source string) {
	if len(t.Profile.ResponseTypes) > 0 {
		return t.Profile.ResponseTypes, "the target profile's response_types"
	}
	if vs, ok := t.Meta().ResponseTypes(); ok {
		return vs, "response_types_supported of " + t.Profile.MetadataURL
	}
	return nil, ""
}

// lists reports whether the target's list names rt (word order aside).
func (t *Target) lists(rt string) (listed, known bool) {
	types, _ := t.Listed()
	if types == nil {
		return false, false
	}
	return slices.ContainsFunc(types, func(s string) bool { return profile.SameResponseType(s, rt) }), true
}

// Offers says whether the target serves response type rt to its implicit
// client, and why not. For the implicit types the preflight's probe decides
// (a listed type that the baseline request could not complete is not
// offered, whatever the list says: scenario META-01 judges the list); any
// other type is offered when listed.
func (t *Target) Offers(rt string) (bool, string) {
	for key, pr := range t.probes {
		if profile.SameResponseType(key, rt) {
			if pr.OK {
				return true, ""
			}
			return false, fmt.Sprintf("response_type %q is not offered: the baseline request for it %s", rt, pr.Describe)
		}
	}
	listed, known := t.lists(rt)
	types, source := t.Listed()
	switch {
	case !known:
		return false, fmt.Sprintf("response_type %q is not offered: neither the target profile's response_types nor a discovery document lists it", rt)
	case !listed:
		return false, fmt.Sprintf("response_type %q is not offered (%s: %s)", rt, source, strings.Join(types, ", "))
	}
	return true, ""
}

// Offered lists the implicit response types the preflight proved, in order
// of preference.
func (t *Target) Offered() []string {
	var out []string
	for _, rt := range Implicit() {
		if t.probes[rt].OK {
			out = append(out, rt)
		}
	}
	return out
}

// WithResponseType is a copy of the target whose response type under test
// is rt; the copy shares the control cache (a run per response type).
func (t *Target) WithResponseType(rt string) *Target {
	c := *t
	c.ResponseType = rt
	return &c
}
