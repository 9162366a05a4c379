package agent

// Fuzzing where the input is hostile: a Location header, a form action, a link, a <base href>
// are whatever the server writes.
//
//	go test ./internal/agent -run '^$' -fuzz '^FuzzResolve$' -fuzztime 2m
//	go test ./internal/agent -run '^$' -fuzz '^FuzzRedirect$' -fuzztime 2m
//
// Seeds: below, and testdata/fuzz/<FuzzName>/ (Go's corpus format), where the fuzzer also
// writes what it finds: commit a crasher with its fix.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// refSeeds are references as servers write them, and as attackers do.
var refSeeds = []string{
	"", " ", "#", "?", "/", ".", "..", "../../..", "/a/./b/../c", "cb", "?x=1", "#access_token=a&state=s",
	"https://client.example/cb#access_token=a",
	"https://client.example/cb#", "https://client.example/cb?#", "HTTPS://CLIENT.EXAMPLE:443/cb",
	"https://client.example/x/../cb", "https://client.example/%63b", "https://client.example/cb/",
	"https://client.example./cb", "https://client.example:0443/cb", "https://client.example:/cb",
	"//evil.example/cb", "///evil.example", "\\\\evil.example\\cb", "/\\evil.example", "https:evil.example",
	"https:/evil.example", "http://as.example@evil.example/", "http://evil.example\\@as.example/",
	"http://as.example%40evil.example/", "https://user:pw@client.example/cb",
	"http://[::1]:8080/cb", "http://[::ffff:127.0.0.1]/", "http://[fe80::1%25eth0]/", "http://[::1",
	"http://127.1/", "http://0x7f.0.0.1/", "http://2130706433/",
	" \t\nhttps://client.example/c\tb#tok\n ", "\x00https://client.example/cb\x1f", "https://client.example/cb\u00a0",
	"https://client.example/cb#a b%zz%", "/cb?a=%zz&b=<>\"", "%2e%2e/cb", "javascript:alert(1)", "JAVASCRIPT:x",
	"data:text/html,x#y", "mailto:a@b", "urn:ietf:rfc:9110", "about:blank#x", "http://", "http:///x", "http:?x",
	"https://client.example/cb#access_token=a#b", "https://xn--nxasmq6b.example/", "https://ÄS.example/",
	"/" + strings.Repeat("a/", 3000) + "cb#" + strings.Repeat("t", 5000),
}

// FuzzResolve: Resolve never panics; what it returns is an absolute URL whose raw form parses
// back to it; the fragment is the reference's own; and the URL the request line carries is
// the same origin, and the same client URI or not, as the URL the agent judged.
func FuzzResolve(f *testing.F) {
	for _, r := range refSeeds {
		f.Add("https://as.example:8443/a/b?q=1#frag", r, "https://client.example/cb")
	}
	f.Add("http://[::1]:9000/x/", "../cb", "http://[::1]:9000/cb")
	f.Add("https://as.example/login/", "./cb?x#y", "https://as.example/login/cb")
	f.Add("https://as.example/", "/x/../cb", "https://as.example/cb")
	f.Add("http://as.example/a", "cb", "urn:x")
	f.Fuzz(func(t *testing.T, base, ref, client string) {
		b := fuzzBase(base)
		c, err := parseClientURI(client)
		if err != nil {
			c, _ = parseClientURI("https://client.example/cb")
		}
		raw, u, err := Resolve(b, ref)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(ref, "\n") {
				t.Errorf("error not on one line: %q", err)
			}
			// Quoting the fragment is the fault. Only a fragment whose text appears
			// nowhere else in the URL can be told from the URL's own parts an error
			// quotes, however often ("//:A0000#0000": the port ":A0000", twice): the
			// URL as the parser saw it (cleanRef) and as an error quotes it (%q turns
			// a NUL before "00" into "\x0000").
			if before, frag, ok := strings.Cut(cleanRef(ref), "#"); ok && len(frag) > 3 &&
				!strings.Contains(before, frag) && !strings.Contains(strconv.Quote(before), frag) &&
				strings.Contains(err.Error(), frag) {
				t.Errorf("the error quotes the fragment: %v", err)
			}
			return
		}
		checkResolved(t, ref, raw, u)
		checkWire(t, u, c)
	})
}

// fuzzBase is base as the agent holds one (absolute, http or https, without fragment), or a
// fixed base.
func fuzzBase(base string) *url.URL {
	if _, b, err := Resolve(nil, base); err == nil && (b.Scheme == "http" || b.Scheme == "https") {
		return withoutFragment(b)
	}
	b, _ := url.Parse("https://as.example:8443/a/b?q=1")
	return b
}

