package agent

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock never sleeps: it records each wait, and moves its time on by
// it only when advance is set. No test here measures real time.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	advance bool
	slept   []time.Duration
	onSleep func() // called before returning (a test cancels its context there)
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.slept = append(c.slept, d)
	if c.advance {
		c.now = c.now.Add(d)
	}
	c.mu.Unlock()
	if c.onSleep != nil {
		c.onSleep()
	}
	return ctx.Err()
}

func (c *fakeClock) waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.slept)
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// TestPoliteRateBound: at --rate 20, requests from many goroutines at one
// instant get distinct slots 50 ms apart, so no second holds more than 20.
func TestPoliteRateBound(t *testing.T) {
	c := &fakeClock{now: epoch}
	p := newPolite(20, DefaultMaxWait, c)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if err := p.pace(context.Background(), "https://idp.example/authorize"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// The first request leaves at once (no Sleep); the others wait their slot.
	slots := []time.Duration{0}
	slots = append(slots, c.waits()...)
	slices.Sort(slots)
	if len(slots) != 100 {
		t.Fatalf("%d slots, want 100", len(slots))
	}
	for i, s := range slots {
		if want := time.Duration(i) * 50 * time.Millisecond; s != want {
			t.Fatalf("slot %d at %s, want %s", i, s, want)
		}
	}
	for i := range slots {
		n := 0
		for _, s := range slots[i:] {
			if s-slots[i] < time.Second {
				n++
			}
		}
		if n > 20 {
			t.Fatalf("%d requests within the second from slot %d, want at most 20", n, i)
		}
	}
}

// TestPoliteRateFollowsTime: a request after a quiet spell leaves at once;
// the limiter keeps no credit (no burst) from the idle time.
func TestPoliteRateFollowsTime(t *testing.T) {
	c := &fakeClock{now: epoch, advance: true}
	p := newPolite(10, 0, c)
	for range 3 {
		_ = p.pace(context.Background(), "u")
	}
	c.mu.Lock()
	c.now = c.now.Add(time.Hour)
	c.mu.Unlock()
	for range 2 {
		_ = p.pace(context.Background(), "u")
	}
	want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}
	if got := c.waits(); !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
}

func TestPoliteUnlimitedAndNil(t *testing.T) {
	c := &fakeClock{now: epoch}
	p := newPolite(0, 0, c)
	var nilP *Polite
	for range 50 {
		if err := p.pace(context.Background(), "u"); err != nil {
			t.Fatal(err)
		}
		if err := nilP.pace(context.Background(), "u"); err != nil {
			t.Fatal(err)
		}
	}
	if w := c.waits(); len(w) != 0 {
		t.Fatalf("unlimited waited %v", w)
	}
}

