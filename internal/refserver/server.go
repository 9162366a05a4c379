package refserver

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configures Start. The zero Options is the conformant server that
// offers every implicit response type.
type Options struct {
	Faults []Fault // zero or more switched on
	Addr   string  // default "127.0.0.1:0"; the host must be 127.0.0.1
	// Config is the kind of server to play (response types offered, how the
	// others are refused, when consent is asked); ParseConfig reads it from
	// one string.
	Config
	// Latency is added before every response (latency.go): a slow IdP.
	Latency time.Duration
	// BrowserCallback is the one redirect URI registered for the browser
	// client (ProfileYAML's clients.browser_client, client_id
	// "browser-client"): a loopback http URI with a port, e.g.
	// "http://127.0.0.1:8765/cb", where the harness serves the client's
	// page itself; nothing of the server listens there. "" picks a port of
	// 127.0.0.1 that is free at Start.
	BrowserCallback string
}

// Server is one running reference authorization server. All its state
// (faults, keys, pending requests, sessions, tokens) belongs to it, so several
// servers may run concurrently in one process.
type Server struct {
	faults   faultSet
	cfg      Config   // normalised
	offered  []string // cfg.Offered()
	primary  string   // cfg.Primary(): the type the flow faults act on
	issuer   string
	caPEM    []byte
	password string
	csrfKey  []byte
	clients  map[string]client
	idKey    *ecdsa.PrivateKey // signs ID tokens (oidc.go)
	idKid    string

	httpSrv   *http.Server
	front     *httpFront // the plain-http address of the same host (http_front.go)
	serveDone chan struct{}
	closeOnce sync.Once
	closeErr  error

	// issued is every secret the server minted or was given, in order
	// (Secrets); its own lock, so that it can be taken under mu or not.
	secretsMu sync.Mutex
	issued    []string
	issuedSet map[string]bool

	mu       sync.Mutex
	pending  map[string]*pendingRequest
	sessions map[string]session
	tokens   map[string]grant
	dynamic  map[string]client  // registered at run time (register.go)
	handoffs map[string]handoff // FaultBrowserHandoff's interstitials (faults_browser.go)

	operating operating // Config.Throttle and Config.Lockout (throttle.go)

	traffic traffic // requests counted, latency added (latency.go)
}

// Lifetimes of the server-side state.
const (
	pendingLifetime = 10 * time.Minute
	sessionLifetime = time.Hour
	tokenLifetime   = time.Hour // advertised as expires_in=3600
	// The harness has had its answers when it closes the server; a connection
	// still open then is a browser's keep-alive or a speculative dial, not a
	// request to finish, so a long grace would only slow every test run.
	shutdownGrace = 50 * time.Millisecond
)

// Start generates the TLS material and the resource owner's password, binds
// opts.Addr on loopback and serves HTTPS until Close.
func Start(opts Options) (*Server, error) {
	fs, cfg, err := checkOptions(opts)
	if err != nil {
		return nil, err
	}
	addr, err := loopbackAddr(opts.Addr)
	if err != nil {
		return nil, err
	}
	if err := checkBrowserCallback(opts.BrowserCallback); err != nil {
		return nil, err
	}
	m, err := newMaterial()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("refserver: listen: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port

	s := &Server{
		faults:    fs,
		cfg:       cfg,
		offered:   cfg.Offered(),
		primary:   cfg.Primary(),
		issuer:    fmt.Sprintf("https://127.0.0.1:%d", port),
		caPEM:     m.caPEM,
		password:  m.password,
		csrfKey:   m.csrfKey,
		idKey:     m.idKey,
		idKid:     m.idKid,
		serveDone: make(chan struct{}),
		pending:   map[string]*pendingRequest{},
		sessions:  map[string]session{},
		tokens:    map[string]grant{},
		dynamic:   map[string]client{},
		handoffs:  map[string]handoff{},
	}
	s.remember(m.password)
	s.httpSrv = s.newHTTPServer(m.leaf)
	s.watchTraffic(opts.Latency)
	if s.front, err = s.startHTTPFront(); err != nil {
		ln.Close()
		return nil, err
	}
	// The free port is picked once the server's own ports are bound, so
	// that it cannot be one of them.
	callback, err := browserCallback(opts.BrowserCallback)
	if err != nil {
		ln.Close()
		s.front.close()
		return nil, err
	}
	s.clients = registeredClients(callback)
	go func() {
		defer close(s.serveDone)
		_ = s.httpSrv.ServeTLS(ln, "", "") // returns ErrServerClosed after Close
	}()
	return s, nil
}

// loopbackAddr is the address to bind: addr, by default "127.0.0.1:0", on
// 127.0.0.1 only, since the harness's traffic never leaves loopback.
func loopbackAddr(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("refserver: address %q: %w", addr, err)
	}
	if host != "127.0.0.1" {
		return "", fmt.Errorf("refserver: address %q: only 127.0.0.1 is allowed (loopback only)", addr)
	}
	return addr, nil
}

