package agent

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxHops      = 20
	DefaultTimeout      = 15 * time.Second
	DefaultMaxBody      = 2 << 20
	DefaultExcerptBytes = 2048
	DefaultUserAgent    = "implicitspec/0.1"

	maxHeaderBytes = 1 << 20
	formType       = "application/x-www-form-urlencoded"
)

// Config configures an Agent. Zero values take the defaults above.
type Config struct {
	MaxHops            int            // requests (the navigation itself and each redirect) per Navigate call; default 20
	Timeout            time.Duration  // per request, body included; default 15s
	MaxBody            int64          // bytes read of a response body; default 2 MiB (more → KindBodyTooLarge)
	ExcerptBytes       int            // body excerpt kept in evidence; default 2048
	RootCAs            *x509.CertPool // nil = system pool
	InsecureSkipVerify bool
	AllowedOrigins     []string // "scheme://host[:port]" origins the agent may contact; at least one
	ClientURIs         []string // the client's redirect URIs: never contacted
	UserAgent          string   // default "implicitspec/0.1"
	// Secrets, when set, is told every secret the browser sees, at the hop
	// it sees it (see noteSecrets): the run's redactor, so that it knows
	// each token and cookie before anything quoting them is written.
	Secrets SecretSink
	// Jar is the browser's cookie jar (jar.go): nil for a fresh browser,
	// or a clone of another browser's jar to start signed in as it is.
	Jar *Jar
	// Polite, shared by the run, paces every request and waits out
	// Retry-After (polite.go); nil: neither.
	Polite *Polite
	// TLSSessionCache, shared by the browsers of a run, lets a new browser
	// resume a TLS session another one made instead of a full handshake.
	// It holds session tickets only: no cookie, no connection is shared.
	// nil: every browser makes full handshakes.
	TLSSessionCache tls.ClientSessionCache
}

// SecretSink is told the secrets the agent sees (*redact.Redactor is one).
type SecretSink interface{ Add(secret string) }

// Hop is one request the browser made, or refused to make — evidence.
type Hop struct {
	Method        string
	URL           string      // absolute request URL (for a refused hop, the full target including fragment)
	RequestHeader http.Header // as sent (cookies included: the integrator redacts)
	RequestBody   string      // form body as sent, for POST
	Status        int         // 0 when not sent
	Header        http.Header // response headers
	BodyExcerpt   string
	Location      string // raw Location header value, if any
	Via           string // what caused the hop: "start", "redirect 302", "form", "meta refresh", "script", "link"
	Sent          bool   // false: the agent refused to send it (client URI or foreign origin)
	Err           string
	// Note says what an exchange that is not HTTP found (the TLS probe's
	// handshake), or what the harness did about a throttled answer.
	Note string
	// Throttled: a 429 or 503 with Retry-After, waited out or given up on
	// (Note says which): evidence of an operating condition, never an
	// answer the checks judge (polite.go).
	Throttled bool
}

// Page is a response the browser rendered (not a redirect).
type Page struct {
	URL    *url.URL // the request URL; its fragment is the navigation's (carried over redirects)
	Status int
	Header http.Header
	Body   []byte
}

// Departure is a navigation the browser did not perform because it leaves the authorization
// server: its target is one of the client's URIs, or an origin not allowed. The fragment never
// leaves the device.
type Departure struct {
	URL       *url.URL // absolute target, fragment included
	RawURL    string   // the target exactly as resolved from the Location/action, byte for byte (resolved against the base if relative)
	Method    string   // "GET" for redirects/links/meta refresh; the form's method for forms; POST after a 307/308 of a POST
	Body      string   // the form-encoded body the navigation would have sent (form_post, 307/308)
	Via       string   // "redirect 303", "form", "meta refresh", "script", "link", "start"
	Status    int      // the 3xx status when Via is a redirect
	ClientURI bool     // true: target matches a client URI (scheme, host, port, path equal; query/fragment ignored)
	// Unparsable: the server redirected to a Location no URL parser
	// accepts (URL is then empty and RawURL is the header as sent). A
	// browser cannot follow it, but the server did try to send the browser
	// away — which is what a "never redirect" judgement must see.
	Unparsable bool
}

// Result is what a navigation ended in: exactly one of Page and Departure is non-nil.
type Result struct {
	Page      *Page
	Departure *Departure
}

