package check

import (
	"errors"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/agent"
)

func TestRequestChecks(t *testing.T) {
	tests := []struct {
		name    string
		check   func(*Ending) error
		ending  *Ending
		wantErr string // "" = pass
	}{
		{"refused: page", func(e *Ending) error { return Refused("AEP-05", e) }, errorPage, ""},
		{"refused: error in fragment", func(e *Ending) error { return Refused("AEP-05", e) }, redirect(cb + "#error=invalid_request&state=s"), ""},
		{"refused: error in query", func(e *Ending) error { return Refused("AEP-05", e) }, redirect(cb + "?error=invalid_request&state=s"), ""},
		{"refused: token", func(e *Ending) error { return Refused("AEP-05", e) }, redirect(cb + "#access_token=t&state=s"), "a credential (access_token) was issued in the fragment"},
		{"refused: nothing", func(e *Ending) error { return Refused("AEP-05", e) }, redirect(cb + "#state=s"), "expected the request to be refused"},

		{"refused with: ok in query", func(e *Ending) error { return RefusedWith("RT-01", e, "invalid_request", "unsupported_response_type") }, redirect(cb + "?error=unsupported_response_type&state=s"), ""},
		{"refused with: other code", func(e *Ending) error { return RefusedWith("RT-01", e, "invalid_request", "unsupported_response_type") }, redirect(cb + "#error=server_error&state=s"), "expected error=invalid_request or error=unsupported_response_type, got error=server_error in the fragment"},
		{"refused with: page", func(e *Ending) error { return RefusedWith("RT-01", e, "invalid_request") }, errorPage, ""},

		{"told: fragment", func(e *Ending) error { return ToldError("RT-02", e, "unsupported_response_type") }, redirect(cb + "#error=unsupported_response_type"), ""},
		{"told: query", func(e *Ending) error { return ToldError("RT-02", e, "unsupported_response_type") }, redirect(cb + "?error=unsupported_response_type"), ""},
		{"told: imprecise", func(e *Ending) error { return ToldError("RT-02", e, "unsupported_response_type") }, redirect(cb + "#error=invalid_request"), "got error=invalid_request in the fragment"},
		{"told: page", func(e *Ending) error { return ToldError("RT-02", e, "unsupported_response_type") }, errorPage, "but the flow stopped on"},

		{"served: token", func(e *Ending) error { return Served("AEP-04", e) }, redirect(cb + "#access_token=t"), ""},
		{"served: refused", func(e *Ending) error { return Served("AEP-04", e) }, redirect(cb + "#error=invalid_request"), "refused with error=invalid_request in the fragment"},
		{"served: page", func(e *Ending) error { return Served("AEP-04", e) }, errorPage, "not served"},

		{"unknown scope: refused", func(e *Ending) error { return UnknownScopeNotGranted("SCOPE-01", e, "x") }, redirect(cb + "#error=invalid_scope"), ""},
		{"unknown scope: narrowed", func(e *Ending) error { return UnknownScopeNotGranted("SCOPE-01", e, "x") }, redirect(cb + "#access_token=t&scope=read"), ""},
		{"unknown scope: silent", func(e *Ending) error { return UnknownScopeNotGranted("SCOPE-01", e, "x") }, redirect(cb + "#access_token=t"), "no scope parameter"},
		{"unknown scope: granted", func(e *Ending) error { return UnknownScopeNotGranted("SCOPE-01", e, "x") }, redirect(cb + "#access_token=t&scope=read+x"), `the unknown scope "x" was granted`},
		{"unknown scope: error page", func(e *Ending) error { return UnknownScopeNotGranted("SCOPE-01", e, "x") }, errorPage, `the unknown scope "x" was refused on an error page, so the client never hears why`},
		{"unknown scope: other error redirect", func(e *Ending) error { return UnknownScopeNotGranted("SCOPE-01", e, "x") }, redirect(cb + "#error=invalid_request"), ""},

		{"default scope: served", defaultScopeOrInvalidScope, redirect(cb + "#access_token=t"), ""},
		{"default scope: invalid_scope", defaultScopeOrInvalidScope, redirect(cb + "?error=invalid_scope"), ""},
		{"default scope: other error", defaultScopeOrInvalidScope, redirect(cb + "#error=server_error"), "got error=server_error"},
		{"default scope: page", defaultScopeOrInvalidScope, errorPage, "but the flow stopped"},

		{"malformed scope: refused", func(e *Ending) error { return MalformedScopeNotGranted("SCOPE-03", e, `"x"`) }, errorPage, ""},
		{"malformed scope: dropped", func(e *Ending) error { return MalformedScopeNotGranted("SCOPE-03", e, `"x"`) }, redirect(cb + "#access_token=t&scope=read"), ""},
		{"malformed scope: granted", func(e *Ending) error { return MalformedScopeNotGranted("SCOPE-03", e, `"x"`) }, redirect(cb + "#access_token=t&scope=%22x%22"), "was granted"},
		{"malformed scope: silent", func(e *Ending) error { return MalformedScopeNotGranted("SCOPE-03", e, `a\b`) }, redirect(cb + "#access_token=t"), "no scope parameter"},

		{"registered: access_denied", func(e *Ending) error { return ErrorCodeRegistered("ERR-02", e) }, redirect(cb + "#error=access_denied"), ""},
		{"registered: OIDC", func(e *Ending) error { return ErrorCodeRegistered("ERR-02", e) }, redirect(cb + "#error=login_required"), ""},
		{"registered: invented", func(e *Ending) error { return ErrorCodeRegistered("ERR-02", e) }, redirect(cb + "?error=invalid_state"), `error="invalid_state" in the query is not a code`},

		{"code chars: ok", func(e *Ending) error { return ErrorCodeCharacters("ERR-02", e) }, redirect(cb + "#error=access_denied"), ""},
		{"code chars: quote", func(e *Ending) error { return ErrorCodeCharacters("ERR-02", e) }, redirect(cb + "#error=%22access_denied%22"), "holds characters outside"},
		{"code chars: non-ASCII", func(e *Ending) error { return ErrorCodeCharacters("ERR-02", e) }, redirect(cb + "#error=refus%C3%A9"), "holds characters outside"},
		{"code chars: two codes", func(e *Ending) error { return ErrorCodeCharacters("ERR-02", e) }, redirect(cb + "#error=a&error=b"), "2 error parameters"},

		{"text chars: ok", func(e *Ending) error { return ErrorTextCharacters("ERR-03", e) }, redirect(cb + "#error=x&error_description=No+way%21&error_uri=https%3A%2F%2Fas.test%2Fe%3Fa%3D1"), ""},
		{"text chars: quote", func(e *Ending) error { return ErrorTextCharacters("ERR-03", e) }, redirect(cb + "#error=x&error_description=say+%22no%22"), "error_description"},
		{"text chars: newline", func(e *Ending) error { return ErrorTextCharacters("ERR-03", e) }, redirect(cb + "#error=x&error_description=a%0Ab"), "error_description"},
		{"text chars: uri space", func(e *Ending) error { return ErrorTextCharacters("ERR-03", e) }, redirect(cb + "#error=x&error_uri=https%3A%2F%2Fas.test%2Fa+b"), "error_uri"},

		{"params: allowed", func(e *Ending) error { return ErrorParamsOnly("ERR-04", e) }, redirect(cb + "#error=x&error_description=d&state=s&iss=https%3A%2F%2Fas.test"), ""},
		{"params: extra", func(e *Ending) error { return ErrorParamsOnly("ERR-04", e) }, redirect(cb + "#error=x&trace_id=1&state=s"), "other parameters: trace_id"},
		{"params: credential left to ERR-05", func(e *Ending) error { return ErrorParamsOnly("ERR-04", e) }, redirect(cb + "#error=x&access_token=t"), ""},

		{"credential: none", func(e *Ending) error { return NoCredentialBesideError("ERR-05", e) }, redirect(cb + "#error=x&state=s"), ""},
		{"credential: token", func(e *Ending) error { return NoCredentialBesideError("ERR-05", e) }, redirect(cb + "#error=x&access_token=t"), "carries a credential (access_token) in the fragment"},
		{"credential: code in query", func(e *Ending) error { return NoCredentialBesideError("ERR-05", e) }, redirect(cb + "?code=c#error=x"), "(code) in the query"},
		{"credential: no error", func(e *Ending) error { return NoCredentialBesideError("ERR-05", e) }, errorPage, "expected an error response"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check(tc.ending)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("want pass, got %v", err)
			case tc.wantErr != "" && err == nil:
				t.Errorf("want failure containing %q, got pass", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Errorf("got %q, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func defaultScopeOrInvalidScope(e *Ending) error { return DefaultScopeOrInvalidScope("SCOPE-02", e) }

// TestUnknownScopeErrorPageWarns: SCOPE-01's error page is a warning (the
// catalogue grades it WARN), while a granted unknown scope is a failure.
func TestUnknownScopeErrorPageWarns(t *testing.T) {
	var f *Finding
	if err := UnknownScopeNotGranted("SCOPE-01", errorPage, "x"); !errors.As(err, &f) || !f.Warning {
		t.Errorf("error page: got %v, want a warning", err)
	}
	if err := UnknownScopeNotGranted("SCOPE-01", redirect(cb+"#access_token=t&scope=x"), "x"); !errors.As(err, &f) || f.Warning {
		t.Errorf("granted: got %v, want a failure", err)
	}
}

func TestSameOutcome(t *testing.T) {
	tests := []struct {
		name    string
		a, b    *Ending
		wantErr string
	}{
		{"both tokens", redirect(cb + "#access_token=t1"), redirect(cb + "#access_token=t2&scope=read"), ""},
		{"same error, query and fragment", redirect(cb + "#error=invalid_scope"), redirect(cb + "?error=invalid_scope"), ""},
		{"both pages", errorPage, errorPage, ""},
		{"token vs error", redirect(cb + "#access_token=t"), redirect(cb + "#error=invalid_scope"), "the first ended in an access token"},
		{"different codes", redirect(cb + "#error=invalid_request"), redirect(cb + "#error=invalid_scope"), "error=invalid_request"},
		{"page vs token", errorPage, redirect(cb + "#access_token=t"), "a page of the server"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := SameOutcome("AEP-03", tc.a, tc.b, "the first", "the second")
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("want pass, got %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("got %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestEndpointWithoutFragment(t *testing.T) {
	if err := EndpointWithoutFragment("AEP-06", map[string]string{"in the profile": "https://as.test/authorize?tenant=a"}); err != nil {
		t.Errorf("query only: %v", err)
	}
	err := EndpointWithoutFragment("AEP-06", map[string]string{"in the profile": "https://as.test/authorize", "in the metadata": "https://as.test/authorize#x"})
	if err == nil || !strings.Contains(err.Error(), "in the metadata has a fragment") {
		t.Errorf("fragment: got %v", err)
	}
}

func TestNoServerError(t *testing.T) {
	ok := []agent.Hop{{URL: "https://as.test/authorize", Status: 303}, {URL: "https://as.test/login", Status: 200}, {URL: "https://as.test/x", Status: 400}}
	if err := NoServerError("ERR-06", ok); err != nil {
		t.Errorf("no 5xx: %v", err)
	}
	err := NoServerError("ERR-06", append(ok, agent.Hop{URL: "https://as.test/consent", Status: 502}))
	if err == nil || !strings.Contains(err.Error(), "https://as.test/consent answered HTTP 502") {
		t.Errorf("502: got %v", err)
	}
}
