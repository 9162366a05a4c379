package check

import (
	"errors"
	"testing"
)

func TestResourceRefuses(t *testing.T) {
	const ep = "https://as.test/userinfo"
	tests := []struct {
		name      string
		withToken bool
		status    int
		challenge string
		want      string // "" = pass
		warning   bool
	}{
		{"no token: bare challenge", false, 401, `Bearer realm="example"`, "", false},
		{"no token: error named anyway", false, 401, `Bearer error="invalid_request"`, "", false},
		{"no token: accepted", false, 200, "", "was accepted at https://as.test/userinfo: expected HTTP 401 with a Bearer challenge, got HTTP 200", false},
		{"no token: no challenge", false, 401, "", "without the WWW-Authenticate header", false},
		{"no token: Basic", false, 401, `Basic realm="x"`, "not Bearer", false},
		{"bad token: invalid_token", true, 401, `Bearer realm="example", error="invalid_token", error_description="The access token expired"`, "", false},
		{"bad token: scheme in other case, spaces", true, 401, `bearer error = "invalid_token"`, "", false},
		{"bad token: Bearer after another challenge", true, 401, `Basic realm="a, b", Bearer error="invalid_token"`, "", false},
		{"bad token: error in another challenge only", true, 401, `Bearer realm="x", DPoP error="invalid_token"`, `should name error="invalid_token"`, true},
		{"bad token: accepted", true, 200, "", "was accepted", false},
		{"bad token: redirected to a login page", true, 302, "", "without the WWW-Authenticate header", false},
		{"bad token: no error", true, 401, `Bearer realm="x"`, `should name error="invalid_token"`, true},
		{"bad token: another error", true, 401, `Bearer error="invalid_request"`, `got HTTP 401 with WWW-Authenticate: Bearer error="invalid_request"`, true},
		{"bad token: 403", true, 403, `Bearer error="invalid_token"`, "not with the status 401 it should get: got HTTP 403", true},
		{"bad token: quoted comma before Bearer", true, 401, `Negotiate, Bearer realm="a,b", error="invalid_token"`, "", false},
	}
	for _, tt := range tests {
		err := ResourceRefuses("TOK-10", ep, "a request bearing a random token", tt.withToken, tt.status, tt.challenge)
		wantFinding(t, err, tt.want)
		var f *Finding
		if tt.want != "" && errors.As(err, &f) && f.Warning != tt.warning {
			t.Errorf("%s: warning %v, want %v", tt.name, f.Warning, tt.warning)
		}
	}
}
