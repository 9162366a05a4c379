package refserver

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/profile"
)

// chromeUA is what the headless chromium the harness drives says it is.
const chromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36"

// newChrome is a test browser that says it is chromium.
func newChrome(t *testing.T, srv *Server) *browser {
	t.Helper()
	b := newBrowser(t, srv)
	b.userAgent = chromeUA
	return b
}

// chromeFlow is flow in a browser that says it is chromium.
func chromeFlow(t *testing.T, srv *Server, rawQuery, decision string) response {
	t.Helper()
	b := newChrome(t, srv)
	return b.decide(b.consentPage(b.login(b.authorize(rawQuery))), decision)
}

// browserFaultCases are the tests of the faults only a real browser shows.
// TestFaults also runs the success flow in Go's client, which must stay
// conformant: the User-Agent faults leave what the HTML driver sees alone.
func browserFaultCases() map[Fault]faultCase {
	return map[Fault]faultCase{
		FaultBrowserHandoff: {probe: func(t *testing.T, srv *Server) {
			r := chromeFlow(t, srv, baseline("xyz"), "allow")
			base, frag, hasFrag := splitLocation(t, r.location)
			if r.status != http.StatusSeeOther || !strings.HasPrefix(base, pathHandoff+"?id=") || !hasFrag ||
				frag.Get("access_token") == "" || frag.Get("state") != "xyz" {
				t.Fatalf("%d %q: want a redirect to the interstitial with the response in its fragment", r.status, r.location)
			}
			page := newChrome(t, srv).get(base)
			want := `<script>location.replace("` + r1 + `");</script>`
			if page.status != http.StatusOK || !strings.Contains(page.body, want) || strings.Contains(page.body, frag.Get("access_token")) {
				t.Errorf("interstitial %d, want a page whose script replaces the location with the bare %s:\n%s", page.status, r1, page.body)
			}
			if again := newChrome(t, srv).get(base); again.status != http.StatusBadRequest {
				t.Errorf("interstitial shown twice: %d, want 400", again.status)
			}
			// Errors still go straight to the client.
			wantErrorRedirect(t, chromeFlow(t, srv, baseline("xyz"), "deny"), "access_denied", "xyz")
		}},
		FaultBrowserTokenInQuery: {probe: func(t *testing.T, srv *Server) {
			loc := chromeFlow(t, srv, baseline("xyz"), "allow").location
			base, frag, _ := splitLocation(t, loc)
			if base != r1+"?access_token="+frag.Get("access_token") || frag.Get("state") != "xyz" {
				t.Errorf("Location %q: want the fragment's token copied into the query", loc)
			}
		}},
		FaultNoReferrerPolicy: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			authz := b.authorize(baseline("xyz"))
			login := b.get(authz.location)
			consent := b.consentPage(b.login(authz))
			rs := map[string]response{"authorization redirect": authz, "login page": login, "consent page": consent,
				"success redirect": b.decide(consent, "allow"), "error redirect": flow(t, srv, baseline("xyz"), "deny"),
				"error page": b.get("/nowhere"), "form_post page": flow(t, srv, baseline("xyz")+"&response_mode=form_post", "allow")}
			for name, r := range rs {
				if r.header.Get("Referrer-Policy") != "" || strings.Contains(r.body, `name="referrer"`) {
					t.Errorf("%s still sets a referrer policy: header %q", name, r.header.Get("Referrer-Policy"))
				}
			}
		}},
	}
}

// TestBrowserConformant: without faults a browser gets what every client
// gets: the response straight in the fragment of the redirect URI, nothing
// in its query; every page and every redirect, the token's included, says
// Referrer-Policy: no-referrer (RFC 9700 §4.2.4); there is no interstitial.
func TestBrowserConformant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	wantConformantSuccess(t, srv, chromeFlow(t, srv, baseline("xyz"), "allow"), "xyz")
	b := newChrome(t, srv)
	authz := b.authorize(baseline("xyz"))
	login := b.get(authz.location)
	consent := b.consentPage(b.login(authz))
	for name, r := range map[string]response{"authorization redirect": authz, "login page": login, "consent page": consent,
		"success redirect": b.decide(consent, "allow"), "error redirect": chromeFlow(t, srv, baseline("xyz"), "deny"),
		"error page": b.get("/nowhere")} {
		if got := r.header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q, want no-referrer", name, got)
		}
		if r.location == "" && !strings.Contains(r.body, metaReferrerLine) {
			t.Errorf("%s: no <meta name=\"referrer\" content=\"no-referrer\">", name)
		}
	}
	if r := b.get(pathHandoff + "?id=x"); r.status != http.StatusNotFound {
		t.Errorf("GET %s without the fault: %d, want 404", pathHandoff, r.status)
	}
}

func TestLooksLikeBrowser(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ua   string
		want bool
	}{
		{chromeUA, true},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", true},
		{"implicitspec/0.1", false}, // the harness's HTML driver
		{"Go-http-client/1.1", false},
		{"curl/8.5.0", false},
		{"", false},
	} {
		if got := looksLikeBrowser(tc.ua); got != tc.want {
			t.Errorf("looksLikeBrowser(%q) = %v, want %v", tc.ua, got, tc.want)
		}
	}
}

