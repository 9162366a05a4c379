package refserver

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestFaultCatalogue(t *testing.T) {
	t.Parallel()
	id := regexp.MustCompile(`^[A-Z]+-[0-9]{2}$`)
	seen := map[Fault]bool{}
	all := Faults()
	if want := len(coreFaults) + len(redirectFaults) + len(responseFaults) + len(securityFaults) + len(oidcFaults) + len(requestFaults) + len(browserFaults); len(all) != want {
		t.Errorf("%d faults, want %d", len(all), want)
	}
	for _, fi := range all {
		if seen[fi.Fault] {
			t.Errorf("fault %q listed twice", fi.Fault)
		}
		seen[fi.Fault] = true
		if got, ok := LookupFault(string(fi.Fault)); !ok || got != fi.Fault {
			t.Errorf("LookupFault(%q) = %q, %v", fi.Fault, got, ok)
		}
		if len(fi.Requirements) == 0 {
			t.Errorf("%s: no requirements", fi.Fault)
		}
		for _, r := range fi.Requirements {
			if !id.MatchString(r) {
				t.Errorf("%s: requirement %q is not a catalogue ID", fi.Fault, r)
			}
		}
		if fi.Description == "" || !strings.HasSuffix(fi.Description, ".") || strings.Count(fi.Description, ". ") > 0 {
			t.Errorf("%s: description %q is not one sentence", fi.Fault, fi.Description)
		}
	}
	if _, ok := LookupFault("STATE-01"); ok {
		t.Error("LookupFault accepts a requirement ID")
	}
	// Faults hands out copies.
	all[0].Requirements[0] = "MUTATED"
	if Faults()[0].Requirements[0] == "MUTATED" {
		t.Error("Faults exposes the package's table")
	}
	// Stable order.
	again := Faults()
	for i := range again {
		if again[i].Fault != all[i].Fault {
			t.Fatalf("order changed at %d", i)
		}
	}
}

type probe func(t *testing.T, srv *Server)

// faultCase is how one fault is shown to work (each area keeps its own table).
type faultCase struct {
	probe         probe
	breaksSuccess bool // the baseline success flow (alphanumeric state) is affected
}

