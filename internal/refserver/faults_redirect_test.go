package refserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

const (
	rq = "https://client.example.com/cb?dummy1=lorem&dummy2=ipsum"
	r5 = "http://127.0.0.1/cb"
)

// tokenAt runs a flow with redirect_uri uri for the client and wants a token
// delivered to exactly want.
func tokenAt(t *testing.T, srv *Server, clientID, uri, want string) {
	t.Helper()
	loc := flow(t, srv, query("response_type", "token", "client_id", clientID, "redirect_uri", uri, "state", "xyz"), "allow").location
	if !strings.HasPrefix(loc, want+"#access_token=") {
		t.Errorf("redirect_uri %q: Location %q, want a token at %s", uri, loc, want)
	}
}

// refused wants the error page for redirect_uri uri.
func refused(t *testing.T, srv *Server, clientID, uri string) {
	t.Helper()
	wantErrorPage(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", clientID, "redirect_uri", uri, "state", "xyz")))
}

// accepts returns a probe: each URI is accepted (token at the same URI), each
// of others still refused.
func accepts(clientID string, uris []string, others ...string) probe {
	return func(t *testing.T, srv *Server) {
		for _, u := range uris {
			tokenAt(t, srv, clientID, u, u)
		}
		for _, u := range others {
			refused(t, srv, clientID, u)
		}
	}
}

// pageSends wants a 200/400 page (no 3xx) whose body carries marker.
func pageSends(marker string) probe {
	return func(t *testing.T, srv *Server) {
		r := newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", "https://evil.example/cb", "state", "xyz"))
		if r.location != "" || !strings.Contains(r.body, marker) || !strings.Contains(r.body, "https://evil.example/cb") {
			t.Errorf("%d %q: want a page sending the browser to the URI by %s:\n%s", r.status, r.location, marker, r.body)
		}
	}
}

var redirectFaultCases = map[Fault]faultCase{
	FaultMissingClientRedirects: {probe: func(t *testing.T, srv *Server) {
		r := newBrowser(t, srv).authorize(query("response_type", "token", "redirect_uri", "https://evil.example/cb"))
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "https://evil.example/cb#error=invalid_request") {
			t.Errorf("%d %q: want a redirect with invalid_request", r.status, r.location)
		}
	}},
	FaultClientIDCaseInsensitive: {probe: func(t *testing.T, srv *Server) {
		tokenAt(t, srv, "SPA", r1, r1)
	}},
	FaultDefaultToFirstURI: {probe: func(t *testing.T, srv *Server) {
		loc := flow(t, srv, query("response_type", "token", "client_id", "spa-two", "state", "xyz"), "allow").location
		if !strings.HasPrefix(loc, r1+"#access_token=") {
			t.Errorf("Location %q: want a token at %s", loc, r1)
		}
	}},
	FaultTrailingSlashIgnored: {probe: func(t *testing.T, srv *Server) {
		accepts("spa", []string{r1 + "/"}, r1+"/x")(t, srv)
		accepts("spa-two", []string{"https://client.example.com/app"})(t, srv)
	}},
	FaultCaseInsensitiveURI: {probe: func(t *testing.T, srv *Server) {
		accepts("spa", []string{"https://CLIENT.example.com/cb", "https://client.example.com/CB"}, r1+"/x")(t, srv)
		accepts("spa-two", []string{"https://client.example.com/caf%c3%a9"})(t, srv)
	}},
	FaultHostNormalised: {probe: accepts("spa", []string{"https://CLIENT.example.com/cb", "https://client.example.com./cb"}, "https://client.example.com/CB")},
	FaultPortIgnored:    {probe: accepts("spa", []string{"https://client.example.com:8443/cb", "https://client.example.com:443/cb"}, "http://client.example.com/cb")},
	FaultSchemeIgnored:  {probe: accepts("spa", []string{"http://client.example.com/cb"}, "https://client.example.com:8443/cb")},
	FaultAnyQuery:       {probe: accepts("spa", []string{r1 + "?foo=bar"}, r1+"/x")},
	FaultQueryUnordered: {probe: func(t *testing.T, srv *Server) {
		accepts("spa-query", []string{"https://client.example.com/cb?dummy2=ipsum&dummy1=lorem"}, rq+"x")(t, srv)
	}},
	FaultRegisteredQueryDropped: {breaksSuccess: false, probe: func(t *testing.T, srv *Server) {
		tokenAt(t, srv, "spa-query", rq, r1)
	}},
	FaultFragmentStripped: {probe: func(t *testing.T, srv *Server) {
		tokenAt(t, srv, "spa", r1+"#frag", r1)
	}},
	FaultUserinfoIgnored: {probe: accepts("spa", []string{"https://evil.example@client.example.com/cb"}, "https://client.example.com@evil.example/cb")},
	FaultOriginPrefixPath: {probe: accepts("spa", []string{"https://client.example.com@evil.example/cb", "https://client.example.com.evil.example/cb"},
		"https://evil.example@client.example.com/cb")},
	FaultHostSuffix:          {probe: accepts("spa", []string{"https://evil.client.example.com/cb", "https://xclient.example.com/cb"}, "https://client.example.com.evil.example/cb")},
	FaultDotSegmentsResolved: {probe: accepts("spa", []string{r1 + "/x/.."}, r1+"/../evil")},
	FaultPercentDecoded: {probe: func(t *testing.T, srv *Server) {
		tokenAt(t, srv, "spa", "https://client.example.com/c%62", r1)
		tokenAt(t, srv, "spa", "https://client.example.com/c%2562", r1)
		tokenAt(t, srv, "spa", "https://client.example.com%2Fcb", r1)
	}},
	FaultWhitespaceCleaned: {probe: func(t *testing.T, srv *Server) {
		tokenAt(t, srv, "spa", r1+"\t", r1)
		tokenAt(t, srv, "spa", "https://client.example.com/c\r\nb", r1)
	}},
	FaultLoopbackPortExact: {probe: func(t *testing.T, srv *Server) {
		refused(t, srv, "native", "http://127.0.0.1:51004/cb")
		tokenAt(t, srv, "native", r5, r5)
	}},
	FaultLoopbackLoose: {probe: accepts("native", []string{"http://127.0.0.2:51004/cb", "https://127.0.0.1:51004/other", "http://localhost:51004/cb"}, "http://evil.example/cb")},
	FaultFallbackToRegistered: {probe: func(t *testing.T, srv *Server) {
		wantErrorRedirect(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", "https://evil.example/cb", "state", "xyz")), "invalid_request", "xyz")
	}},
	FaultRefuseByMetaRefresh: {probe: pageSends(`http-equiv="refresh"`)},
	FaultRefuseByForm:        {probe: pageSends(`document.forms[0].submit()`)},
	FaultRefuseByScript:      {probe: pageSends(`location.href = `)},
	FaultSessionSkipsCheck: {probe: func(t *testing.T, srv *Server) {
		refused(t, srv, "spa", r1+"/x")
		b := newBrowser(t, srv)
		b.decide(b.consentPage(b.login(b.authorize(baseline("xyz")))), "allow")
		r := b.decide(b.consentPage(b.authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"/x", "state", "xyz"))), "allow")
		if !strings.HasPrefix(r.location, r1+"/x#access_token=") {
			t.Errorf("Location %q: want a token at %s/x", r.location, r1)
		}
	}},
	FaultCheckedOnApproval: {probe: func(t *testing.T, srv *Server) {
		q := query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"/x", "state", "xyz")
		if r := flow(t, srv, q, "deny"); !strings.HasPrefix(r.location, r1+"/x#error=access_denied") {
			t.Errorf("Location %q: want access_denied at %s/x", r.location, r1)
		}
		if r := flow(t, srv, q, "allow"); r.location != "" || r.status != http.StatusBadRequest {
			t.Errorf("approval: %d %q, want the error page", r.status, r.location)
		}
	}},
	FaultRegisterFragment: {probe: func(t *testing.T, srv *Server) {
		wantRegistered(t, register(t, srv, webImplicit+`,"redirect_uris":["https://client.example.com/cb#frag"]}`))
		wantRegistrationRefused(t, register(t, srv, webImplicit+`,"redirect_uris":["http://client.example.com/cb"]}`))
	}},
	FaultRegisterInsecureWeb: {probe: func(t *testing.T, srv *Server) {
		wantRegistered(t, register(t, srv, webImplicit+`,"redirect_uris":["http://client.example.com/cb"]}`))
		wantRegistered(t, register(t, srv, webImplicit+`,"redirect_uris":["https://localhost/cb"]}`))
		wantRegistrationRefused(t, register(t, srv, webImplicit+`,"redirect_uris":["https://client.example.com/cb#frag"]}`))
	}},
	FaultRegisterNoRedirectURI: {probe: func(t *testing.T, srv *Server) {
		wantRegistered(t, register(t, srv, webImplicit+`}`))
	}},
	FaultRequestErrorsFirst: {probe: func(t *testing.T, srv *Server) {
		for _, c := range withOtherErrors {
			r := newBrowser(t, srv).authorize(c.rawQuery)
			if want := unregistered + "#error=" + c.code + "&"; r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, want) {
				t.Errorf("%s: %d %q, want a redirect to %s...", c.name, r.status, r.location, want)
			}
		}
		// An unregistered redirect_uri alone is still refused on a page.
		refused(t, srv, "spa", unregistered)
	}},
}

