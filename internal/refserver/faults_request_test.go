package refserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// wantTokenTo checks a success redirect to r1 and returns its fragment.
func wantTokenTo(t *testing.T, resp response) map[string][]string {
	t.Helper()
	base, frag, _ := splitLocation(t, resp.location)
	if resp.status != http.StatusSeeOther || base != r1 || frag.Get("access_token") == "" {
		t.Fatalf("%d %q: want a token sent to %s", resp.status, resp.location, r1)
	}
	return frag
}

// deniedFragment runs baseline("xyz") with a denial and returns the fragment.
func deniedFragment(t *testing.T, srv *Server) map[string][]string {
	t.Helper()
	resp := flow(t, srv, baseline("xyz"), "deny")
	_, frag, _ := splitLocation(t, resp.location)
	return frag
}

// metadataDoc fetches the server's RFC 8414 metadata.
func metadataDoc(t *testing.T, srv *Server) map[string]any {
	t.Helper()
	r := newBrowser(t, srv).get("/.well-known/oauth-authorization-server")
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("metadata: %v\n%s", err, r.body)
	}
	return doc
}

func responseTypes(doc map[string]any) []string {
	var out []string
	list, _ := doc["response_types_supported"].([]any)
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// requestFaultCases test the faults of faults_request.go.
var requestFaultCases = map[Fault]faultCase{
	FaultPostRefused: {probe: func(t *testing.T, srv *Server) {
		resp := newBrowser(t, srv).doRaw(http.MethodPost, "/authorize", strings.NewReader(baseline("xyz")), "application/x-www-form-urlencoded", nil)
		if resp.status != http.StatusMethodNotAllowed {
			t.Errorf("POST /authorize: status %d, want 405", resp.status)
		}
	}},
	FaultMissingResponseTypeAsToken: {probe: func(t *testing.T, srv *Server) {
		wantTokenTo(t, flow(t, srv, query("client_id", "spa", "redirect_uri", r1, "scope", "read", "state", "xyz"), "allow"))
	}},
	FaultUnknownResponseTypeToken: {probe: func(t *testing.T, srv *Server) {
		for _, rt := range []string{"tokenx", "token foo"} {
			wantTokenTo(t, flow(t, srv, query("response_type", rt, "client_id", "spa", "state", "xyz"), "allow"))
		}
		wantErrorRedirect(t, newBrowser(t, srv).authorize(query("response_type", "code", "client_id", "spa", "state", "xyz")), "unsupported_response_type", "xyz")
	}},
	FaultUnknownResponseTypeInvalidRequest: {probe: func(t *testing.T, srv *Server) {
		b := newBrowser(t, srv)
		wantErrorRedirect(t, b.authorize(query("response_type", "tokenx", "client_id", "spa", "state", "xyz")), "invalid_request", "xyz")
		wantErrorRedirect(t, b.authorize(query("client_id", "spa", "state", "xyz")), "unsupported_response_type", "xyz")
	}},
	FaultResponseTypeCaseInsensitive: {probe: func(t *testing.T, srv *Server) {
		wantTokenTo(t, flow(t, srv, query("response_type", "TOKEN", "client_id", "spa", "state", "xyz"), "allow"))
	}},
	FaultCompositeOrderSensitive: {probe: func(t *testing.T, srv *Server) {
		if rts := responseTypes(metadataDoc(t, srv)); !slices.Contains(rts, "id_token token") {
			t.Errorf("response_types_supported %v: want id_token token offered", rts)
		}
		wantErrorRedirect(t, newBrowser(t, srv).authorize(query("response_type", "token id_token", "client_id", "spa",
			"redirect_uri", r1, "scope", "openid", "nonce", "n-1", "state", "xyz")), "unsupported_response_type", "xyz")
	}},
	FaultMetadataOmitsToken: {probe: func(t *testing.T, srv *Server) {
		if rts := responseTypes(metadataDoc(t, srv)); slices.Contains(rts, "token") {
			t.Errorf("response_types_supported %v: want token left out", rts)
		}
	}},
	FaultRepeatedParamLastWins: {probe: func(t *testing.T, srv *Server) {
		frag := wantTokenTo(t, flow(t, srv, baseline("first")+"&state=second", "allow"))
		if got := frag["state"]; !slices.Equal(got, []string{"second"}) {
			t.Errorf("state %v: want the last value", got)
		}
	}},
	FaultRepeatedClientIDRedirects: {probe: func(t *testing.T, srv *Server) {
		r := newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa", "client_id", "spa", "redirect_uri", r1))
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, r1+"#error=invalid_request&") {
			t.Errorf("%d %q: want an invalid_request redirect", r.status, r.location)
		}
	}},
	FaultEmptyValueAsGiven: {probe: func(t *testing.T, srv *Server) {
		b := newBrowser(t, srv)
		wantErrorRedirect(t, b.authorize(query("response_type", "token", "client_id", "spa", "scope", "", "state", "xyz")), "invalid_scope", "xyz")
		wantErrorPage(t, b.authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", "", "state", "xyz")))
	}},
	FaultEmptyParamRejected: {probe: func(t *testing.T, srv *Server) {
		wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline("xyz")+"&foo="), "invalid_request", "xyz")
	}},
	FaultUnknownParamRejected: {probe: func(t *testing.T, srv *Server) {
		wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline("xyz")+"&extra=foobar"), "invalid_request", "xyz")
		wantTokenTo(t, flow(t, srv, baseline("xyz")+"&nonce=n-0123", "allow"))
	}},
	FaultParamOrderSignificant: {probe: func(t *testing.T, srv *Server) {
		wantErrorRedirect(t, newBrowser(t, srv).authorize(query("state", "xyz", "client_id", "spa", "response_type", "token")), "invalid_request", "xyz")
	}},
	FaultScopeOrderSignificant: {probe: func(t *testing.T, srv *Server) {
		wantErrorRedirect(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa", "scope", "write read", "state", "xyz")), "invalid_scope", "xyz")
		wantTokenTo(t, flow(t, srv, query("response_type", "token", "client_id", "spa", "scope", "read write", "state", "xyz"), "allow"))
	}},
	FaultUnknownScopeDropped: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
		frag := wantTokenTo(t, flow(t, srv, query("response_type", "token", "client_id", "spa", "scope", "read unknown_xyz", "state", "xyz"), "allow"))
		if _, has := frag["scope"]; has {
			t.Errorf("fragment %v: want no scope", frag)
		}
	}},
	FaultOmittedScopeServerError: {probe: func(t *testing.T, srv *Server) {
		wantErrorRedirect(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa", "state", "xyz")), "server_error", "xyz")
	}},
	FaultScopeSyntaxUnchecked: {probe: func(t *testing.T, srv *Server) {
		frag := wantTokenTo(t, flow(t, srv, query("response_type", "token", "client_id", "spa", "scope", `"read"`, "state", "xyz"), "allow"))
		if got := frag["scope"]; !slices.Equal(got, []string{`"read"`}) {
			t.Errorf("scope %v: want the malformed scope granted", got)
		}
	}},
	FaultUnregisteredErrorCode: {probe: func(t *testing.T, srv *Server) {
		wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), "user_declined", "xyz")
	}},
	FaultErrorCodeBadCharacters: {probe: func(t *testing.T, srv *Server) {
		wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), `"access_denied"`, "xyz")
	}},
	FaultErrorDescriptionBadCharacters: {probe: func(t *testing.T, srv *Server) {
		frag := deniedFragment(t, srv)
		if d := frag["error_description"]; len(d) != 1 || !strings.Contains(d[0], `"refusé"`) {
			t.Errorf("error_description %v: want forbidden characters", d)
		}
	}},
	FaultErrorExtraParams: {probe: func(t *testing.T, srv *Server) {
		if frag := deniedFragment(t, srv); len(frag["trace_id"]) != 1 || frag["error"][0] != "access_denied" {
			t.Errorf("fragment %v: want access_denied and a trace_id", frag)
		}
	}},
	FaultTokenBesideError: {probe: func(t *testing.T, srv *Server) {
		frag := deniedFragment(t, srv)
		if len(frag["access_token"]) != 1 || len(frag["error"]) != 1 || frag["state"][0] != "xyz" {
			t.Errorf("fragment %v: want an error with an access token", frag)
		}
	}},
	FaultUnknownResponseTypeCrashes: {probe: func(t *testing.T, srv *Server) {
		r := newBrowser(t, srv).authorize(query("response_type", "tokenx", "client_id", "spa", "state", "xyz"))
		if r.status != http.StatusInternalServerError || r.location != "" {
			t.Errorf("%d %q: want an HTTP 500 page", r.status, r.location)
		}
	}},
	FaultEndpointQueryRefused: {probe: func(t *testing.T, srv *Server) {
		if ep, _ := metadataDoc(t, srv)["authorization_endpoint"].(string); !strings.HasSuffix(ep, "/authorize?realm=main") {
			t.Errorf("authorization_endpoint %q: want a query", ep)
		}
		wantErrorRedirect(t, newBrowser(t, srv).authorize("realm=main&"+baseline("xyz")), "invalid_request", "xyz")
	}},
	FaultInvalidScopeOnPage: {probe: func(t *testing.T, srv *Server) {
		b := newBrowser(t, srv)
		for _, sc := range []string{"read unknown_xyz", `"read"`} {
			wantErrorPage(t, b.authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", r1, "scope", sc, "state", "xyz")))
		}
		// Other errors are still redirected.
		wantErrorRedirect(t, b.authorize(query("response_type", "tokenx", "client_id", "spa", "state", "xyz")), "unsupported_response_type", "xyz")
	}},
	FaultEndpointWithFragment: {probe: func(t *testing.T, srv *Server) {
		if ep, _ := metadataDoc(t, srv)["authorization_endpoint"].(string); !strings.HasSuffix(ep, "/authorize#authorize") {
			t.Errorf("authorization_endpoint %q: want a fragment", ep)
		}
	}},
}

