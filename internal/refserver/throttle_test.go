package refserver

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseConfigOperating(t *testing.T) {
	for in, want := range map[string]Config{
		"throttle=7":               {Throttle: 7},
		"lockout=3":                {Lockout: 3},
		"lockout=3/90s":            {Lockout: 3, LockoutWindow: 90 * time.Second},
		"throttle=2;lockout=5/10m": {Throttle: 2, Lockout: 5, LockoutWindow: 10 * time.Minute},
	} {
		got, err := ParseConfig(in)
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", in, err)
		}
		if got.Throttle != want.Throttle || got.Lockout != want.Lockout || got.LockoutWindow != want.LockoutWindow {
			t.Fatalf("ParseConfig(%q) = %+v, want %+v", in, got, want)
		}
		back, err := ParseConfig(got.String())
		if err != nil || back.String() != got.String() {
			t.Fatalf("round trip of %q: %q, %v", in, got.String(), err)
		}
	}
	for _, bad := range []string{"throttle", "throttle=0", "throttle=x", "throttle=2/1m", "lockout=-1", "lockout=2/soon", "lockout=2/0s"} {
		if _, err := ParseConfig(bad); err == nil {
			t.Errorf("ParseConfig(%q) accepted", bad)
		}
	}
}

// TestThrottleAdmit: every Nth request is refused for one second; the same
// request is refused again before the second has passed, served after it
// without being counted, so a client that waits as told gets through.
func TestThrottleAdmit(t *testing.T) {
	s := &Server{cfg: Config{Throttle: 3}}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var refusedAt []int
	for i := 1; i <= 9; i++ {
		if _, refused := s.admit(string(rune('a'+i)), now); refused {
			refusedAt = append(refusedAt, i)
		}
	}
	if len(refusedAt) != 3 || refusedAt[0] != 3 || refusedAt[1] != 6 || refusedAt[2] != 9 {
		t.Fatalf("refused %v, want [3 6 9]", refusedAt)
	}
	key := string(rune('a' + 3))
	if wait, refused := s.admit(key, now.Add(400*time.Millisecond)); !refused || wait != 600*time.Millisecond {
		t.Fatalf("a retry before the second: refused %v wait %s, want refused for 600ms", refused, wait)
	}
	for range 2 { // two clients that sent the same request both get through
		if _, refused := s.admit(key, now.Add(time.Second)); refused {
			t.Fatal("a retry after the second was refused")
		}
	}
	// Not counted: the next two fresh requests pass, the third is refused.
	for i, want := range []bool{false, false, true} {
		if _, refused := s.admit("fresh"+string(rune('0'+i)), now.Add(time.Second)); refused != want {
			t.Fatalf("fresh request %d after the retry: refused %v, want %v", i, refused, want)
		}
	}
}

// TestThrottleAnswers429: the refused request gets 429 with Retry-After: 1
// (RFC 6585 §4) and the server's usual headers; discovery is not limited.
func TestThrottleAnswers429(t *testing.T) {
	s, err := Start(Options{Config: Config{Throttle: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := newBrowser(t, s)
	if r := b.get("/.well-known/openid-configuration"); r.status != http.StatusOK {
		t.Fatalf("discovery: %d, want 200 (not limited)", r.status)
	}
	r := b.authorize(baseline("s1"))
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Fatalf("authorize: %d Retry-After %q, want 429 with Retry-After: 1", r.status, r.header.Get("Retry-After"))
	}
	if r.header.Get("Cache-Control") != "no-store" || !strings.Contains(r.body, "Too many requests") {
		t.Fatalf("429 answer: headers %v body %q", r.header, r.body)
	}
	if again := b.authorize(baseline("s1")); again.status != http.StatusTooManyRequests {
		t.Fatalf("the same request at once: %d, want 429 again (it did not wait)", again.status)
	}
}

// TestLockout: after N sign-ins within the window the account is locked:
// the login form comes back with 403 and says so, also with the right
// password.
func TestLockout(t *testing.T) {
	s, err := Start(Options{Config: Config{Lockout: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 2 {
		b := newBrowser(t, s)
		b.login(b.authorize(baseline("s" + string(rune('0'+i)))))
	}
	b := newBrowser(t, s)
	authz := b.authorize(baseline("s9"))
	page := b.get(authz.location)
	form := formOf(t, page.body, "/login")
	form.Set("username", "alice")
	form.Set("password", s.password)
	r := b.post("/login", form)
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "This account is locked") {
		t.Fatalf("third sign-in: %d %q, want 403 saying the account is locked", r.status, r.body)
	}
	if !strings.Contains(r.body, `name="password"`) {
		t.Fatal("the locked page has no login form: a reader would judge it as the flow's end")
	}
	if _, ok := formOf(t, r.body, "/login")["request_id"]; !ok {
		t.Fatal("the login form lost its request")
	}
}