// browserCallback is the browser client's redirect URI: uri, or for ""
// http://127.0.0.1:PORT/cb for a PORT free now. The port is found by
// listening on 127.0.0.1:0 and closing again: the harness, not the server,
// serves that address, so the server cannot keep it.
func browserCallback(uri string) (string, error) {
	if uri != "" {
		return uri, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("refserver: a port for the browser callback: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return "", fmt.Errorf("refserver: a port for the browser callback: %w", err)
	}
	return fmt.Sprintf("http://127.0.0.1:%d/cb", port), nil
}

// checkBrowserCallback accepts "" or what the harness can serve and a
// browser loads without trusting a CA: http on a loopback address, with a
// port; RFC 6749 §3.1.2: an absolute URI without a fragment.
func checkBrowserCallback(uri string) error {
	if uri == "" {
		return nil
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "http" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "::1") ||
		u.Port() == "" || u.Port() == "0" || u.User != nil || strings.Contains(uri, "#") {
		return fmt.Errorf("refserver: browser callback %q: want a loopback http URI with a port, like http://127.0.0.1:8765/cb", uri)
	}
	return nil
}

// material is what each server makes afresh, so that no two servers (and no
// two runs) share a secret.
type material struct {
	password string // the resource owner's, 24 url-safe characters
	csrfKey  []byte
	caPEM    []byte
	leaf     tls.Certificate
	idKey    *ecdsa.PrivateKey
	idKid    string
}

func newMaterial() (material, error) {
	var m material
	var err error
	if m.password, err = randomToken(18); err != nil {
		return material{}, err
	}
	m.csrfKey = make([]byte, 32)
	if _, err := rand.Read(m.csrfKey); err != nil {
		return material{}, fmt.Errorf("refserver: csrf key: %w", err)
	}
	if m.caPEM, m.leaf, err = newCertificates(time.Now()); err != nil {
		return material{}, err
	}
	if m.idKey, m.idKid, err = newIDTokenKey(); err != nil {
		return material{}, err
	}
	return m, nil
}

// newHTTPServer is the HTTPS server of s, presenting leaf.
func (s *Server) newHTTPServer(leaf tls.Certificate) *http.Server {
	return &http.Server{
		Handler: s.routes(),
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{leaf},
			MinVersion:   minTLSVersion(s.faults),
		},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// Clients that do not trust the CA cause handshake errors; they are
		// the client's business, not noise for the harness's output.
		ErrorLog: log.New(io.Discard, "", 0),
	}
}

// checkOptions validates the faults and the configuration of opts.
func checkOptions(opts Options) (faultSet, Config, error) {
	fs := faultSet{}
	for _, f := range opts.Faults {
		if _, ok := LookupFault(string(f)); !ok {
			return nil, Config{}, fmt.Errorf("refserver: unknown fault %q", f)
		}
		fs[f] = true
	}
	cfg, err := opts.Config.normalised()
	return fs, cfg, err
}

// Close shuts the server down gracefully (in-flight requests may finish
// within a few seconds, then connections are cut). It is idempotent: later
// calls return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		err := s.httpSrv.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = s.httpSrv.Close()
		}
		<-s.serveDone
		if s.front != nil {
			s.front.close()
		}
		s.closeErr = err
	})
	return s.closeErr
}

