package refserver

import (
	"net/http"
	"strings"
	"testing"
)

// responseFaultCases probes the faults of the response area.
func responseFaultCases() map[Fault]faultCase {
	endsWith := func(t *testing.T, loc, suffix string) {
		t.Helper()
		if !strings.HasSuffix(loc, suffix) {
			t.Errorf("Location %q: want it to end in %q", loc, suffix)
		}
	}
	fragOf := func(t *testing.T, srv *Server, rawQuery, decision string) map[string][]string {
		t.Helper()
		_, frag, _ := splitLocation(t, flow(t, srv, rawQuery, decision).location)
		return frag
	}
	bodyHas := func(t *testing.T, r response, want string) {
		t.Helper()
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %q:\n%s", want, r.body)
		}
	}
	formPost := baseline("xyz") + "&response_mode=form_post"
	return map[Fault]faultCase{
		FaultStateTruncated: {probe: func(t *testing.T, srv *Server) {
			long := strings.Repeat("s", 150)
			if got := fragOf(t, srv, baseline(long), "allow")["state"]; len(got) != 1 || got[0] != long[:100] {
				t.Errorf("state %q, want the first 100 characters", got)
			}
		}},
		FaultLongStateServerError: {probe: func(t *testing.T, srv *Server) {
			if r := newBrowser(t, srv).authorize(baseline(strings.Repeat("s", 2000))); r.status != http.StatusInternalServerError {
				t.Errorf("status %d, want 500", r.status)
			}
		}},
		FaultLongStateRefused: {probe: func(t *testing.T, srv *Server) {
			long := strings.Repeat("s", 600)
			wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline(long)), "invalid_request", long)
		}},
		FaultEmptyStateEchoed: {probe: func(t *testing.T, srv *Server) {
			loc := flow(t, srv, query("response_type", "token", "client_id", "spa"), "allow").location
			endsWith(t, loc, "&state=")
		}},
		FaultRepeatedStateAccepted: {probe: func(t *testing.T, srv *Server) {
			frag := fragOf(t, srv, baseline("first")+"&state=second", "allow")
			if len(frag["access_token"]) != 1 || len(frag["state"]) != 1 || frag["state"][0] != "first" {
				t.Errorf("fragment %v: want a token and state=first", frag)
			}
		}},
		FaultStateDroppedOnRequestError: {probe: func(t *testing.T, srv *Server) {
			wantErrorRedirect(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "backend", "state", "xyz")), "unauthorized_client", "-")
			wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), "access_denied", "xyz")
		}},
		FaultErrorsInQuery: {probe: func(t *testing.T, srv *Server) {
			if loc := flow(t, srv, baseline("xyz"), "deny").location; !strings.HasPrefix(loc, r1+"?error=access_denied&") || strings.Contains(loc, "#") {
				t.Errorf("Location %q: want the error in the query", loc)
			}
		}},
		FaultFragmentModeRejected: {probe: func(t *testing.T, srv *Server) {
			wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline("xyz")+"&response_mode=fragment"), "invalid_request", "xyz")
		}},
		FaultUnknownModeIgnored: {probe: func(t *testing.T, srv *Server) {
			wantConformantSuccess(t, srv, flow(t, srv, baseline("xyz")+"&response_mode=foo", "allow"), "xyz")
		}},
		FaultQueryModeHonoured: {probe: func(t *testing.T, srv *Server) {
			if loc := flow(t, srv, baseline("xyz")+"&response_mode=query", "allow").location; !strings.HasPrefix(loc, r1+"?access_token=") {
				t.Errorf("Location %q: want the token in the query", loc)
			}
		}},
		FaultFormPostActionRewritten: {probe: func(t *testing.T, srv *Server) {
			bodyHas(t, flow(t, srv, formPost, "allow"), `<form method="post" action="`+r1+`/">`)
		}},
		FaultFormPostMethodGet: {probe: func(t *testing.T, srv *Server) {
			bodyHas(t, flow(t, srv, formPost, "allow"), `<form method="get" action="`+r1+`">`)
		}},
		FaultFormPostCacheable: {probe: func(t *testing.T, srv *Server) {
			r := flow(t, srv, formPost, "allow")
			if cc := r.header.Get("Cache-Control"); r.status != http.StatusOK || cc != "max-age=300" {
				t.Errorf("status %d Cache-Control %q, want 200 max-age=300", r.status, cc)
			}
		}},
		FaultFormPostErrorsByRedirect: {probe: func(t *testing.T, srv *Server) {
			wantErrorRedirect(t, flow(t, srv, formPost, "deny"), "access_denied", "xyz")
			bodyHas(t, flow(t, srv, formPost, "allow"), `name="access_token"`)
		}},
		FaultFragmentPercentUnescaped: {probe: func(t *testing.T, srv *Server) {
			// "100%41" would decode to "100A" (a Go client cannot even follow
			// a Location holding a malformed escape such as "100%").
			endsWith(t, flow(t, srv, baseline("100%41"), "allow").location, "&state=100%41")
		}},
		FaultFragmentLatin1: {probe: func(t *testing.T, srv *Server) {
			endsWith(t, flow(t, srv, baseline("Zürich"), "allow").location, "&state=Z%FCrich")
		}},
		FaultFragmentSpaceUnencoded: {probe: func(t *testing.T, srv *Server) {
			endsWith(t, flow(t, srv, baseline("a b"), "allow").location, "&state=a b")
		}},
		FaultParameterTwice: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if n := len(fragOf(t, srv, baseline("xyz"), "allow")["token_type"]); n != 2 {
				t.Errorf("token_type %d times, want 2", n)
			}
		}},
		FaultIssWrong: {probe: func(t *testing.T, srv *Server) {
			if got := fragOf(t, srv, baseline("xyz"), "allow")["iss"]; len(got) != 1 || got[0] != srv.Issuer()+"/" {
				t.Errorf("iss %q, want %q", got, srv.Issuer()+"/")
			}
		}},
		FaultIssMissingOnError: {probe: func(t *testing.T, srv *Server) {
			if frag := fragOf(t, srv, baseline("xyz"), "deny"); len(frag["iss"]) != 0 {
				t.Errorf("error response carries iss %q", frag["iss"])
			}
		}},
		FaultTokenNonASCII: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if tok := fragOf(t, srv, baseline("xyz"), "allow")["access_token"]; len(tok) != 1 || !strings.HasSuffix(tok[0], "é") {
				t.Errorf("access_token %q, want it to end in é", tok)
			}
		}},
		FaultTokenNotB64: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if tok := fragOf(t, srv, baseline("xyz"), "allow")["access_token"]; len(tok) != 1 || !strings.HasSuffix(tok[0], "!") {
				t.Errorf("access_token %q, want it to end in !", tok)
			}
		}},
		FaultTokenTypeUnknown: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if got := fragOf(t, srv, baseline("xyz"), "allow")["token_type"]; len(got) != 1 || got[0] != "Magic" {
				t.Errorf("token_type %q, want Magic", got)
			}
		}},
		FaultNoExpiresIn: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if got := fragOf(t, srv, baseline("xyz"), "allow")["expires_in"]; len(got) != 0 {
				t.Errorf("expires_in %q, want none", got)
			}
		}},
		FaultExpiresInZero:   {breaksSuccess: true, probe: expiresInIs("0")},
		FaultExpiresInMillis: {breaksSuccess: true, probe: expiresInIs("86400000")},
		FaultExpiresInDay:    {breaksSuccess: true, probe: expiresInIs("86400")},
		FaultScopeOmittedWhenDefaulted: {probe: func(t *testing.T, srv *Server) {
			frag := fragOf(t, srv, query("response_type", "token", "client_id", "spa", "state", "xyz"), "allow")
			if len(frag["access_token"]) != 1 || len(frag["scope"]) != 0 {
				t.Errorf("fragment %v: want a token and no scope", frag)
			}
		}},
		FaultRefreshTokenIssued: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if len(fragOf(t, srv, baseline("xyz"), "allow")["refresh_token"]) != 1 {
				t.Error("no refresh_token")
			}
		}},
		FaultRefreshTokenOffline: {probe: func(t *testing.T, srv *Server) {
			q := query("response_type", "token", "client_id", "spa", "scope", "read offline_access", "state", "xyz")
			if len(fragOf(t, srv, q, "allow")["refresh_token"]) != 1 {
				t.Error("no refresh_token with offline_access")
			}
		}},
		FaultCodeAdded: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if len(fragOf(t, srv, baseline("xyz"), "allow")["code"]) != 1 {
				t.Error("no code")
			}
		}},
		FaultIDTokenAdded: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if len(fragOf(t, srv, baseline("xyz"), "allow")["id_token"]) != 1 {
				t.Error("no id_token")
			}
		}},
		FaultTokenConstant: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			a := fragOf(t, srv, baseline("xyz"), "allow")["access_token"]
			b := fragOf(t, srv, baseline("xyz"), "allow")["access_token"]
			if len(a) != 1 || len(b) != 1 || a[0] != b[0] {
				t.Errorf("tokens %q and %q, want the same", a, b)
			}
		}},
		FaultTokensSequential: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if tok := fragOf(t, srv, baseline("xyz"), "allow")["access_token"]; len(tok) != 1 || tok[0] != "at-1001" {
				t.Errorf("access_token %q, want at-1001", tok)
			}
		}},
		FaultTokenLowEntropy: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			if tok := fragOf(t, srv, baseline("xyz"), "allow")["access_token"]; len(tok) != 1 || len(tok[0]) != 11 {
				t.Errorf("access_token %q, want 11 characters", tok)
			}
		}},
		FaultUserinfoComparesPrefix: {probe: func(t *testing.T, srv *Server) {
			live := fragOf(t, srv, baseline("xyz"), "allow")["access_token"][0]
			altered := live[:20] + string(live[20]^1) + live[21:]
			wantUserinfo(t, userinfo(t, srv, altered), http.StatusOK, "")
			wantUserinfo(t, userinfo(t, srv, strings.Repeat("A", len(live))), http.StatusUnauthorized, `Bearer error="invalid_token"`)
		}},
		FaultUserinfoNoChallenge: {probe: func(t *testing.T, srv *Server) {
			wantUserinfo(t, userinfo(t, srv, strings.Repeat("A", 43)), http.StatusUnauthorized, "")
			wantUserinfo(t, newBrowser(t, srv).do(http.MethodGet, "/userinfo", nil, nil), http.StatusUnauthorized, "")
		}},
		FaultUserinfoAnonymous: {probe: func(t *testing.T, srv *Server) {
			r := newBrowser(t, srv).do(http.MethodGet, "/userinfo", nil, nil)
			wantUserinfo(t, r, http.StatusOK, "")
			bodyHas(t, r, `"sub":"anonymous"`)
			wantUserinfo(t, userinfo(t, srv, strings.Repeat("A", 43)), http.StatusUnauthorized, `Bearer error="invalid_token"`)
		}},
	}
}