// TestFaults checks, for every fault, that its behaviour changes as
// described; and, for faults that are not about the plain success path, that
// the plain success path stays conformant (each fault breaks one behaviour).
func TestFaults(t *testing.T) {
	t.Parallel()
	cases := map[Fault]faultCase{
		FaultDropStateOnSuccess: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			_, frag, _ := splitLocation(t, flow(t, srv, baseline("xyz"), "allow").location)
			if frag.Has("state") || frag.Get("access_token") == "" {
				t.Errorf("fragment %v: want a token and no state", frag)
			}
			// Errors still echo it.
			wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), "access_denied", "xyz")
		}},
		FaultStateUnencoded: {probe: func(t *testing.T, srv *Server) {
			st := "a b+c&d=e"
			loc := flow(t, srv, baseline(st), "allow").location
			if !strings.HasSuffix(loc, "&state="+st) {
				t.Errorf("Location %q: want the raw state at the end", loc)
			}
			// Errors stay encoded.
			loc = flow(t, srv, baseline(st), "deny").location
			if !strings.HasSuffix(loc, "&state="+url.QueryEscape(st)) {
				t.Errorf("error Location %q: want the state encoded", loc)
			}
		}},
		FaultStatePlusAsSpace: {probe: func(t *testing.T, srv *Server) {
			_, frag, _ := splitLocation(t, flow(t, srv, baseline("a+b c%2B"), "allow").location)
			if got := frag.Get("state"); got != "a b c%2B" {
				t.Errorf("state %q, want %q", got, "a b c%2B")
			}
		}},
		FaultDropStateOnError: {probe: func(t *testing.T, srv *Server) {
			wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), "access_denied", "-")
			b := newBrowser(t, srv)
			wantErrorRedirect(t, b.authorize(query("response_type", "token", "client_id", "backend", "state", "xyz")), "unauthorized_client", "-")
			wantErrorRedirect(t, b.authorize(baseline("xyz")+"&scope=nope"), "invalid_request", "-")
		}},
		FaultInventState: {probe: func(t *testing.T, srv *Server) {
			_, frag, _ := splitLocation(t, flow(t, srv, query("response_type", "token", "client_id", "spa"), "allow").location)
			if frag.Get("state") == "" {
				t.Errorf("fragment %v: want an invented state", frag)
			}
		}},
		FaultRequireState: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			wantErrorRedirect(t, b.authorize(query("response_type", "token", "client_id", "spa")), "invalid_request", "-")
			wantErrorRedirect(t, b.authorize(query("response_type", "token", "client_id", "spa", "state", "")), "invalid_request", "-")
		}},
		FaultDenyWrongError: {probe: func(t *testing.T, srv *Server) {
			wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), "server_error", "xyz")
		}},
		FaultTokenInQuery: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			loc := flow(t, srv, baseline("xyz"), "allow").location
			base, frag, _ := splitLocation(t, loc)
			if !strings.HasPrefix(base, r1+"?access_token=") || strings.TrimPrefix(base, r1+"?access_token=") != frag.Get("access_token") {
				t.Errorf("Location %q: want the fragment's token copied into the query", loc)
			}
			if frag.Get("state") != "xyz" || frag.Get("token_type") != "Bearer" {
				t.Errorf("fragment %v changed", frag)
			}
		}},
		FaultResponseInQuery: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			loc := flow(t, srv, baseline("xyz"), "allow").location
			if strings.Contains(loc, "#") || !strings.HasPrefix(loc, r1+"?access_token=") {
				t.Fatalf("Location %q: want the response in the query", loc)
			}
			q, _ := url.ParseQuery(strings.TrimPrefix(loc, r1+"?"))
			if q.Get("state") != "xyz" || q.Get("token_type") != "Bearer" {
				t.Errorf("query %v", q)
			}
			// Errors still use the fragment.
			wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), "access_denied", "xyz")
		}},
		FaultEmptyAccessToken: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			loc := flow(t, srv, baseline("xyz"), "allow").location
			if !strings.HasPrefix(loc, r1+"#access_token=&token_type=Bearer&") {
				t.Errorf("Location %q: want an empty access_token", loc)
			}
		}},
		FaultNoTokenType: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			_, frag, _ := splitLocation(t, flow(t, srv, baseline("xyz"), "allow").location)
			if frag.Has("token_type") || frag.Get("access_token") == "" {
				t.Errorf("fragment %v: want a token and no token_type", frag)
			}
		}},
		FaultUserinfoRejectsTokens: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			_, frag, _ := splitLocation(t, flow(t, srv, baseline("xyz"), "allow").location)
			r := userinfo(t, srv, frag.Get("access_token"))
			if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") != `Bearer error="invalid_token"` {
				t.Errorf("userinfo with a live token: %d %q", r.status, r.header.Get("WWW-Authenticate"))
			}
		}},
		FaultRedirectURIRewritten: {breaksSuccess: true, probe: func(t *testing.T, srv *Server) {
			loc := flow(t, srv, baseline("xyz"), "allow").location
			if !strings.HasPrefix(loc, r1+"/#access_token=") {
				t.Errorf("Location %q: want %s/#...", loc, r1)
			}
			// Error redirects are untouched.
			wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), "access_denied", "xyz")
		}},
		FaultRedirectURIPrefixMatch: {probe: func(t *testing.T, srv *Server) {
			loc := flow(t, srv, query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"/extra", "state", "xyz"), "allow").location
			if !strings.HasPrefix(loc, r1+"/extra#access_token=") {
				t.Errorf("Location %q: want a token sent to %s/extra", loc, r1)
			}
			// Other mismatches are still refused.
			wantErrorPage(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", "https://evil.example/cb")))
		}},
		FaultUnknownClientRedirects: {probe: func(t *testing.T, srv *Server) {
			b := newBrowser(t, srv)
			r := b.authorize(query("response_type", "token", "client_id", "nobody", "redirect_uri", "https://evil.example/cb", "state", "xyz"))
			if r.status != http.StatusSeeOther || r.location != "https://evil.example/cb#error=invalid_client&error_description=The+client+is+not+known.&iss="+url.QueryEscape(srv.Issuer())+"&state=xyz" {
				t.Errorf("%d %q: want a redirect with invalid_client", r.status, r.location)
			}
			// A bad redirect_uri for a known client still gets the page.
			wantErrorPage(t, b.authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", "https://evil.example/cb")))
		}},
		FaultImplicitForEveryClient: {probe: func(t *testing.T, srv *Server) {
			loc := flow(t, srv, query("response_type", "token", "client_id", "backend", "state", "xyz"), "allow").location
			if !strings.HasPrefix(loc, r1+"#access_token=") {
				t.Errorf("Location %q: want a token for backend", loc)
			}
		}},
		FaultImpreciseClientError: {probe: func(t *testing.T, srv *Server) {
			wantErrorRedirect(t, newBrowser(t, srv).authorize(query("response_type", "token", "client_id", "backend", "state", "xyz")), "invalid_request", "xyz")
		}},
	}

	for f, p := range oidcFaultProbes() {
		cases[f] = faultCase{probe: p}
	}

	for _, area := range []map[Fault]faultCase{requestFaultCases} {
		maps.Copy(cases, area)
	}
	for f, c := range securityFaultCases() {
		cases[f] = c
	}
	for _, area := range []map[Fault]faultCase{redirectFaultCases} {
		maps.Copy(cases, area)
	}
	maps.Copy(cases, responseFaultCases())
	maps.Copy(cases, browserFaultCases())
	for _, fi := range Faults() {
		c, ok := cases[fi.Fault]
		if !ok {
			t.Errorf("fault %q has no test", fi.Fault)
			continue
		}
		t.Run(string(fi.Fault), func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, fi.Fault)
			c.probe(t, srv)
			if !c.breaksSuccess {
				wantConformantSuccess(t, srv, flow(t, srv, baseline("xyz"), "allow"), "xyz")
			}
		})
	}
	if len(cases) != len(Faults()) {
		t.Errorf("%d fault cases for %d faults", len(cases), len(Faults()))
	}
}

