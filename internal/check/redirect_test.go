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
		{"repeated redirect_uri: stopped", NotRedirectedOrInvalidRequestAt("AEP-05", stopped, r1), false},
		{"repeated redirect_uri: invalid_request at it", NotRedirectedOrInvalidRequestAt("AEP-05", atR1, r1), false},
		{"repeated redirect_uri: invalid_request in its query", NotRedirectedOrInvalidRequestAt("AEP-05", atR1Query, r1), false},
		{"repeated redirect_uri: invalid_request elsewhere", NotRedirectedOrInvalidRequestAt("AEP-05", atEvil, r1), true},
		{"repeated redirect_uri: another error", NotRedirectedOrInvalidRequestAt("AEP-05", redirect(r1+"#error=access_denied"), r1), true},
		{"repeated redirect_uri: a token", NotRedirectedOrInvalidRequestAt("AEP-05", token, r1), true},
		{"validated first: error page", RedirectURIValidatedFirst("RDR-24", stopped, r1+"/x"), false},
		{"validated first: other error sent to it", RedirectURIValidatedFirst("RDR-24", redirect(r1+"/x#error=unsupported_response_type"), r1+"/x"), true},
		{"validated first: other error in its query", RedirectURIValidatedFirst("RDR-24", redirect(r1+"/x?error=invalid_scope"), r1+"/x"), true},
		{"validated first: error sent to a registered URI", RedirectURIValidatedFirst("RDR-24", atR1, r1+"/x"), true},
		{"validated first: token", RedirectURIValidatedFirst("RDR-24", token, r1+"/x"), true},
		{"validated first: redirected without error", RedirectURIValidatedFirst("RDR-24", redirect(r1+"/x"), r1+"/x"), true},
	}
	for _, tt := range tests {
		if (tt.err != nil) != tt.fail {
			t.Errorf("%s: err %v, want fail=%v", tt.name, tt.err, tt.fail)
		}
	}
	// RDR-24's message names the other error and says why it must not travel.
	wantFinding(t, RedirectURIValidatedFirst("RDR-24", redirect(r1+"/x#error=unsupported_response_type&state=s"), r1+"/x"),
		`RFC 6749 §3.1.2.4, §4.2.2.1 (RDR-24): the redirect URI "https://client.example.com/cb/x" is not registered, so the request's other error must not be sent through it: expected an error page, but error=unsupported_response_type was sent in the fragment`)
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

// TestCredential: the credential a response type asks for decides whether a
// flow was served: the ID token for response_type=id_token.
func TestCredential(t *testing.T) {
	const r1 = "https://client.example.com/cb"
	withCred := func(e *Ending, cred string) *Ending { e.Credential = cred; return e }
	idOnly := redirect(r1 + "#id_token=h.p.s&state=x")
	accessAndID := redirect(r1 + "#access_token=t&token_type=Bearer&id_token=h.p.s")
	empty := redirect(r1 + "#access_token=&token_type=Bearer")
	errored := redirect(r1 + "#error=access_denied&access_token=t")
	tests := []struct {
		name            string
		e               *Ending
		succeeded, gets bool
	}{
		{"an ID token for id_token", withCred(redirect(r1+"#id_token=h.p.s&state=x"), "id_token"), true, true},
		{"an ID token, an access token asked for", idOnly, false, false},
		{"both for id_token token", accessAndID, true, true},
		{"an empty access token is served, but no token", empty, true, false},
		{"an error is not served", errored, false, true},
		{"a page is not served", &Ending{StoppedAt: "https://as.test/a", Status: 400}, false, false},
	}
	for _, tt := range tests {
		if got := Succeeded(tt.e); got != tt.succeeded {
			t.Errorf("%s: Succeeded = %v", tt.name, got)
		}
		if got := ClientGetsToken("AEP-01", tt.e) == nil; got != tt.gets {
			t.Errorf("%s: ClientGetsToken passes = %v", tt.name, got)
		}
	}
	if err := InFragment("FRAG-01", withCred(redirect(r1+"?id_token=h.p.s"), "id_token")); err == nil {
		t.Error("an ID token in the query passes InFragment")
	}
}