// TestBrowserClient: the profile names the browser client with its one
// loopback http redirect URI, on a port free at Start (or the one
// Options.BrowserCallback names), the harness's profile reader accepts it,
// and the client gets every implicit response type there, by exact match.
func TestBrowserClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		callback string // Options.BrowserCallback
	}{
		{"port picked at Start", ""},
		{"port named", "http://127.0.0.1:8765/cb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, err := Start(Options{BrowserCallback: tc.callback})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			cb := srv.clients[browserClientID].redirectURIs[0]
			u, err := url.Parse(cb)
			if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Path != "/cb" ||
				(tc.callback != "" && cb != tc.callback) {
				t.Fatalf("browser client redirect URI %q, want http://127.0.0.1:PORT/cb (named: %q)", cb, tc.callback)
			}
			if tc.callback == "" {
				if strings.HasSuffix(srv.Issuer(), ":"+u.Port()) || strings.HasSuffix(srv.front.url, ":"+u.Port()) {
					t.Errorf("browser callback %s on a port of the server's own", cb)
				}
				// Nothing of the server listens there: the harness can.
				ln, err := net.Listen("tcp", u.Host)
				if err != nil {
					t.Fatalf("listen on the browser callback %s: %v", u.Host, err)
				}
				ln.Close()
			}
			wantBrowserClientProfile(t, srv, cb)
			wantBrowserClientFlows(t, srv, cb)
		})
	}
}

// wantBrowserClientProfile: ProfileYAML names the client as the harness
// reads it.
func wantBrowserClientProfile(t *testing.T, srv *Server, cb string) {
	t.Helper()
	y := string(srv.ProfileYAML())
	want := "  browser_client:\n    client_id: browser-client\n    redirect_uris: [\"" + cb + "\"]\n    scope: \"read write\"\n"
	if !strings.Contains(y, want) {
		t.Errorf("ProfileYAML lacks\n%s\n%s", want, y)
	}
	p, err := profile.Parse(srv.ProfileYAML(), "", os.LookupEnv)
	if err != nil {
		t.Fatalf("profile.Parse: %v", err)
	}
	if c := p.Clients.Browser; c == nil || c.ClientID != browserClientID || len(c.RedirectURIs) != 1 || c.RedirectURIs[0] != cb || c.Scope != implicitClientScope {
		t.Errorf("profile clients.browser_client %+v", c)
	}
}

// wantBrowserClientFlows: each implicit response type is issued at the
// plain-http loopback URI, and only at that port (exact match, RFC 6749
// §3.1.2.3: it is registered with its port).
func wantBrowserClientFlows(t *testing.T, srv *Server, cb string) {
	t.Helper()
	for _, rt := range implicitTypes() {
		q := query("response_type", rt, "client_id", browserClientID, "redirect_uri", cb, "scope", "openid read write",
			"state", "xyz", "nonce", testNonce)
		r := chromeFlow(t, srv, q, "allow")
		base, frag, hasFrag := splitLocation(t, r.location)
		if r.status != http.StatusSeeOther || base != cb || !hasFrag || frag.Get("state") != "xyz" || frag.Has("error") {
			t.Errorf("%s: %d %q, want a success redirect to %s#…", rt, r.status, r.location, cb)
			continue
		}
		if got := frag.Has("access_token"); got != (rt != ResponseTypeIDToken) {
			t.Errorf("%s: access_token present %v", rt, got)
		}
		if got := frag.Has("id_token"); got != (rt != ResponseTypeToken) {
			t.Errorf("%s: id_token present %v", rt, got)
		}
	}
	other := strings.Replace(cb, "127.0.0.1:", "127.0.0.1:1", 1)
	wantErrorPage(t, newChrome(t, srv).authorize(query("response_type", "token", "client_id", browserClientID, "redirect_uri", other)))
}

// TestNullOrigin: a browser posts the forms of pages whose referrer policy
// is no-referrer with "Origin: null" (Fetch, "serializing a request
// origin"): chromium does, for the login and consent forms here. That says
// nothing about the site, so the posts are served; a cross-site one is
// still refused, by Sec-Fetch-Site as by the anti-forgery token.
func TestNullOrigin(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, tc := range []struct {
		name   string
		header http.Header
		want   int
	}{
		{"same-origin", http.Header{"Origin": {"null"}, "Sec-Fetch-Site": {"same-origin"}}, http.StatusSeeOther},
		{"no fetch metadata", http.Header{"Origin": {"null"}}, http.StatusSeeOther},
		{"cross-site", http.Header{"Origin": {"null"}, "Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newChrome(t, srv)
			login := formOf(t, wantPage(t, b.get(b.authorize(baseline("xyz")).location)), "/login")
			login.Set(fieldUsername, username)
			login.Set(fieldPassword, srv.password)
			r := b.do(http.MethodPost, "/login", login, tc.header)
			if r.status != tc.want {
				t.Fatalf("login POST: %d, want %d", r.status, tc.want)
			}
			if tc.want != http.StatusSeeOther {
				return
			}
			consent := formOf(t, b.consentPage(r).body, "/consent")
			consent.Set(fieldDecision, "allow")
			wantConformantSuccess(t, srv, b.do(http.MethodPost, "/consent", consent, tc.header), "xyz")
		})
	}
}
