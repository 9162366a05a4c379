package steps

import (
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/profile"
)

// An OpenID Connect server that refuses plain response_type=token by design
// (oidc-provider: response_types_supported ["id_token token","id_token","code"])
// skips the scenarios that need that grant instead of failing them.
func TestUnofferedTokenRefusal(t *testing.T) {
	oidcOnly := map[string]any{"response_types_supported": []any{"id_token token", "id_token", "code"}}
	withToken := map[string]any{"response_types_supported": []any{"code", "token", "id_token token"}}
	const cb = "http://127.0.0.1:8080/cb"
	ending := func(target string) *check.Ending {
		q, f, has := fragment.FromURL(target)
		e := &check.Ending{Left: true, Method: "GET", Target: target, ToClient: true, HasFragment: has}
		e.Query, _ = fragment.Parse(q)
		e.Fragment, _ = fragment.Parse(f)
		return e
	}
	refused := ending(cb + "#error=unsupported_response_type&error_description=unsupported+response_type+requested&state=s&iss=x")
	plain := authz.Baseline("https://as.test/auth", "c", cb, "openid", "s")
	oidc := authz.Baseline("https://as.test/auth", "c", cb, "openid", "s")
	oidc.Set("response_type", "id_token token")
	tests := []struct {
		name     string
		ids      []string
		p        *profile.Profile
		req      *authz.Request
		e        *check.Ending
		wantSkip bool
	}{
		{"refused, metadata leaves token out", []string{"STATE-01"}, &profile.Profile{Metadata: oidcOnly}, plain, refused, true},
		{"refused, the profile's response_types leave token out", []string{"STATE-01"}, &profile.Profile{ResponseTypes: []string{"id_token"}, Metadata: withToken}, plain, refused, true},
		{"RT-03 judges the refusal itself", []string{"RT-03"}, &profile.Profile{Metadata: oidcOnly}, plain, refused, false},
		{"META-01 judges the refusal itself", []string{"META-01"}, &profile.Profile{Metadata: oidcOnly}, plain, refused, false},
		{"metadata lists token: a refusal is judged", []string{"STATE-01"}, &profile.Profile{Metadata: withToken}, plain, refused, false},
		{"no metadata: a refusal is judged", []string{"STATE-01"}, &profile.Profile{}, plain, refused, false},
		{"an OpenID Connect type is judged", []string{"OIDC-02"}, &profile.Profile{Metadata: oidcOnly}, oidc, refused, false},
		{"a token issued against the metadata is judged", []string{"STATE-01"}, &profile.Profile{Metadata: oidcOnly}, plain, ending(cb + "#access_token=a&token_type=Bearer&state=s"), false},
		{"another error is judged", []string{"ERR-01"}, &profile.Profile{Metadata: oidcOnly}, plain, ending(cb + "#error=access_denied&state=s"), false},
		{"an error page (no redirect) is judged", []string{"RDR-04"}, &profile.Profile{Metadata: oidcOnly}, plain, &check.Ending{StoppedAt: "https://as.test/auth", Status: 400}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unofferedTokenRefusal(tt.ids, tt.p, tt.req, tt.e)
			if (got != "") != tt.wantSkip {
				t.Fatalf("skip reason %q, want skip %v", got, tt.wantSkip)
			}
			if tt.wantSkip && !strings.Contains(got, "RFC 6749 §4.2.2.1") {
				t.Errorf("reason %q does not cite the clause", got)
			}
		})
	}
}
