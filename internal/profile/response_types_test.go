package profile

import (
	"reflect"
	"testing"
)

func TestResponseTypes(t *testing.T) {
	p, err := Parse([]byte(minimal+"response_types: [token, \"id_token token\", id_token]\n"), "/d", env(map[string]string{"PW": secret}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"token", "id_token token", "id_token"}
	if !reflect.DeepEqual(p.ResponseTypes, want) {
		t.Errorf("ResponseTypes = %q, want %q", p.ResponseTypes, want)
	}
	r := p.Redacted()
	r.ResponseTypes[0] = "changed"
	if p.ResponseTypes[0] != "token" {
		t.Error("Redacted shares ResponseTypes with the original")
	}
	if _, err := Parse([]byte(minimal+"response_types: token\n"), "/d", env(map[string]string{"PW": secret})); err == nil {
		t.Error("a scalar response_types was accepted; want a list")
	}
}