// Secrets lists every secret the server issued or was given so far, in the
// order it first did: the resource owner's password, each access token
// (also a fault's, and one minted but withheld), ID token (the whole JWT),
// refresh token and authorization code a fault adds, and each browser and
// session cookie value it set. Its clients are public, so there are no
// client secrets. A test of the harness's reports looks for each of them,
// by value. Safe for concurrent use.
func (s *Server) Secrets() []string {
	s.secretsMu.Lock()
	defer s.secretsMu.Unlock()
	return slices.Clone(s.issued)
}

// remember records a secret for Secrets, once.
func (s *Server) remember(secret string) {
	if secret == "" {
		return
	}
	s.secretsMu.Lock()
	defer s.secretsMu.Unlock()
	if s.issuedSet[secret] {
		return
	}
	if s.issuedSet == nil {
		s.issuedSet = map[string]bool{}
	}
	s.issuedSet[secret] = true
	s.issued = append(s.issued, secret)
}

// minted is remember for a secret written straight into a response.
func (s *Server) minted(secret string) string {
	s.remember(secret)
	return secret
}

// offers reports whether the server offers the response type rt
// (canonical spelling).
func (s *Server) offers(rt string) bool { return slices.Contains(s.offered, rt) }

// Issuer is the server's issuer identifier and origin, "https://127.0.0.1:PORT".
func (s *Server) Issuer() string { return s.issuer }

// CACertPEM is the PEM of the CA certificate that signed the server's leaf
// certificate. The returned slice is a copy.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.caPEM...) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", s.handleAuthorize)
	mux.HandleFunc("/login", s.handleLogin)
	mux.HandleFunc("/consent", s.handleConsent)
	s.routeStyles(mux) // Config.Pages: /kmsi, /ui/… (pagestyles.go)
	if s.faults.on(FaultBrowserHandoff) {
		mux.HandleFunc(pathHandoff, s.handleHandoff)
	}
	mux.HandleFunc("/userinfo", s.handleUserinfo)
	mux.HandleFunc("/jwks", s.handleJWKS)
	mux.HandleFunc("/register", s.handleRegister)
	mux.HandleFunc("/.well-known/oauth-authorization-server", s.handleMetadata)
	mux.HandleFunc("/.well-known/openid-configuration", s.handleMetadata)
	mux.HandleFunc("/", s.handleNotFound)
	return s.securityHeaders(s.throttled(mux))
}

// securityHeaders sets, on every response, the headers that keep the
// server's pages out of frames (RFC 6749 §10.13, RFC 9700 §4.16), stop
// referrer leakage (RFC 9700 §4.2.4) and keep responses out of caches
// (RFC 6749 §5.1 spirit, RFC 6819 §4.4.2.2 for redirects carrying tokens,
// Form Post Response Mode §2).
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Frame-Options", "DENY")
		// RFC 9700 §4.16: "authorization servers SHOULD also use Content
		// Security Policy (CSP) level 2 or greater".
		if !s.faults.on(FaultNoFrameAncestors) {
			h.Set("Content-Security-Policy", "frame-ancestors 'none'")
		}
		// Also on the redirects, the token's included: a browser applies
		// a redirect's policy to the request it makes next.
		if !s.faults.on(FaultNoReferrerPolicy) {
			h.Set("Referrer-Policy", "no-referrer")
		}
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, http.StatusNotFound, "Not found", "There is no page at this address.")
}

// methodAllowed answers 405 with an Allow header unless r's method is GET or POST.
func (s *Server) methodAllowed(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodPost {
		return true
	}
	w.Header().Set("Allow", "GET, POST")
	s.renderError(w, http.StatusMethodNotAllowed, "Method not allowed", "This endpoint accepts GET and POST only.")
	return false
}

// randomToken returns n random bytes, base64url-encoded without padding.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("refserver: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// mustRandomToken is randomToken for request handlers: since Go 1.24
// crypto/rand.Read never returns an error (an RNG failure ends the program).
func mustRandomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// minTLSVersion is TLS 1.2 (RFC 9700 §2.6 via BCP 195; RFC 8996 deprecates
// TLS 1.0 and 1.1), or TLS 1.0 under FaultLegacyTLS.
func minTLSVersion(fs faultSet) uint16 {
	if fs.on(FaultLegacyTLS) {
		return tls.VersionTLS10
	}
	return tls.VersionTLS12
}
