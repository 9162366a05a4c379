package agent

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// names lists the cookies j sends to u, as name=value, in the jar's order.
func names(j *Jar, u *url.URL) []string {
	var out []string
	for _, c := range j.Cookies(u) {
		out = append(out, c.Name+"="+c.Value)
	}
	return out
}

func parseSetCookies(t *testing.T, lines ...string) []*http.Cookie {
	t.Helper()
	h := http.Header{}
	for _, l := range lines {
		h.Add("Set-Cookie", l)
	}
	cs := (&http.Response{Header: h}).Cookies()
	if len(cs) != len(lines) {
		t.Fatalf("parsed %d of %d Set-Cookie lines", len(cs), len(lines))
	}
	return cs
}

// A clone holds what its jar holds, and from then on each keeps its own:
// cookies added, changed or deleted in one never reach the other.
func TestJarCloneIsIsolated(t *testing.T) {
	srv := mustURL(t, "https://127.0.0.1:8443/login")
	j := NewJar()
	j.SetCookies(srv, parseSetCookies(t, "session=s1; Path=/; Secure; HttpOnly", "browser=b1; Path=/; Max-Age=3600"))
	c := j.Clone()
	if got, want := names(c, srv), names(j, srv); !slices.Equal(got, want) || len(got) != 2 {
		t.Fatalf("clone sends %v, original %v", got, want)
	}
	c.SetCookies(srv, parseSetCookies(t, "session=s2; Path=/; Secure", "extra=x; Path=/"))
	c.SetCookies(srv, parseSetCookies(t, "browser=; Path=/; Max-Age=0"))
	if got := names(j, srv); !slices.Equal(got, []string{"session=s1", "browser=b1"}) {
		t.Errorf("the original changed with its clone: %v", got)
	}
	if got := names(c, srv); !slices.Equal(got, []string{"session=s2", "extra=x"}) {
		t.Errorf("clone: %v, want session=s2 extra=x (browser deleted by Max-Age=0)", got)
	}
	j.SetCookies(srv, parseSetCookies(t, "late=l; Path=/"))
	if slices.Contains(names(c, srv), "late=l") {
		t.Errorf("a cookie set in the original after cloning reached the clone")
	}
	// A clone of a clone replays the clone's history.
	if got := names(c.Clone(), srv); !slices.Equal(got, []string{"session=s2", "extra=x"}) {
		t.Errorf("clone of the clone: %v", got)
	}
}

// The clone keeps RFC 6265's rules as the jar applies them: Secure, Path,
// host-only cookies, and expiry (a Max-Age counts from when it was set, not
// from when the clone was made).
func TestJarCloneKeepsCookieRules(t *testing.T) {
	j := NewJar()
	ip := mustURL(t, "https://127.0.0.1:8443/authorize")
	j.SetCookies(ip, parseSetCookies(t, "sec=1; Path=/; Secure", "deep=1; Path=/login", "gone=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"))
	local := mustURL(t, "https://localhost:8443/")
	j.SetCookies(local, parseSetCookies(t, "host=1; Path=/"))
	named := mustURL(t, "https://as.example/")
	j.SetCookies(named, parseSetCookies(t, "named=1; Path=/; Secure"))
	short := parseSetCookies(t, "short=1; Path=/; Max-Age=1")
	j.SetCookies(ip, short)
	c := j.Clone()
	for _, tt := range []struct {
		u    string
		want []string
	}{
		{"https://127.0.0.1:8443/authorize", []string{"sec=1", "short=1"}},
		{"http://127.0.0.1:8443/authorize", []string{"sec=1", "short=1"}}, // loopback is a secure origin, as in browsers
		{"https://as.example/", []string{"named=1"}},
		{"http://as.example/", nil}, // Secure: only over https
		{"https://127.0.0.1:8443/login/form", []string{"deep=1", "sec=1", "short=1"}},
		{"https://127.0.0.2:8443/", nil},                                   // host-only
		{"https://localhost:8443/", []string{"host=1"}},                    // host-only on localhost
		{"https://sub.localhost:8443/", nil},                               // no Domain attribute: not for subdomains
		{"https://127.0.0.1:9999/authorize", []string{"sec=1", "short=1"}}, // cookies ignore the port (RFC 6265 §8.5)
	} {
		if got := names(c, mustURL(t, tt.u)); !slices.Equal(got, tt.want) {
			t.Errorf("clone sends %v to %s, want %v", got, tt.u, tt.want)
		}
	}
	if short[0].MaxAge != 1 {
		t.Errorf("the caller's cookie was changed: Max-Age %d", short[0].MaxAge)
	}
	time.Sleep(1100 * time.Millisecond)
	if got := names(j.Clone(), ip); slices.Contains(got, "short=1") {
		t.Errorf("a clone made after the Max-Age ran out still sends the cookie: %v", got)
	}
}

// Through the browser: a Domain=.127.0.0.1 cookie (ipDomainCookies) is kept
// host-only by the jar and by its clone, and a second agent started from the
// clone sends it while a fresh one does not.
func TestAgentStartsFromClonedJar(t *testing.T) {
	u := mustURL(t, "https://127.0.0.1:8443/")
	first := NewJar()
	first.SetCookies(u, ipDomainCookies(u, parseSetCookies(t, "sid=abc; Domain=.127.0.0.1; Path=/; Secure")))
	if got := names(first, u); !slices.Equal(got, []string{"sid=abc"}) {
		t.Fatalf("jar: %v", got)
	}
	a, err := New(Config{AllowedOrigins: []string{"https://127.0.0.1:8443"}, Jar: first.Clone()})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Cookies(u); len(got) != 1 || got[0].Value != "abc" {
		t.Errorf("agent from the clone sends %v", got)
	}
	fresh, err := New(Config{AllowedOrigins: []string{"https://127.0.0.1:8443"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fresh.Cookies(u); len(got) != 0 {
		t.Errorf("a fresh agent sends %v", got)
	}
	a.Jar().SetCookies(u, parseSetCookies(t, "sid=; Path=/; Max-Age=0"))
	if got := names(first, u); !slices.Equal(got, []string{"sid=abc"}) {
		t.Errorf("a deletion in the agent's jar reached the jar it was cloned from: %v", got)
	}
}