// unregistered is a redirect_uri client spa has not registered (r1 with a
// further path segment).
const unregistered = r1 + "/x"

// withOtherErrors are requests of client spa with the unregistered
// redirect_uri and one more error each, and the code that error has when the
// redirect URI is valid (catalogue RDR-24).
var withOtherErrors = []struct{ name, rawQuery, code string }{
	{"unknown response_type", query("response_type", "tokenx", "client_id", "spa", "redirect_uri", unregistered, "state", "xyz"), "unsupported_response_type"},
	{"unknown scope", query("response_type", "token", "client_id", "spa", "redirect_uri", unregistered, "scope", "unknown_xyz", "state", "xyz"), "invalid_scope"},
	{"state twice", query("response_type", "token", "client_id", "spa", "redirect_uri", unregistered, "state", "a", "state", "b"), "invalid_request"},
	{"no nonce", query("response_type", "id_token", "client_id", "spa", "redirect_uri", unregistered, "scope", "openid", "state", "xyz"), "invalid_request"},
	{"prompt=none without a session", query("response_type", "token", "client_id", "spa", "redirect_uri", unregistered, "prompt", "none", "state", "xyz"), "login_required"},
}

// TestRedirectConformant sends every probe of the redirect faults to a
// server without faults: each is refused, or served exactly as registered.
func TestRedirectConformant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	// RFC 6749 §3.1.2.4, §4.2.2.1: the redirect URI is checked first.
	for _, c := range withOtherErrors {
		wantErrorPage(t, newBrowser(t, srv).authorize(c.rawQuery))
	}
	for _, u := range []string{r1 + "/", r1 + "/x", "https://CLIENT.example.com/cb", "https://client.example.com/CB",
		"https://client.example.com./cb", "https://client.example.com:8443/cb", "https://client.example.com:443/cb",
		"http://client.example.com/cb", r1 + "?foo=bar", r1 + "#frag", "https://evil.example@client.example.com/cb",
		"https://client.example.com@evil.example/cb", "https://client.example.com%40evil.example/cb",
		"https://client.example.com.evil.example/cb", "https://evil.client.example.com/cb", "https://xclient.example.com/cb",
		r1 + "/x/..", r1 + "/../evil", "https://client.example.com/c%62", "https://client.example.com%2Fcb",
		"https://client.example.com/c%2562", r1 + "\t", "https://client.example.com/c\r\nb", "https://client.example.com\\@evil.example/cb"} {
		refused(t, srv, "spa", u)
	}
	for _, u := range []string{"https://client.example.com/cb?dummy2=ipsum&dummy1=lorem", rq + "x", r1} {
		refused(t, srv, "spa-query", u)
	}
	refused(t, srv, "spa-two", "https://client.example.com/app")
	refused(t, srv, "spa-two", "https://client.example.com/caf%c3%a9")
	for _, u := range []string{"http://127.0.0.2:51004/cb", "https://127.0.0.1:51004/cb", "http://127.0.0.1:51004/other", "http://localhost:51004/cb"} {
		refused(t, srv, "native", u)
	}
	tokenAt(t, srv, "native", "http://127.0.0.1:51004/cb", "http://127.0.0.1:51004/cb")
	tokenAt(t, srv, "spa-query", rq, rq)
	wantErrorPage(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "SPA", "redirect_uri", r1)))
	wantErrorPage(t, newBrowser(t, srv).authorize(query("response_type", "token", "redirect_uri", r1)))
	wantErrorPage(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa-two")))
}