// TestNoFaultConformant runs each fault's probe situation against a server
// with no faults and expects the conformant answer, so a fault probe cannot
// pass by accident.
func TestNoFaultConformant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := newBrowser(t, srv)
	wantConformantSuccess(t, srv, flow(t, srv, baseline("xyz"), "allow"), "xyz")
	_, frag, _ := splitLocation(t, flow(t, srv, baseline("a+b c%2B"), "allow").location)
	if frag.Get("state") != "a+b c%2B" {
		t.Errorf("state %q", frag.Get("state"))
	}
	_, frag, _ = splitLocation(t, flow(t, srv, query("response_type", "token", "client_id", "spa"), "allow").location)
	if frag.Has("state") {
		t.Error("state invented")
	}
	wantErrorRedirect(t, flow(t, srv, baseline("xyz"), "deny"), "access_denied", "xyz")
	wantErrorRedirect(t, b.authorize(query("response_type", "token", "client_id", "backend", "state", "xyz")), "unauthorized_client", "xyz")
	wantErrorPage(t, b.authorize(query("response_type", "token", "client_id", "nobody", "redirect_uri", "https://evil.example/cb", "state", "xyz")))
	wantErrorPage(t, b.authorize(query("response_type", "token", "client_id", "spa", "redirect_uri", r1+"/extra", "state", "xyz")))
}
