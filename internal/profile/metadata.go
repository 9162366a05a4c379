package profile

import (
	"slices"
	"strings"
)

// Metadata is the target's discovery document (RFC 8414 §2, OpenID Connect
// Discovery §3) as decoded JSON. Its accessors read the members the harness
// uses, so that no caller type-asserts JSON values itself. A nil Metadata
// (no document) answers every accessor as an absent member.
type Metadata map[string]any

// Strings returns the string array under key, and whether the key is present.
func (m Metadata) Strings(key string) ([]string, bool) {
	v, ok := m[key]
	if !ok {
		return nil, false
	}
	arr, _ := v.([]any)
	var out []string
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out, true
}

// String returns the string member under key ("" when absent or not a string).
func (m Metadata) String(key string) string {
	s, _ := m[key].(string)
	return s
}

// Issuer is the issuer identifier the document names.
func (m Metadata) Issuer() string { return m.String("issuer") }

// AuthorizationEndpoint is the authorization_endpoint the document names.
func (m Metadata) AuthorizationEndpoint() string { return m.String("authorization_endpoint") }

// JWKSURI is the jwks_uri, where ID token signing keys are published.
func (m Metadata) JWKSURI() string { return m.String("jwks_uri") }

// RegistrationEndpoint is the RFC 7591 registration_endpoint.
func (m Metadata) RegistrationEndpoint() string { return m.String("registration_endpoint") }

// IssParameterSupported is authorization_response_iss_parameter_supported
// (RFC 9207 §3).
func (m Metadata) IssParameterSupported() bool {
	b, _ := m["authorization_response_iss_parameter_supported"].(bool)
	return b
}

// ResponseTypes returns response_types_supported and whether it is present.
func (m Metadata) ResponseTypes() ([]string, bool) { return m.Strings("response_types_supported") }

// ScopesSupported returns scopes_supported and whether it is present.
func (m Metadata) ScopesSupported() ([]string, bool) { return m.Strings("scopes_supported") }

// ListsResponseType reports whether response_types_supported lists rt;
// composite values compare as sets of words (RFC 6749 §3.1.1: "The order of
// values does not matter").
func (m Metadata) ListsResponseType(rt string) bool {
	vs, _ := m.ResponseTypes()
	return slices.ContainsFunc(vs, func(v string) bool { return SameResponseType(v, rt) })
}

// ResponseModes returns response_modes_supported, or its default
// ["query", "fragment"] when absent (RFC 8414 §2).
func (m Metadata) ResponseModes() (modes []string, declared bool) {
	if vs, ok := m.Strings("response_modes_supported"); ok {
		return vs, true
	}
	return []string{"query", "fragment"}, false
}

// GrantTypes returns grant_types_supported, or its default
// ["authorization_code", "implicit"] when absent (RFC 8414 §2).
func (m Metadata) GrantTypes() (types []string, declared bool) {
	if vs, ok := m.Strings("grant_types_supported"); ok {
		return vs, true
	}
	return []string{"authorization_code", "implicit"}, false
}

// SameResponseType compares two response_type values as sets of
// space-delimited words (RFC 6749 §3.1.1).
func SameResponseType(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