func TestNewPoliteRejects(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		wait time.Duration
	}{{-1, 0}, {0, -time.Second}} {
		if _, err := NewPolite(tc.rate, tc.wait); err == nil {
			t.Errorf("NewPolite(%v, %s) accepted", tc.rate, tc.wait)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := epoch
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	for _, tc := range []struct {
		name     string
		status   int
		ra, date string
		want     time.Duration
		ok       bool
	}{
		{"429 seconds", 429, "1", "", time.Second, true},
		{"503 seconds", 503, " 120 ", "", 2 * time.Minute, true},
		{"zero", 429, "0", "", 0, true},
		{"HTTP-date against now", 503, date(30 * time.Second), "", 30 * time.Second, true},
		{"HTTP-date against the answer's Date", 429, date(30 * time.Second), date(20 * time.Second), 10 * time.Second, true},
		{"HTTP-date past", 429, date(-time.Minute), "", 0, true},
		{"huge", 429, "99999999999999999999", "", time.Duration(1<<63 - 1), true},
		{"no Retry-After", 429, "", "", 0, false},
		{"unreadable", 429, "soon", "", 0, false},
		{"negative", 429, "-1", "", 0, false},
		{"200 with Retry-After", 200, "1", "", 0, false},
		{"302 with Retry-After", 302, "1", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.ra != "" {
				h.Set("Retry-After", tc.ra)
			}
			if tc.date != "" {
				h.Set("Date", tc.date)
			}
			got, ok := retryAfter(tc.status, h, now)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("retryAfter = %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// throttling serves answers[i] to the i-th request (the last one after),
// each "status retry-after", and counts the requests and their bodies.
type throttling struct {
	answers []string
	n       atomic.Int32
	mu      sync.Mutex
	bodies  []string
}

func (s *throttling) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	s.mu.Unlock()
	a := s.answers[min(i, len(s.answers)-1)]
	status, ra, _ := strings.Cut(a, " ")
	if ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	w.Header().Set("Content-Type", "text/html")
	switch status {
	case "429":
		w.WriteHeader(429)
	case "503":
		w.WriteHeader(503)
	}
	io.WriteString(w, "<p>"+a+"</p>")
}

func politeAgent(t *testing.T, h http.Handler, p *Polite) (*Agent, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	a, err := New(Config{AllowedOrigins: []string{srv.URL}, Polite: p})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.CloseIdleConnections)
	return a, srv.URL
}

func observed(ctx context.Context) (context.Context, func() []Throttle) {
	var mu sync.Mutex
	var got []Throttle
	ctx = OnThrottle(ctx, func(t Throttle) {
		mu.Lock()
		got = append(got, t)
		mu.Unlock()
	})
	return ctx, func() []Throttle {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}

// TestNavigateWaitsOutRetryAfter: a 429 with Retry-After is waited out and
// the request sent once more; the hop log shows the 429 and the wait, the
// checks' exchanges only the answer that counts.
func TestNavigateWaitsOutRetryAfter(t *testing.T) {
	c := &fakeClock{now: epoch}
	srv := &throttling{answers: []string{"429 1", "200"}}
	a, base := politeAgent(t, srv, newPolite(0, DefaultMaxWait, c))
	ctx, throttles := observed(context.Background())
	res, err := a.Navigate(ctx, "POST", base+"/login?state=s3cret", "password=pw", "start")
	if err != nil {
		t.Fatal(err)
	}
	if res.Page == nil || res.Page.Status != 200 {
		t.Fatalf("result %+v, want the 200 page", res)
	}
	if got := c.waits(); !slices.Equal(got, []time.Duration{time.Second}) {
		t.Fatalf("waits %v, want [1s]", got)
	}
	if srv.bodies[0] != "password=pw" || srv.bodies[1] != "password=pw" {
		t.Fatalf("bodies %q: the retry must send the same body", srv.bodies)
	}
	hops := a.Hops()
	if len(hops) != 2 || !hops[0].Throttled || hops[0].Status != 429 || hops[1].Throttled {
		t.Fatalf("hops %+v: want the throttled 429, then the 200", hops)
	}
	if !strings.Contains(hops[0].Note, "waited 1s") || !strings.Contains(hops[0].Note, "RFC 9110 §10.2.3") {
		t.Fatalf("note %q", hops[0].Note)
	}
	if x := a.Exchanges(); len(x) != 1 || x[0].Status != 200 {
		t.Fatalf("exchanges %+v: the throttled hop is not an answer to judge", x)
	}
	ts := throttles()
	if len(ts) != 1 || ts[0].GaveUp || ts[0].Wait != time.Second || ts[0].Status != 429 {
		t.Fatalf("throttles %+v", ts)
	}
	if strings.Contains(ts[0].URL, "s3cret") || !strings.HasSuffix(ts[0].URL, "/login?…") {
		t.Fatalf("throttle URL %q must drop the query", ts[0].URL)
	}
}

// TestNavigateRateLimited: a Retry-After above the bound is not waited, and
// a second throttled answer is not sent a third time: both are
// rate-limited errors, told to the observer as give-ups.
func TestNavigateRateLimited(t *testing.T) {
	for _, tc := range []struct {
		name     string
		answers  []string
		requests int32
		waits    int
		why      string
	}{
		{"beyond max-wait", []string{"429 120", "200"}, 1, 0, "more than --max-wait 1m0s"},
		{"throttled again", []string{"503 1", "503 1", "200"}, 2, 1, "again after one wait"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClock{now: epoch}
			srv := &throttling{answers: tc.answers}
			a, base := politeAgent(t, srv, newPolite(0, time.Minute, c))
			ctx, throttles := observed(context.Background())
			_, err := a.Navigate(ctx, "GET", base+"/authorize", "", "start")
			var ae *Error
			if !errors.As(err, &ae) || ae.Kind != KindRateLimited || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("err %v, want rate-limited: %s", err, tc.why)
			}
			if n := srv.n.Load(); n != tc.requests {
				t.Fatalf("%d requests, want %d", n, tc.requests)
			}
			if w := c.waits(); len(w) != tc.waits {
				t.Fatalf("waits %v, want %d", w, tc.waits)
			}
			ts := throttles()
			if len(ts) == 0 || !ts[len(ts)-1].GaveUp {
				t.Fatalf("throttles %+v: the last must be a give-up", ts)
			}
		})
	}
}

// TestThrottleWithoutRetryAfterIsAnAnswer: a 429 or 503 without a
// (readable) Retry-After is the server's answer, judged as it is.
func TestThrottleWithoutRetryAfterIsAnAnswer(t *testing.T) {
	for _, answer := range []string{"429", "503", "503 soon"} {
		c := &fakeClock{now: epoch}
		srv := &throttling{answers: []string{answer, "200"}}
		a, base := politeAgent(t, srv, newPolite(0, time.Minute, c))
		res, err := a.Navigate(context.Background(), "GET", base+"/authorize", "", "start")
		if err != nil || res.Page == nil || res.Page.Status == 200 || srv.n.Load() != 1 {
			t.Fatalf("%q: result %+v, err %v, %d requests: want the answer itself", answer, res, err, srv.n.Load())
		}
		if x := a.Exchanges(); len(x) != 1 || x[0].Throttled {
			t.Fatalf("%q: exchanges %+v", answer, x)
		}
	}
}

// TestWaitHonoursCancellation: Ctrl-C (or --deadline) during a wait ends it
// with the context's kind of error, and nothing more is sent.
func TestWaitHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &fakeClock{now: epoch, onSleep: cancel}
	srv := &throttling{answers: []string{"429 30", "200"}}
	a, base := politeAgent(t, srv, newPolite(0, time.Minute, c))
	_, err := a.Navigate(ctx, "GET", base+"/authorize", "", "start")
	var ae *Error
	if !errors.As(err, &ae) || ae.Kind != KindCanceled {
		t.Fatalf("err %v, want canceled", err)
	}
	if srv.n.Load() != 1 {
		t.Fatalf("%d requests after the cancel, want 1", srv.n.Load())
	}
}

// TestNavigationsArePaced: every request of a browser takes its slot.
func TestNavigationsArePaced(t *testing.T) {
	c := &fakeClock{now: epoch}
	a, base := politeAgent(t, &throttling{answers: []string{"200"}}, newPolite(20, time.Minute, c))
	for range 3 {
		if _, err := a.Navigate(context.Background(), "GET", base+"/", "", "start"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Probe(context.Background(), "GET", base+"/", "", nil); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond}
	if got := c.waits(); !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
}

// TestRecorderWaitsOutRetryAfter: a side request (userinfo, JWKS,
// registration) is paced and waits out Retry-After as the browser does,
// sending the same body again; both exchanges are in its evidence.
func TestRecorderWaitsOutRetryAfter(t *testing.T) {
	c := &fakeClock{now: epoch}
	srv := &throttling{answers: []string{"503 2", "201"}}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	p := newPolite(20, time.Minute, c)
	rec := NewRecorder(nil, nil).Politely(p)
	hc := rec.Client(5 * time.Second)
	ctx, throttles := observed(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", hs.URL+"/register", strings.NewReader(`{"a":1}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "201") {
		t.Fatalf("answer %d %q", resp.StatusCode, body)
	}
	if !slices.Equal(srv.bodies, []string{`{"a":1}`, `{"a":1}`}) {
		t.Fatalf("bodies %q", srv.bodies)
	}
	hops := rec.Hops()
	if len(hops) != 2 || !hops[0].Throttled || hops[0].Status != 503 || hops[1].Throttled {
		t.Fatalf("hops %+v", hops)
	}
	if ts := throttles(); len(ts) != 1 || ts[0].Wait != 2*time.Second {
		t.Fatalf("throttles %+v", ts)
	}
	// The 2 s wait, and the second request's slot under --rate 20.
	if got := c.waits(); !slices.Contains(got, 2*time.Second) {
		t.Fatalf("waits %v: want the Retry-After", got)
	}

	// Still throttled: an error, so the step cannot read the limit as the answer.
	srv2 := &throttling{answers: []string{"429 1"}}
	hs2 := httptest.NewServer(srv2)
	defer hs2.Close()
	rec2 := NewRecorder(nil, nil).Politely(p)
	_, err = rec2.Client(5 * time.Second).Get(hs2.URL + "/userinfo")
	var ae *Error
	if !errors.As(err, &ae) || ae.Kind != KindRateLimited {
		t.Fatalf("err %v, want rate-limited", err)
	}
}
