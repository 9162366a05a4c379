package refserver

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Operating conditions of a vendor IdP (Config.Throttle, Config.Lockout):
// not faults, since a server that rate-limits or locks an account breaks no
// requirement, but conditions a harness must live with. The harness waits
// out a throttle and tries once more; it cannot judge behind a locked
// account, and must say so rather than blame the server.

// throttleRetryAfter is what a throttled answer asks: one second, the
// smallest wait delta-seconds can name (RFC 9110 §10.2.3).
const throttleRetryAfter = 1

// throttleGrace is how long, once its wait has passed, a refused request
// is served again uncounted: long enough for every client that sent the
// same request (two scenarios may send the same URL from fresh browsers)
// to come back after its own wait.
const throttleGrace = 30 * time.Second

// DefaultLockoutWindow is the window of Config.Lockout when it names none:
// longer than any run against the reference server.
const DefaultLockoutWindow = 15 * time.Minute

// operating is the state of the operating conditions, under its own lock.
type operating struct {
	mu      sync.Mutex
	counted int                  // requests counted towards Config.Throttle
	refused map[string]time.Time // a refused request's fingerprint → when it may come back
	logins  []time.Time          // sign-ins accepted, for Config.Lockout
}

// throttles reports whether Config.Throttle counts a request to path: the
// authorization endpoint and the login (the form's /login, and the js-login
// style's JSON /api/login alike), the pages a person (or a bot) hits;
// discovery, JWKS and userinfo are not limited.
func throttles(path string) bool { return path == "/authorize" || strings.HasSuffix(path, "/login") }

// throttled answers every Config.Throttle-th request to the authorization
// endpoint or the login form 429 Too Many Requests with Retry-After: 1
// (RFC 6585 §4). The server remembers the request it refused: the same
// request (method, URI, cookies and body alike) sent again once the second
// has passed is served and not counted (for throttleGrace), as a
// per-client limiter whose window has passed would serve it; sent again
// sooner, it is refused again, so a client that does not wait is caught.
func (s *Server) throttled(next http.Handler) http.Handler {
	if s.cfg.Throttle <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !throttles(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		key, ok := fingerprint(w, r)
		if !ok {
			next.ServeHTTP(w, r) // an unreadable body: the handler answers it
			return
		}
		if wait, refuse := s.admit(key, time.Now()); refuse {
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			s.renderError(w, http.StatusTooManyRequests, "Too many requests",
				"This server limits how often it may be asked. Wait a moment, then try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// admit decides on the request with fingerprint key at now: served, or
// refused with the wait it is told.
func (s *Server) admit(key string, now time.Time) (time.Duration, bool) {
	o := &s.operating
	o.mu.Lock()
	defer o.mu.Unlock()
	if back, ok := o.refused[key]; ok {
		switch {
		case now.Before(back):
			return back.Sub(now), true
		case now.Before(back.Add(throttleGrace)):
			return 0, false
		}
		delete(o.refused, key)
	}
	o.counted++
	if o.counted%s.cfg.Throttle != 0 {
		return 0, false
	}
	if o.refused == nil {
		o.refused = map[string]time.Time{}
	}
	wait := throttleRetryAfter * time.Second
	o.refused[key] = now.Add(wait)
	return wait, true
}

// fingerprint names a request by what a retry repeats exactly: method,
// URI, cookies and body. The body is read and put back for the handler.
func fingerprint(w http.ResponseWriter, r *http.Request) (string, bool) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", r.Method, r.URL.RequestURI(), strings.Join(r.Header.Values("Cookie"), "; "))
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
		if err != nil {
			return "", false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.Write(body)
	}
	return string(h.Sum(nil)), true
}

// accountLocked applies Config.Lockout to a sign-in whose password was
// right: once the account has signed in Lockout times within the window, it
// is locked until the oldest of them leaves the window, and the message
// says so. Every way of signing in (the form, the js-login style's JSON
// endpoint) counts here, as a vendor IdP counts sign-ins per account. The
// caller answers a locked sign-in with 403 Forbidden, as vendor IdPs do
// (RFC 9110 §15.5.4: the server understood and refuses; 423 Locked is
// WebDAV's, RFC 4918 §11.3, for locked resources, not accounts). A person,
// or a harness, cannot sign in then; it is not the server's failure.
func (s *Server) accountLocked() (string, bool) {
	if s.cfg.Lockout <= 0 {
		return "", false
	}
	window := s.cfg.lockoutWindow()
	now := time.Now()
	o := &s.operating
	o.mu.Lock()
	defer o.mu.Unlock()
	kept := o.logins[:0]
	for _, t := range o.logins {
		if now.Sub(t) < window {
			kept = append(kept, t)
		}
	}
	o.logins = kept
	if len(o.logins) >= s.cfg.Lockout {
		return fmt.Sprintf("This account is locked: it signed in %d times within %s. Try again later.", s.cfg.Lockout, window), true
	}
	o.logins = append(o.logins, now)
	return "", false
}

// lockoutWindow is Config.LockoutWindow, or its default.
func (c Config) lockoutWindow() time.Duration {
	if c.LockoutWindow > 0 {
		return c.LockoutWindow
	}
	return DefaultLockoutWindow
}

// parseOperating reads the config items throttle=N and lockout=N[/WINDOW]
// (WINDOW a Go duration, e.g. "lockout=5/1m").
func (c *Config) parseOperating(key, value string) error {
	count, window, hasWindow := strings.Cut(value, "/")
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 {
		return fmt.Errorf("refserver: config %s=%s: want a whole number ≥ 1", key, value)
	}
	if key == configThrottle {
		if hasWindow {
			return fmt.Errorf("refserver: config throttle=%s: want a whole number ≥ 1 (every Nth request)", value)
		}
		c.Throttle = n
		return nil
	}
	c.Lockout = n
	if hasWindow {
		d, err := time.ParseDuration(strings.TrimSpace(window))
		if err != nil || d <= 0 {
			return fmt.Errorf("refserver: config lockout=%s: the window %q is not a positive duration (e.g. 10m)", value, window)
		}
		c.LockoutWindow = d
	}
	return nil
}

// operatingItems writes the operating conditions as ParseConfig reads them.
func (c Config) operatingItems() []string {
	var items []string
	if c.Throttle > 0 {
		items = append(items, configThrottle+"="+strconv.Itoa(c.Throttle))
	}
	if c.Lockout > 0 {
		item := configLockout + "=" + strconv.Itoa(c.Lockout)
		if c.LockoutWindow > 0 {
			item += "/" + c.LockoutWindow.String()
		}
		items = append(items, item)
	}
	return items
}