// register posts client metadata to /register and returns the answer.
func register(t *testing.T, srv *Server, md string) response {
	t.Helper()
	b := newBrowser(t, srv)
	return b.doRaw(http.MethodPost, "/register", strings.NewReader(md), "application/json", nil)
}

func wantRegistered(t *testing.T, r response) {
	t.Helper()
	if r.status != http.StatusCreated || !strings.Contains(r.body, `"client_id":"dyn-`) {
		t.Errorf("registration: %d %s, want 201 with a client_id", r.status, r.body)
	}
}

func wantRegistrationRefused(t *testing.T, r response) {
	t.Helper()
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"error":"invalid_redirect_uri"`) {
		t.Errorf("registration: %d %s, want 400 invalid_redirect_uri", r.status, r.body)
	}
}

const webImplicit = `{"application_type":"web","grant_types":["implicit"],"response_types":["token"],"token_endpoint_auth_method":"none"`

func TestRegistrationConformant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, md := range []string{
		webImplicit + `}`,
		webImplicit + `,"redirect_uris":["https://client.example.com/cb#frag"]}`,
		webImplicit + `,"redirect_uris":["http://client.example.com/cb"]}`,
		webImplicit + `,"redirect_uris":["https://localhost/cb"]}`,
	} {
		wantRegistrationRefused(t, register(t, srv, md))
	}
	r := register(t, srv, webImplicit+`,"redirect_uris":["https://client.example.com/dyn"]}`)
	wantRegistered(t, r)
	wantRegistered(t, register(t, srv, `{"application_type":"native","grant_types":["implicit"],"response_types":["token"],"redirect_uris":["http://127.0.0.1/cb"]}`))
	var out struct {
		ClientID string `json:"client_id"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	// The registered client can be used at once.
	tokenAt(t, srv, out.ClientID, "https://client.example.com/dyn", "https://client.example.com/dyn")
}
