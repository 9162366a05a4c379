package profile

import (
	"strings"
	"testing"
)

func TestMetadataAccessors(t *testing.T) {
	m := Metadata{
		"issuer":                   "https://as.test",
		"jwks_uri":                 "https://as.test/jwks",
		"registration_endpoint":    42, // not a string: absent
		"response_types_supported": []any{"code", "token id_token", 7},
		"authorization_response_iss_parameter_supported": true,
	}
	if m.Issuer() != "https://as.test" || m.JWKSURI() != "https://as.test/jwks" || m.RegistrationEndpoint() != "" || !m.IssParameterSupported() {
		t.Errorf("string members: %q %q %q %v", m.Issuer(), m.JWKSURI(), m.RegistrationEndpoint(), m.IssParameterSupported())
	}
	if rts, ok := m.ResponseTypes(); !ok || strings.Join(rts, ",") != "code,token id_token" {
		t.Errorf("ResponseTypes = %q, %v", rts, ok)
	}
	if !m.ListsResponseType("id_token token") || m.ListsResponseType("token") {
		t.Error("ListsResponseType compares words as a set, and only those")
	}
	if modes, declared := m.ResponseModes(); declared || strings.Join(modes, ",") != "query,fragment" {
		t.Errorf("ResponseModes default = %q, %v", modes, declared)
	}
	if types, declared := m.GrantTypes(); declared || strings.Join(types, ",") != "authorization_code,implicit" {
		t.Errorf("GrantTypes default = %q, %v", types, declared)
	}
	var none Metadata
	if none.Issuer() != "" || none.ListsResponseType("token") {
		t.Error("a nil document answers as absent")
	}
	if _, ok := none.ScopesSupported(); ok {
		t.Error("a nil document has no scopes_supported")
	}
}