// checkResolved checks one result of Resolve(base, ref).
func checkResolved(t *testing.T, ref, raw string, u *url.URL) {
	t.Helper()
	if !u.IsAbs() || u.Scheme != strings.ToLower(u.Scheme) {
		t.Fatalf("Resolve(%q) = %q: scheme %q", ref, u, u.Scheme)
	}
	if (u.Scheme == "http" || u.Scheme == "https") && (u.Host == "" || origin(u) == "") {
		t.Fatalf("Resolve(%q) = %q: http(s) without a host", ref, u)
	}
	// The fragment is the reference's own, and only when it has one.
	_, frag, hasFrag := strings.Cut(cleanRef(ref), "#")
	_, rawFrag, rawHasFrag := strings.Cut(cleanRef(raw), "#")
	switch {
	case !hasFrag && (u.Fragment != "" || u.RawFragment != "" || rawHasFrag):
		t.Fatalf("Resolve(%q): fragment %q (raw %q), the reference has none", ref, u.Fragment, raw)
	case hasFrag && (!rawHasFrag || rawFrag != frag):
		t.Fatalf("Resolve(%q): raw %q carries fragment %q, the reference %q", ref, raw, rawFrag, frag)
	}
	// raw and the URL designate the same thing: the harness reads tokens from one and judges
	// the other.
	raw2, u2, err := Resolve(nil, raw)
	if err != nil {
		t.Fatalf("Resolve(%q) = raw %q, which does not resolve: %v", ref, raw, err)
	}
	if u2.String() != u.String() || u2.Fragment != u.Fragment {
		t.Fatalf("Resolve(%q) = %q, but its raw %q resolves to %q", ref, u, raw, u2)
	}
	if raw2 != raw {
		t.Fatalf("Resolve(%q) = raw %q, whose raw is %q", ref, raw, raw2)
	}
}

// checkWire: the request the agent would send for u (what send builds, parsed as net/http
// parses it) goes to the origin the agent judged, and is a client URI exactly when u is.
func checkWire(t *testing.T, u *url.URL, c clientURI) {
	t.Helper()
	if u.Scheme != "http" && u.Scheme != "https" {
		return
	}
	req := withoutFragment(u)
	req.RawQuery = escapeQuery(req.RawQuery)
	r, err := http.NewRequest(http.MethodGet, req.String(), nil)
	if err != nil {
		return // refused before anything is sent
	}
	w := r.URL
	if origin(w) != origin(u) {
		t.Fatalf("judged origin %s, the request goes to %s (%q)", origin(u), origin(w), req.String())
	}
	if c.matches(w) != c.matches(u) {
		t.Fatalf("client URI %+v: matches %q is %v, the request line %q %v", c, u, c.matches(u), req.String(), c.matches(w))
	}
	if n := dotFree(u); c.matches(n) != c.matches(u) {
		t.Fatalf("client URI %+v: matches %q is %v, but %v for %q, where a browser goes", c, u, c.matches(u), c.matches(n), n)
	}
	if n := dotFree(u); c.matches(u) {
		port := u.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
		}
		p := n.Path
		if p == "" {
			p = "/"
		}
		if u.Scheme != c.scheme || !strings.EqualFold(u.Hostname(), c.host) || port != c.port || p != c.path {
			t.Fatalf("%q is deemed client URI %+v", u, c)
		}
	}
}

// redirectSite answers /start with a redirect to the fuzzed Location and every other path with
// a plain page; the client and a foreign site must never be contacted.
type redirectSite struct {
	as, client, foreign *httptest.Server
	clientHits          atomic.Int64
	foreignHits         atomic.Int64

	mu     sync.Mutex
	loc    string
	status int
}

func newRedirectSite(f *testing.F) *redirectSite {
	s := &redirectSite{}
	s.as = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		// Every run is a new agent, hence a new connection: the server closes it, so that
		// TIME_WAIT is the server's and a long run does not exhaust the ephemeral ports.
		w.Header().Set("Connection", "close")
		if r.URL.Path != "/start" {
			io.WriteString(w, "a page")
			return
		}
		s.mu.Lock()
		loc, status := s.loc, s.status
		s.mu.Unlock()
		w.Header()["Location"] = []string{loc}
		w.WriteHeader(status)
	}))
	s.client = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.clientHits.Add(1) }))
	s.foreign = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.foreignHits.Add(1) }))
	f.Cleanup(s.as.Close)
	f.Cleanup(s.client.Close)
	f.Cleanup(s.foreign.Close)
	return s
}

// startFragment is the fragment of the navigation that meets the redirect.
const startFragment = "state=s1&access_token=tok%20en"

