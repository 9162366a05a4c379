package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultMaxWait is the longest Retry-After the harness waits out by default.
const DefaultMaxWait = 60 * time.Second

// Polite is how a run treats a target it shares with others (a vendor's
// staging tenant behind a rate limit): one request rate for every browser
// and side client of the run, and Retry-After honoured. One Polite is shared
// by the whole run; its methods are safe for concurrent use. A nil *Polite
// paces nothing and waits for nothing: a 429 or 503 is then an answer like
// any other.
type Polite struct {
	interval time.Duration // between two requests; 0 = no limit
	maxWait  time.Duration
	clock    clock

	mu   sync.Mutex
	next time.Time // the earliest moment the next request may leave
}

// NewPolite paces the run's requests to rate per second (0: no limit) and
// waits out a Retry-After of at most maxWait (0: none but "Retry-After: 0").
func NewPolite(rate float64, maxWait time.Duration) (*Polite, error) {
	switch {
	case rate < 0 || math.IsNaN(rate) || math.IsInf(rate, 0):
		return nil, fmt.Errorf("agent: request rate %v: want a finite number ≥ 0 (0 = unlimited)", rate)
	case maxWait < 0:
		return nil, fmt.Errorf("agent: max wait %s is negative", maxWait)
	}
	return newPolite(rate, maxWait, realClock{}), nil
}

func newPolite(rate float64, maxWait time.Duration, c clock) *Polite {
	p := &Polite{maxWait: maxWait, clock: c}
	if rate > 0 {
		p.interval = max(time.Duration(float64(time.Second)/rate), 1)
	}
	return p
}

// MaxWait is the longest Retry-After waited out.
func (p *Polite) MaxWait() time.Duration { return p.maxWait }

// clock is time as the limiter sees it: tests inject one, so that no test
// measures real time.
type clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error // ctx's error when it ends first
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserve takes the next free slot, one interval after the previous one
// (a token bucket of depth one: no burst, so the rate holds over any
// second), and says how long to wait for it.
func (p *Polite) reserve() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if p.next.Before(now) {
		p.next = now
	}
	d := p.next.Sub(now)
	p.next = p.next.Add(p.interval)
	return d
}

// pace waits for the request's slot. The wait ends with ctx (Ctrl-C,
// --deadline): the error is then *Error of kind canceled or timeout.
func (p *Polite) pace(ctx context.Context, rawURL string) error {
	if p == nil || p.interval == 0 {
		return nil
	}
	if d := p.reserve(); d > 0 {
		if err := p.clock.Sleep(ctx, d); err != nil {
			return waitErr(ctx, rawURL, "waiting for its turn under --rate", err)
		}
	}
	return nil
}

func waitErr(ctx context.Context, rawURL, doing string, err error) *Error {
	kind := KindTimeout
	if errors.Is(ctx.Err(), context.Canceled) {
		kind = KindCanceled
	}
	return &Error{Kind: kind, URL: quietURL(rawURL), Err: fmt.Errorf("%s: %w", doing, err)}
}

// Throttle is one answer that asked the harness to come back later: a 429
// Too Many Requests (RFC 6585 §4) or a 503 Service Unavailable with a
// Retry-After (RFC 9110 §10.2.3). It is an operating condition of the
// target, not a verdict on it.
type Throttle struct {
	URL        string // scheme, host and path: no query, no fragment (they may carry secrets)
	Status     int
	RetryAfter string        // the header as sent
	Wait       time.Duration // what the harness waits before sending the request again; 0 when it gives up
	GaveUp     bool          // the request is not sent again: the scenario cannot be judged
	Why        string        // one line, for the console and the verdict
}

type observerKey struct{}

// OnThrottle returns ctx carrying fn: every Throttle met by a request made
// under ctx is told to fn, before any wait (the suite tells the console and
// keeps the give-ups of each scenario). fn may be called from any goroutine.
func OnThrottle(ctx context.Context, fn func(Throttle)) context.Context {
	return context.WithValue(ctx, observerKey{}, fn)
}

func tell(ctx context.Context, t Throttle) {
	if fn, ok := ctx.Value(observerKey{}).(func(Throttle)); ok && fn != nil {
		fn(t)
	}
}

// attempt is one sending of a request under twice: mark fills it from the
// answer, twice reads it.
type attempt struct {
	second bool // the request was throttled once and waited out already
	met    *Throttle
}

type attemptKey struct{}

// twice sends with once; when the answer is throttled, it waits out the
// Retry-After and sends once more (RFC 9110 §10.2.3: "how long the user
// agent ought to wait before making a follow-up request"). A wait beyond
// MaxWait, or a second throttled answer, is *Error of kind rate-limited:
// the harness stops asking, rather than hammering a limit or judging the
// limit as the server's answer. A nil p sends once.
func (p *Polite) twice(ctx context.Context, rawURL string, once func(context.Context) error) error {
	if p == nil {
		return once(ctx)
	}
	for second := false; ; second = true {
		at := &attempt{second: second}
		if err := once(context.WithValue(ctx, attemptKey{}, at)); err != nil || at.met == nil {
			return err
		}
		t := *at.met
		tell(ctx, t)
		if t.GaveUp {
			return &Error{Kind: KindRateLimited, URL: t.URL, Err: errors.New(t.Why)}
		}
		if err := p.clock.Sleep(ctx, t.Wait); err != nil {
			return waitErr(ctx, rawURL, "waiting out Retry-After: "+t.RetryAfter, err)
		}
	}
}