// Agent is one browser: a cookie jar, a transport, a hop log. Its methods are safe for concurrent
// use, but a scenario normally drives it from one goroutine.
type Agent struct {
	cfg     Config
	allowed map[string]bool // normalised origins
	dial    map[string]bool // host:port pairs of allowed origins (defence in depth at dial time)
	jar     *Jar
	tr      *http.Transport // requests go through tr.RoundTrip: see send

	mu       sync.Mutex
	clients  []clientURI
	hops     []Hop
	lastPage *url.URL // the last page rendered: referrer of the next non-start navigation
}

// New returns an Agent with Config.Jar, or a fresh cookie jar.
func New(cfg Config) (*Agent, error) {
	switch {
	case cfg.MaxHops < 0, cfg.Timeout < 0, cfg.MaxBody < 0, cfg.ExcerptBytes < 0:
		return nil, errors.New("agent: negative limit in Config")
	}
	if cfg.MaxHops == 0 {
		cfg.MaxHops = DefaultMaxHops
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.ExcerptBytes == 0 {
		cfg.ExcerptBytes = DefaultExcerptBytes
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if len(cfg.AllowedOrigins) == 0 {
		return nil, errors.New("agent: Config.AllowedOrigins is empty: the agent could contact nothing")
	}
	cfg.AllowedOrigins = append([]string(nil), cfg.AllowedOrigins...)
	cfg.ClientURIs = append([]string(nil), cfg.ClientURIs...)
	a := &Agent{cfg: cfg, allowed: map[string]bool{}, dial: map[string]bool{}}
	for _, o := range cfg.AllowedOrigins {
		n, err := parseOrigin(o)
		if err != nil {
			return nil, err
		}
		a.allowed[n] = true
		a.dial[strings.SplitN(n, "://", 2)[1]] = true
	}
	for _, s := range cfg.ClientURIs {
		c, err := parseClientURI(s)
		if err != nil {
			return nil, err
		}
		a.clients = append(a.clients, c)
	}
	a.jar = cfg.Jar
	if a.jar == nil {
		a.jar = NewJar()
	}
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	a.tr = &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if !a.dial[strings.ToLower(addr)] {
				return nil, fmt.Errorf("agent: refusing to dial %s: not an allowed origin", addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{
			RootCAs:            cfg.RootCAs,
			InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // explicit test-target option
			MinVersion:         tls.VersionTLS12,
			ClientSessionCache: cfg.TLSSessionCache,
		},
		TLSHandshakeTimeout:    cfg.Timeout,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           8,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: maxHeaderBytes,
	}
	return a, nil
}

// MarkClientURI marks u as one of the client's URIs: it will never be contacted. An unparseable
// u is ignored.
func (a *Agent) MarkClientURI(u string) {
	c, err := parseClientURI(u)
	if err != nil {
		return
	}
	a.mu.Lock()
	a.clients = append(a.clients, c)
	a.mu.Unlock()
}

// Hops returns a copy of the hop log, in order.
func (a *Agent) Hops() []Hop {
	a.mu.Lock()
	defer a.mu.Unlock()
	return cloneHops(a.hops)
}

// cloneHops copies a log so that a caller's reading never races the
// browser's writing, headers included.
func cloneHops(hops []Hop) []Hop {
	out := make([]Hop, len(hops))
	for i, h := range hops {
		h.RequestHeader = h.RequestHeader.Clone()
		h.Header = h.Header.Clone()
		out[i] = h
	}
	return out
}

// Cookies returns the cookies the jar would send to u.
func (a *Agent) Cookies(u *url.URL) []*http.Cookie { return a.jar.Cookies(u) }

// CloseIdleConnections closes the transport's idle connections (call it when a scenario ends).
func (a *Agent) CloseIdleConnections() { a.tr.CloseIdleConnections() }

// IsRedirect reports whether a browser follows status when it has a Location.
func IsRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// Navigate performs one navigation: it sends the request (body form-encoded when the method is
// not GET or HEAD), then follows 301/302/303/307/308 one hop at a time as browsers do, recording
// every hop. Before each request it checks the target: a client URI or an origin outside
// AllowedOrigins ends the navigation with a Departure, unsent. The first non-redirect response
// is returned as a Page. Errors are *Error.
//
// via says what caused the navigation ("start", "form", "link", "meta refresh", "script"). Every
// via but "start" (and "") sends the last rendered page as Referer, as a browser does.
func (a *Agent) Navigate(ctx context.Context, method, rawURL, body, via string) (Result, error) {
	method = strings.ToUpper(strings.TrimSpace(method))
	if method == "" {
		method = http.MethodGet
	}
	if method == http.MethodGet || method == http.MethodHead {
		body = ""
	}
	raw, target, err := Resolve(nil, rawURL)
	if err != nil {
		return Result{}, &Error{Kind: KindInvalidURL, URL: noFragment(rawURL), Err: err}
	}
	a.mu.Lock()
	var referrer *url.URL
	if via != "start" && via != "" && a.lastPage != nil {
		referrer = withoutFragment(a.lastPage)
	}
	a.mu.Unlock()

	status := 0
	for sent := 0; ; sent++ {
		if dep := a.departure(target, raw, method, body, via, status); dep != nil {
			a.record(Hop{Method: method, URL: raw, RequestBody: body, Via: via})
			return Result{Departure: dep}, nil
		}
		if sent >= a.cfg.MaxHops {
			return Result{}, &Error{Kind: KindHopLimit, URL: withoutFragment(target).String(),
				Err: fmt.Errorf("more than %d requests in one navigation", a.cfg.MaxHops)}
		}
		resp, respBody, err := a.sendPolitely(ctx, method, target, body, via, referrer, nil)
		if err != nil {
			return Result{}, err
		}
		loc := resp.Header.Get("Location")
		if !IsRedirect(resp.StatusCode) || loc == "" {
			page := &Page{URL: target, Status: resp.StatusCode, Header: resp.Header, Body: respBody}
			a.mu.Lock()
			a.lastPage = target
			a.mu.Unlock()
			return Result{Page: page}, nil
		}
		nextRaw, next, err := Resolve(withoutFragment(target), loc)
		if err != nil {
			raw := strings.TrimSpace(loc)
			a.record(Hop{Method: http.MethodGet, URL: raw, Via: "redirect " + strconv.Itoa(resp.StatusCode),
				Err: "the Location cannot be parsed as a URL: not followed"})
			return Result{Departure: &Departure{URL: &url.URL{}, RawURL: raw, Method: http.MethodGet,
				Via: "redirect " + strconv.Itoa(resp.StatusCode), Status: resp.StatusCode, Unparsable: true}}, nil
		}
		if !strings.Contains(cleanRef(loc), "#") && target.Fragment != "" {
			// RFC 9110 §10.2.2: a Location without a fragment inherits the request's.
			next.Fragment, next.RawFragment = target.Fragment, target.RawFragment
			nextRaw += "#" + target.EscapedFragment()
		}
		switch {
		case resp.StatusCode == http.StatusSeeOther && method != http.MethodHead:
			method, body = http.MethodGet, ""
		case (resp.StatusCode == http.StatusMovedPermanently || resp.StatusCode == http.StatusFound) && method == http.MethodPost:
			method, body = http.MethodGet, ""
		}
		status = resp.StatusCode
		via = "redirect " + strconv.Itoa(status)
		raw, target = nextRaw, next
	}
}

// departure returns the Departure for target, or nil when the agent may contact it.
func (a *Agent) departure(target *url.URL, raw, method, body, via string, status int) *Departure {
	a.mu.Lock()
	isClient := false
	for _, c := range a.clients {
		if c.matches(target) {
			isClient = true
			break
		}
	}
	a.mu.Unlock()
	if !isClient && a.allowed[origin(target)] && (target.Scheme == "http" || target.Scheme == "https") {
		return nil
	}
	d := &Departure{URL: target, RawURL: raw, Method: method, Body: body, Via: via, ClientURI: isClient}
	if strings.HasPrefix(via, "redirect") {
		d.Status = status
	}
	return d
}

// send performs one request and reads its body, recording the hop. The
// request carries this browser's own headers (Accept, Referer, Origin), or,
// when browser is set, a real browser's (Fetch): every one but those the
// agent owns (agentOwned), the jar's cookies in either case.
func (a *Agent) send(ctx context.Context, method string, target *url.URL, body, via string, referrer *url.URL, browser http.Header) (*http.Response, []byte, error) {
	reqURL := withoutFragment(target)
	reqURL.RawQuery = escapeQuery(reqURL.RawQuery)
	hop := Hop{Method: method, URL: reqURL.String(), RequestBody: body, Via: via, Sent: true}
	if err := a.cfg.Polite.pace(ctx, hop.URL); err != nil {
		return nil, nil, err
	}

	rctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	req, err := a.newRequest(rctx, method, reqURL, body, body != "" || method == http.MethodPost)
	if err != nil {
		hop.Sent = false
		hop.Err = err.Error()
		a.record(hop)
		return nil, nil, &Error{Kind: KindInvalidURL, URL: hop.URL, Err: err}
	}
	if browser != nil {
		req.Header.Del("Content-Type") // the browser's own, if it sent one
		copyBrowserHeader(req.Header, browser)
	} else {
		a.ownHeaders(req.Header, method, reqURL, referrer)
	}
	hop.RequestHeader = req.Header.Clone()

	// The transport is used directly, not through an http.Client: Client.Do parses the Location of
	// a 3xx before consulting CheckRedirect and fails on a malformed one, losing the response;
	// here every response is returned as is and redirects are followed by Navigate, one hop at a
	// time (there is no automatic following anywhere).
	resp, err := a.tr.RoundTrip(req)
	if err != nil {
		e := classify(err, ctx, rctx, hop.URL)
		hop.Err = e.Err.Error()
		a.record(hop)
		return nil, nil, e
	}
	defer resp.Body.Close()
	if rc := resp.Cookies(); len(rc) > 0 {
		a.jar.SetCookies(reqURL, ipDomainCookies(reqURL, rc))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, a.cfg.MaxBody+1))
	a.fillHop(&hop, resp, data)
	a.cfg.Polite.mark(ctx, &hop)
	noteBody(a.cfg.Secrets, data)
	if err != nil {
		e := classify(err, ctx, rctx, hop.URL)
		hop.Err = "reading body: " + e.Err.Error()
		a.record(hop)
		return nil, nil, e
	}
	if int64(len(data)) > a.cfg.MaxBody {
		e := &Error{Kind: KindBodyTooLarge, URL: hop.URL, Err: fmt.Errorf("response body exceeds %d bytes", a.cfg.MaxBody)}
		hop.Err = e.Err.Error()
		a.record(hop)
		return nil, nil, e
	}
	a.record(hop)
	return resp, data, nil
}

// ownHeaders are the headers this browser sends besides its User-Agent
// and cookies: what it accepts, and where it comes from.
func (a *Agent) ownHeaders(h http.Header, method string, reqURL, referrer *url.URL) {
	h.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	h.Set("Accept-Language", "en")
	if referrer != nil {
		if ref := referrerFor(referrer, reqURL); ref != "" {
			h.Set("Referer", ref)
		}
		if method == http.MethodPost {
			h.Set("Origin", strings.ToLower(referrer.Scheme)+"://"+referrer.Host)
		}
	}
}

// newRequest builds a request as this browser sends it: its User-Agent, a
// form-encoded body when withBody, and the cookies of its jar for reqURL.
func (a *Agent) newRequest(ctx context.Context, method string, reqURL *url.URL, body string, withBody bool) (*http.Request, error) {
	var rd io.Reader
	if withBody {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, reqURL.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", a.cfg.UserAgent)
	if withBody {
		req.Header.Set("Content-Type", formType)
	}
	for _, c := range a.jar.Cookies(reqURL) {
		req.AddCookie(c)
	}
	return req, nil
}

// fillHop records the response in hop: status, headers, Location, excerpt.
func (a *Agent) fillHop(hop *Hop, resp *http.Response, body []byte) {
	hop.Status = resp.StatusCode
	hop.Header = resp.Header.Clone()
	hop.Location = resp.Header.Get("Location")
	hop.BodyExcerpt = excerpt(body, a.cfg.ExcerptBytes)
}

// ipDomainCookies applies RFC 6265 §5.2.3 to cookies set by a host that is an IP address: the
// leading dot of the Domain attribute is dropped, so "Domain=.127.0.0.1" from 127.0.0.1 is kept
// as a host-only cookie (as curl does; LemonLDAP::NG sets its session cookie so). net/http's
// cookiejar rejects it otherwise, and the flow would lose its session.
func ipDomainCookies(u *url.URL, cs []*http.Cookie) []*http.Cookie {
	host := u.Hostname()
	if net.ParseIP(host) == nil {
		return cs
	}
	for _, c := range cs {
		if d := strings.TrimPrefix(c.Domain, "."); d != c.Domain && strings.EqualFold(d, host) {
			c.Domain = host
		}
	}
	return cs
}

// referrerFor applies the default referrer policy (strict-origin-when-cross-origin).
func referrerFor(from, to *url.URL) string {
	if strings.EqualFold(from.Scheme, "https") && !strings.EqualFold(to.Scheme, "https") {
		return ""
	}
	if origin(from) == origin(to) {
		c := *from
		c.User = nil
		return c.String()
	}
	return strings.ToLower(from.Scheme) + "://" + from.Host + "/"
}

// noFragment drops the fragment of a raw URL that could not be parsed (it may hold a token).
func noFragment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return s[:i] + "#…"
	}
	return s
}

func excerpt(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n])
}

// record logs the hop and tells the sink the secrets it carries.
func (a *Agent) record(h Hop) {
	noteSecrets(a.cfg.Secrets, h)
	a.mu.Lock()
	a.hops = append(a.hops, h)
	a.mu.Unlock()
}