// FuzzRedirect: following any Location never panics and never contacts the client or a foreign
// site; a Location without a fragment inherits the request's (RFC 9110 §10.2.2), one with a
// fragment keeps its own; a departure's raw URL and URL agree, fragment included.
//
// {{as}}, {{client}} and {{foreign}} in the Location stand for the servers' URLs.
func FuzzRedirect(f *testing.F) {
	for i, r := range refSeeds {
		f.Add(r, uint8(i))
	}
	for i, r := range []string{"{{client}}", "{{client}}#access_token=a", "{{client}}?x#", "{{foreign}}/x",
		"{{as}}/other", "{{as}}/start", "/start#x", "{{as}}@{{foreign}}", "{{client}}/../callback", "{{client}}/%2e%2e/callback",
		"{{client}}/./", "{{client}}/x/../", "//{{clienthost}}/callback", "{{client}}\t#\ttok"} {
		f.Add(r, uint8(i))
	}
	site := newRedirectSite(f)
	statuses := []int{301, 302, 303, 307, 308}
	f.Fuzz(func(t *testing.T, loc string, st uint8) {
		clientHost := strings.TrimPrefix(site.client.URL, "http://")
		loc = strings.NewReplacer("{{as}}", site.as.URL, "{{client}}", site.client.URL+"/callback",
			"{{foreign}}", site.foreign.URL, "{{clienthost}}", clientHost).Replace(loc)
		site.mu.Lock()
		site.loc, site.status = loc, statuses[int(st)%len(statuses)]
		site.mu.Unlock()
		a, err := New(Config{AllowedOrigins: []string{site.as.URL}, ClientURIs: []string{site.client.URL + "/callback"},
			Timeout: 5 * time.Second, MaxHops: 3})
		if err != nil {
			t.Fatal(err)
		}
		defer a.CloseIdleConnections()
		method := http.MethodGet
		if st&0x80 != 0 {
			method = http.MethodPost
		}
		res, err := a.Navigate(context.Background(), method, site.as.URL+"/start?x=1#"+startFragment, "a=1", "form")
		if n := site.clientHits.Swap(0); n != 0 {
			t.Fatalf("Location %q: the client was contacted %d times", loc, n)
		}
		if n := site.foreignHits.Swap(0); n != 0 {
			t.Fatalf("Location %q: a foreign site was contacted %d times", loc, n)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Navigate: %T %v, want *agent.Error", err, err)
			}
			if e.Kind == KindTimeout {
				t.Fatalf("Navigate timed out: %v", err)
			}
			return
		}
		if (res.Page == nil) == (res.Departure == nil) {
			t.Fatalf("want exactly one of page and departure, got %+v", res)
		}
		// What the agent received (the server may have cleaned the header).
		got := ""
		for _, h := range a.Hops() {
			if h.Location != "" {
				got = h.Location
				break
			}
		}
		wantFrag := "state=s1&access_token=tok en"
		if _, f, ok := strings.Cut(cleanRef(got), "#"); ok {
			p, err := parseLenient("#" + f)
			if err != nil {
				t.Fatalf("Location %q: fragment does not parse, yet it was followed", got)
			}
			wantFrag = p.Fragment
		}
		if p := res.Page; p != nil {
			if origin(p.URL) != origin(mustParse(t, site.as.URL)) {
				t.Fatalf("Location %q: a page from %s", got, origin(p.URL))
			}
			if p.URL.Fragment != wantFrag {
				t.Fatalf("Location %q: page fragment %q, want %q", got, p.URL.Fragment, wantFrag)
			}
			return
		}
		d := res.Departure
		if d.Unparsable {
			if d.RawURL != strings.TrimSpace(got) {
				t.Fatalf("unparsable Location %q departs to raw %q", got, d.RawURL)
			}
			return
		}
		if d.URL == nil || !d.URL.IsAbs() {
			t.Fatalf("Location %q: departure to %v", got, d.URL)
		}
		client, _ := parseClientURI(site.client.URL + "/callback")
		if d.ClientURI != client.matches(dotFree(d.URL)) {
			t.Fatalf("Location %q: departure to %q with ClientURI %v", got, d.URL, d.ClientURI)
		}
		if d.URL.Fragment != wantFrag {
			t.Fatalf("Location %q: departure fragment %q, want %q", got, d.URL.Fragment, wantFrag)
		}
		_, u2, err := Resolve(nil, d.RawURL)
		if err != nil {
			t.Fatalf("Location %q: departure raw %q does not resolve: %v", got, d.RawURL, err)
		}
		if u2.String() != d.URL.String() || u2.Fragment != d.URL.Fragment {
			t.Fatalf("Location %q: departure raw %q resolves to %q, its URL is %q", got, d.RawURL, u2, d.URL)
		}
	})
}

// dotFree is u with the dot segments of its path removed (RFC 3986 §5.2.4), as a browser
// removes them before it sends the request.
func dotFree(u *url.URL) *url.URL {
	if u.Opaque != "" {
		return u
	}
	return u.ResolveReference(&url.URL{})
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