// wantUserinfo checks an answer of /userinfo: its status and its
// WWW-Authenticate header ("" for none).
func wantUserinfo(t *testing.T, r response, status int, challenge string) {
	t.Helper()
	if r.status != status || r.header.Get("WWW-Authenticate") != challenge {
		t.Errorf("userinfo: %d %q, want %d %q", r.status, r.header.Get("WWW-Authenticate"), status, challenge)
	}
}

func expiresInIs(want string) func(t *testing.T, srv *Server) {
	return func(t *testing.T, srv *Server) {
		_, frag, _ := splitLocation(t, flow(t, srv, baseline("xyz"), "allow").location)
		if got := frag["expires_in"]; len(got) != 1 || got[0] != want {
			t.Errorf("expires_in %q, want %s", got, want)
		}
	}
}

// TestResponseNoFaultConformant: the conformant answers to the probes of
// the response faults.
func TestResponseNoFaultConformant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	long := strings.Repeat("s", 4096)
	_, frag, _ := splitLocation(t, flow(t, srv, baseline(long), "allow").location)
	if frag.Get("state") != long {
		t.Error("long state not echoed")
	}
	wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline("first")+"&state=second"), "invalid_request", "-")
	wantConformantSuccess(t, srv, flow(t, srv, baseline("xyz")+"&response_mode=fragment", "allow"), "xyz")
	wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline("xyz")+"&response_mode=foo"), "invalid_request", "xyz")
	wantErrorRedirect(t, newBrowser(t, srv).authorize(baseline("xyz")+"&response_mode=query"), "invalid_request", "xyz")
	if loc := flow(t, srv, query("response_type", "token", "client_id", "spa", "state", ""), "allow").location; strings.Contains(loc, "state") {
		t.Errorf("Location %q: want no state", loc)
	}
	if _, frag, _ = splitLocation(t, flow(t, srv, query("response_type", "token", "client_id", "spa", "state", "xyz"), "allow").location); frag.Get("scope") != defaultScope {
		t.Errorf("default grant: scope %q, want %q", frag.Get("scope"), defaultScope)
	}
	_, frag, _ = splitLocation(t, flow(t, srv, baseline("xyz"), "deny").location)
	if frag.Get("iss") != srv.Issuer() {
		t.Errorf("error iss %q, want %q", frag.Get("iss"), srv.Issuer())
	}
	q := query("response_type", "token", "client_id", "spa", "scope", "read offline_access", "state", "xyz")
	if _, frag, _ = splitLocation(t, flow(t, srv, q, "allow").location); frag.Has("refresh_token") {
		t.Error("refresh_token issued")
	}
	// RFC 6750 §3, §3.1: no token, a changed one or a random one is
	// refused with a Bearer challenge.
	live := frag.Get("access_token")
	wantUserinfo(t, newBrowser(t, srv).do(http.MethodGet, "/userinfo", nil, nil), http.StatusUnauthorized, `Bearer realm="implicitspec-reference"`)
	wantUserinfo(t, userinfo(t, srv, live[:20]+string(live[20]^1)+live[21:]), http.StatusUnauthorized, `Bearer error="invalid_token"`)
	wantUserinfo(t, userinfo(t, srv, strings.Repeat("A", len(live))), http.StatusUnauthorized, `Bearer error="invalid_token"`)
}