// throttledAttempt reports whether the attempt running under ctx was
// throttled (its answer is then not the caller's to read).
func throttledAttempt(ctx context.Context) bool {
	at, _ := ctx.Value(attemptKey{}).(*attempt)
	return at != nil && at.met != nil
}

// mark reads a sent hop's answer: a throttled one is marked (evidence, not
// an answer the checks judge) with a note saying what the harness does
// about it, and told to the attempt running under ctx.
func (p *Polite) mark(ctx context.Context, hop *Hop) {
	at, _ := ctx.Value(attemptKey{}).(*attempt)
	if p == nil || at == nil {
		return
	}
	wait, ok := retryAfter(hop.Status, hop.Header, p.clock.Now())
	if !ok {
		return
	}
	ra := strings.TrimSpace(hop.Header.Get("Retry-After"))
	t := Throttle{URL: quietURL(hop.URL), Status: hop.Status, RetryAfter: ra}
	switch {
	case at.second:
		t.GaveUp = true
		t.Why = fmt.Sprintf("HTTP %d with Retry-After: %s again after one wait: not sent a third time", hop.Status, ra)
	case wait > p.maxWait:
		t.GaveUp = true
		t.Why = fmt.Sprintf("HTTP %d with Retry-After: %s asks for %s, more than --max-wait %s: not waited",
			hop.Status, ra, wait, p.maxWait)
	default:
		t.Wait = wait
		t.Why = fmt.Sprintf("HTTP %d with Retry-After: %s: waited %s, then sent the request once more", hop.Status, ra, wait)
	}
	hop.Throttled, hop.Note = true, t.Why+" (RFC 9110 §10.2.3)"
	at.met = &t
}

// retryAfter is how long a throttled answer asks the client to wait: a 429
// (RFC 6585 §4: "MAY include a Retry-After header") or a 503 (RFC 9110
// §15.6.4) with a Retry-After of delta-seconds or an HTTP-date (RFC 9110
// §10.2.3). A date is measured against the answer's own Date (RFC 9110
// §6.6.1) when it has one, so that a skewed local clock neither stretches
// nor cuts the wait; a date already past is no wait. Without a readable
// Retry-After the answer is not throttled: it is judged like any other.
func retryAfter(status int, h http.Header, now time.Time) (time.Duration, bool) {
	if status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
		return 0, false
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64), true // more than any bound
		}
		return time.Duration(n) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		now = d
	}
	return max(at.Sub(now), 0), true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// quietURL is rawURL without its query and fragment, which may carry
// state, nonces or tokens: what a console line or a reason may quote.
func quietURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return noFragment(rawURL)
	}
	q := u.RawQuery != ""
	u.RawQuery, u.Fragment, u.RawFragment, u.User = "", "", "", nil
	if q {
		return u.String() + "?…"
	}
	return u.String()
}

// sendPolitely is send, a throttled answer waited out and the request sent
// once more (twice): the one way to the network of Navigate and of Fetch
// (browser set: a real browser's headers).
func (a *Agent) sendPolitely(ctx context.Context, method string, target *url.URL, body, via string, referrer *url.URL, browser http.Header) (*http.Response, []byte, error) {
	var resp *http.Response
	var data []byte
	err := a.cfg.Polite.twice(ctx, withoutFragment(target).String(), func(ctx context.Context) (err error) {
		resp, data, err = a.send(ctx, method, target, body, via, referrer, browser)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return resp, data, nil
}

// Politely makes r pace its requests and wait out Retry-After under p, and
// returns r. Call it before Client.
func (r *Recorder) Politely(p *Polite) *Recorder {
	r.polite = p
	return r
}

// politeRoundTrip is roundTrip under r.polite: paced, each attempt with its
// own timeout (Client), a throttled answer waited out and the request sent
// once more with the same body.
func (r *Recorder) politeRoundTrip(req *http.Request) (*http.Response, error) {
	_, out, err := requestBody(req)
	if err != nil {
		r.Record(Hop{Method: req.Method, URL: req.URL.String(), Err: "reading the request body: " + err.Error()})
		return nil, err
	}
	var resp *http.Response
	err = r.polite.twice(req.Context(), out.URL.String(), func(ctx context.Context) error {
		if err := r.polite.pace(ctx, out.URL.String()); err != nil {
			return err
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if r.timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, r.timeout)
		}
		try := out.Clone(actx)
		if out.GetBody != nil {
			if try.Body, err = out.GetBody(); err != nil {
				cancel()
				return err
			}
		}
		res, err := r.roundTrip(try)
		switch {
		case err != nil:
			cancel()
			return err
		case throttledAttempt(ctx):
			res.Body.Close()
			cancel()
			return nil
		}
		res.Body = readCloser{res.Body, closeThen{res.Body, cancel}}
		resp = res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// closeThen closes c, then calls after (the attempt's timeout is released
// once the caller has read the answer).
type closeThen struct {
	c     io.Closer
	after func()
}

func (c closeThen) Close() error {
	err := c.c.Close()
	c.after()
	return err
}
