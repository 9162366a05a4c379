package refserver

import (
	"slices"
	"time"
)

// client is one registered client. The registry is fixed and never mutated.
type client struct {
	id           string
	allowToken   bool     // may use response_type=token (RFC 6749 §4.2.2.1 unauthorized_client otherwise)
	redirectURIs []string // full URIs, compared by simple string comparison (RFC 6749 §3.1.2.3)
}

// browserClientID is the client a real browser plays the flow with, to its
// end at its redirect URI (profile clients.browser_client).
const browserClientID = "browser-client"

// registeredClients is the fixed registry; callback is the browser client's
// redirect URI (Options.BrowserCallback).
func registeredClients(callback string) map[string]client {
	return map[string]client{
		"spa": {
			id: "spa", allowToken: true, // public
			redirectURIs: []string{"https://client.example.com/cb"},
		},
		"spa-two": {
			id: "spa-two", allowToken: true, // public
			redirectURIs: []string{"https://client.example.com/cb", "https://client.example.com/cb2", "https://client.example.com/app/", "https://client.example.com/caf%C3%A9"},
		},
		"spa-query": {
			id: "spa-query", allowToken: true, // public, registered with a query (catalogue C3)
			redirectURIs: []string{"https://client.example.com/cb?dummy1=lorem&dummy2=ipsum"},
		},
		"native": {
			id: "native", allowToken: true, // public native app, loopback redirect (RFC 8252 §7.3, catalogue C5)
			redirectURIs: []string{"http://127.0.0.1/cb"},
		},
		"backend": {
			id: "backend", allowToken: false, // confidential, code only
			redirectURIs: []string{"https://client.example.com/cb"},
		},
		browserClientID: {
			// public, every implicit type; a loopback http URI with its port
			// (exact match, unlike native's any-port one), where the harness
			// serves the client's page for a real browser.
			id: browserClientID, allowToken: true,
			redirectURIs: []string{callback},
		},
	}
}

// knownScopes are the scopes the server grants; defaultScope is used when the
// request omits scope (RFC 6749 §3.3).
func knownScopes() []string {
	return []string{"openid", "profile", "email", "read", "write", "offline_access"}
}

const defaultScope = "read"

const username = "alice"

func isKnownScope(sc string) bool {
	return slices.Contains(knownScopes(), sc)
}

// pendingRequest is a validated authorization request waiting for login and
// consent. It is keyed by a random id carried through the pages and bound to
// the browser that made it.
type pendingRequest struct {
	id           string
	browser      string // value of the browser cookie at /authorize
	clientID     string
	redirectURI  string // validated target (registered URI, or the requested one under a fault)
	mode         string // modeFragment or modeFormPost
	scopes       []string
	defaulted    bool // the request named no scope: scopes is the default
	state        string
	hasState     bool
	forceLogin   bool // prompt=login
	forceConsent bool // prompt=consent: the consent page even when Config.Consent would skip it
	oidc         oidcRequest
	unchecked    bool // redirectURI was not checked (redirect-area faults only)
	refused      bool // Config.Refusal page-after-login: only the login, then the refusal page
	expires      time.Time
	// signedIn is the session the request was answered in, set when it is
	// answered: the ID token's sub and auth_time come from it (oidc.go).
	signedIn session
	// realBrowser: the request answering it came from a real browser (by
	// its User-Agent), set when it is answered; only the browser faults
	// read it (faults_browser.go).
	realBrowser bool
}

// target is where and how the response to pr is delivered.
func (pr pendingRequest) target() responseTarget {
	return responseTarget{redirectURI: pr.redirectURI, mode: pr.mode, state: pr.state, hasState: pr.hasState, realBrowser: pr.realBrowser}
}

type session struct {
	id       string
	username string
	approved []string // clients approved in this session (Config.Consent remembered); never mutated in place
	expires  time.Time
	// authTime is when the resource owner signed in to make this session:
	// what max_age is measured from and auth_time reports (OpenID Connect
	// Core §3.1.2.1, §2).
	authTime time.Time
	// firstAuth is the earliest sign-in of this browser whose session was
	// still live at the next one; only FaultOIDCAuthTimeFirstLogin reports it.
	firstAuth time.Time
}

type grant struct {
	username string
	clientID string
	scopes   []string
	expires  time.Time
}

func (s *Server) putPending(p *pendingRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(time.Now())
	s.pending[p.id] = p
}

// getPending returns a copy of the live pending request id.
func (s *Server) getPending(id string) (pendingRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pending[id]
	if !ok || time.Now().After(p.expires) {
		return pendingRequest{}, false
	}
	return *p, true
}

// takePending removes and returns the live pending request id: a request is
// answered once.
func (s *Server) takePending(id string) (pendingRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pending[id]
	if !ok {
		return pendingRequest{}, false
	}
	delete(s.pending, id)
	if time.Now().After(p.expires) {
		return pendingRequest{}, false
	}
	return *p, true
}

func (s *Server) clearForceLogin(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pending[id]; ok {
		p.forceLogin = false
	}
}

// newSession records a sign-in of user, made now, in a new session; previous
// is the session cookie the browser came with ("" for none), whose first
// sign-in the new session remembers.
func (s *Server) newSession(user, previous string) string {
	id := mustRandomToken(32)
	s.remember(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.sweepLocked(now)
	first := now
	if old, ok := s.sessions[previous]; ok && old.username == user {
		first = old.firstAuth
	}
	s.sessions[id] = session{id: id, username: user, expires: now.Add(sessionLifetime), authTime: now, firstAuth: first}
	return id
}

func (s *Server) lookupSession(id string) (session, bool) {
	if id == "" {
		return session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	se, ok := s.sessions[id]
	if !ok || time.Now().After(se.expires) {
		return session{}, false
	}
	return se, true
}

// rememberConsent records that the resource owner of session id approved
// clientID (Config.Consent remembered).
func (s *Server) rememberConsent(id, clientID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	se, ok := s.sessions[id]
	if !ok || slices.Contains(se.approved, clientID) {
		return
	}
	// A new slice: copies handed out by lookupSession share the old one.
	se.approved = append(slices.Clip(se.approved), clientID)
	s.sessions[id] = se
}

func (s *Server) storeToken(token string, g grant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(time.Now())
	s.tokens[token] = g
}

func (s *Server) lookupToken(token string) (grant, bool) {
	if token == "" {
		return grant{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.tokens[token]
	if !ok || time.Now().After(g.expires) {
		return grant{}, false
	}
	return g, true
}

// sweepLocked drops expired entries; s.mu must be held.
func (s *Server) sweepLocked(now time.Time) {
	for k, p := range s.pending {
		if now.After(p.expires) {
			delete(s.pending, k)
		}
	}
	for k, se := range s.sessions {
		if now.After(se.expires) {
			delete(s.sessions, k)
		}
	}
	for k, g := range s.tokens {
		if now.After(g.expires) {
			delete(s.tokens, k)
		}
	}
	for k, h := range s.handoffs {
		if now.After(h.expires) {
			delete(s.handoffs, k)
		}
	}
}