// TestRequestConformant runs the request area's probe situations against a
// server with no faults and expects the conformant answer.
func TestRequestConformant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	// RFC 6749 §3.1.1: a missing or unknown response_type is an error.
	wantErrorRedirect(t, b.authorize(query("client_id", "spa", "state", "xyz")), "unsupported_response_type", "xyz")
	for _, rt := range []string{"tokenx", "token foo", "TOKEN"} {
		wantErrorRedirect(t, b.authorize(query("response_type", rt, "client_id", "spa", "state", "xyz")), "unsupported_response_type", "xyz")
	}
	// RFC 6749 §3.1: repeats are refused; before the client is known, on a page.
	wantErrorRedirect(t, b.authorize(baseline("xyz")+"&scope=read"), "invalid_request", "xyz")
	wantErrorRedirect(t, b.authorize(baseline("xyz")+"&response_type=token"), "invalid_request", "xyz")
	wantErrorPage(t, b.authorize(baseline("xyz")+"&client_id=spa"))
	wantErrorPage(t, b.authorize(baseline("xyz")+"&redirect_uri="+r1))
	// RFC 6749 §3.1: empty means omitted; unknown parameters and order do not matter.
	wantConformantSuccess(t, srv, flow(t, srv, baseline("xyz")+"&foo=&redirect_uri=", "allow"), "xyz")
	wantConformantSuccess(t, srv, flow(t, srv, "extra=foobar&x_vendor=1&"+baseline("xyz"), "allow"), "xyz")
	frag := wantTokenTo(t, flow(t, srv, query("state", "xyz", "scope", "write read", "client_id", "spa", "response_type", "token"), "allow"))
	if frag["scope"][0] != "write read" {
		t.Errorf("scope %v", frag["scope"])
	}
	// RFC 6749 §3.3: an omitted scope gets the default; unknown or malformed scopes are refused.
	frag = wantTokenTo(t, flow(t, srv, query("response_type", "token", "client_id", "spa", "scope", "", "state", "xyz"), "allow"))
	if frag["scope"][0] != "read" {
		t.Errorf("default scope %v", frag["scope"])
	}
	for _, sc := range []string{"read unknown_xyz", `"read"`, `re\ad`} {
		wantErrorRedirect(t, b.authorize(query("response_type", "token", "client_id", "spa", "scope", sc, "state", "xyz")), "invalid_scope", "xyz")
	}
	// RFC 6749 §4.2.2.1: a denial is error, error_description and state only.
	resp := flow(t, srv, baseline("xyz"), "deny")
	_, rawFrag, _ := strings.Cut(resp.location, "#")
	if got := strings.Join(fragmentNames(rawFrag), ","); got != "error,error_description,iss,state" {
		t.Errorf("denial parameters %s", got)
	}
	doc := metadataDoc(t, srv)
	if ep, _ := doc["authorization_endpoint"].(string); strings.Contains(ep, "#") {
		t.Errorf("authorization_endpoint %q", ep)
	}
	if rts := responseTypes(doc); !slices.Equal(rts, []string{"token", "id_token token", "id_token"}) {
		t.Errorf("response_types_supported %v", rts)
	}
}
