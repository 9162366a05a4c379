package check

import "testing"

func TestRedirectChecks(t *testing.T) {
	const r1 = "https://client.example.com/cb"
	stopped := &Ending{StoppedAt: "https://as.test/authorize", Status: 400}
	atR1 := redirect(r1 + "#error=invalid_request")
	atR1Query := redirect(r1 + "?error=invalid_request")
	atEvil := redirect("https://evil.example/cb#error=invalid_request")
	token := redirect(r1 + "#access_token=t&token_type=Bearer")
	tests := []struct {
		name string
		err  error
		fail bool
	}{
		{"no fallback: stopped", NoFallback("RDR-21", stopped, []string{r1}), false},
		{"no fallback: elsewhere", NoFallback("RDR-21", atEvil, []string{r1}), false},
		{"fallback in fragment", NoFallback("RDR-21", atR1, []string{"https://x.test/a", r1}), true},
		{"fallback in query", NoFallback("RDR-21", atR1Query, []string{r1}), true},
		{"omitted: stopped", AtURIOrNotRedirected("RDR-02", stopped, r1), false},
		{"omitted: at R1", AtURIOrNotRedirected("RDR-02", token, r1), false},
		{"omitted: elsewhere", AtURIOrNotRedirected("RDR-02", atEvil, r1), true},
		{"token at", TokenAt("RDR-18", token, r1), false},
		{"token elsewhere", TokenAt("RDR-18", token, r1+"/x"), true},
		{"no token", TokenAt("RDR-18", atR1, r1), true},
	}
	for _, tt := range tests {
		if (tt.err != nil) != tt.fail {
			t.Errorf("%s: err %v, want fail=%v", tt.name, tt.err, tt.fail)
		}
	}
}

func TestRegistrationRefused(t *testing.T) {
	for _, tt := range []struct {
		status int
		code   string
		fail   bool
	}{
		{400, "invalid_redirect_uri", false},
		{400, "invalid_client_metadata", false},
		{201, "", true},
		{200, "", true},
		{400, "invalid_request", true},
		{500, "", true},
	} {
		if err := RegistrationRefused("RDR-23", tt.status, tt.code, "a client"); (err != nil) != tt.fail {
			t.Errorf("%d %q: err %v, want fail=%v", tt.status, tt.code, err, tt.fail)
		}
	}
}
