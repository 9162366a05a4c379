package refserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"slices"
)

// Cookies. Both are host-only, HttpOnly, Secure and SameSite=Lax.
const (
	// browserCookie identifies the user agent that made an authorization
	// request; pending requests and CSRF tokens are bound to it.
	browserCookie = "refserver_browser"
	// sessionCookie is the remembered login: a later request in the same
	// cookie jar skips the login page (consent is still asked, unless
	// Config.Consent says otherwise).
	sessionCookie = "refserver_session"
)

// Form field names of the login and consent pages.
const (
	fieldCSRF      = "csrf_token"
	fieldRequestID = "request_id"
	fieldUsername  = "username"
	fieldPassword  = "password"
	fieldScope     = "scope"
	fieldDecision  = "decision"
)

func (s *Server) cookie(name, value string) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteLaxMode,
	}
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// csrfToken binds a form to its purpose, its pending request and the browser
// cookie: HMAC-SHA256 under a per-server key (RFC 6749 §10.12).
func (s *Server) csrfToken(purpose, requestID, browser string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(requestID))
	m.Write([]byte{0})
	m.Write([]byte(browser))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) csrfValid(purpose, requestID, browser, got string) bool {
	if requestID == "" || browser == "" || got == "" {
		return false
	}
	want := s.csrfToken(purpose, requestID, browser)
	return hmac.Equal([]byte(want), []byte(got))
}

// sameOrigin refuses form posts that a browser reports as cross-site. An
// Origin of "null" says nothing either way: a browser sends it for every
// form POST from a page whose referrer policy is no-referrer, as these
// pages' is (Fetch, "serializing a request origin"), so it is not taken
// for another site; Sec-Fetch-Site and the anti-forgery token still are
// checked (RFC 6749 §10.12).
func (s *Server) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" && o != s.issuer {
		return false
	}
	return r.Header.Get("Sec-Fetch-Site") != "cross-site"
}

func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, false
	}
	return r.PostForm, true
}

func (s *Server) unknownRequest(w http.ResponseWriter) {
	s.renderError(w, http.StatusBadRequest, "Request expired",
		"This authorization request is unknown or has expired, or it was started in another browser. Go back to the application and start again.")
}

func (s *Server) forbidden(w http.ResponseWriter) {
	s.renderError(w, http.StatusForbidden, "Forbidden",
		"This form submission could not be verified (missing or invalid anti-forgery token). Nothing was authorized.")
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if !s.methodAllowed(w, r) {
		return
	}
	if r.Method == http.MethodPost {
		s.submitLogin(w, r)
		return
	}
	id := r.URL.Query().Get(fieldRequestID)
	pr, ok := s.getPending(id)
	if browser := cookieValue(r, browserCookie); !ok || browser == "" || pr.browser != browser {
		s.unknownRequest(w)
		return
	}
	// RFC 9700 §4.16: "Authorization servers MUST prevent clickjacking
	// attacks"; the fault lets the login page be framed.
	if s.faults.on(FaultLoginFramable) {
		w.Header().Del("X-Frame-Options")
		w.Header().Del("Content-Security-Policy")
	}
	page := s.loginPage(pr, "", "")
	// RFC 9700 §4.11.2: no open redirector; the fault carries a
	// "next" address through the login form.
	if s.faults.on(FaultLoginOpenRedirect) {
		page.Next = r.URL.Query().Get("next")
	}
	s.renderPage(w, http.StatusOK, "login", page)
}

// submitLogin answers the login form's POST.
func (s *Server) submitLogin(w http.ResponseWriter, r *http.Request) {
	form, ok := s.readForm(w, r)
	if !ok {
		s.renderError(w, http.StatusBadRequest, "Invalid form", "The form submission could not be read.")
		return
	}
	id := form.Get(fieldRequestID)
	pr, check := s.loginPending(r, id, form.Get(fieldCSRF))
	switch check {
	case loginForged:
		s.forbidden(w)
		return
	case loginUnknownRequest:
		s.unknownRequest(w)
		return
	}
	if s.botSuspected(w, form) { // Config.Pages honeypot
		return
	}
	user := form.Get(fieldUsername)
	if !s.credentialsValid(user, form.Get(fieldPassword)) {
		s.renderLogin(w, http.StatusUnauthorized, pr, user, "Wrong username or password.")
		return
	}
	if msg, locked := s.accountLocked(); locked { // Config.Lockout
		s.renderLogin(w, http.StatusForbidden, pr, user, msg)
		return
	}
	s.startSession(w, r, id)
	if next := form.Get("next"); next != "" && s.faults.on(FaultLoginOpenRedirect) {
		w.Header().Set("Location", next)
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	// RFC 9700 §4.12: after a POST carrying credentials, 303 See Other so the
	// browser does not re-POST them; never 307.
	status := http.StatusSeeOther
	if s.faults.on(FaultLogin307) {
		status = http.StatusTemporaryRedirect
	}
	w.Header().Set("Location", s.afterLogin(id))
	w.WriteHeader(status)
}

// loginCheck is what loginPending found wrong with a login submission.
type loginCheck int

const (
	loginOK             loginCheck = iota
	loginForged                    // cross-site, or without its page's anti-forgery token
	loginUnknownRequest            // no live pending request of this browser
)

// loginPending is the pending request a login submission names, checked as
// every way of signing in checks it (the form, and the js-login style's JSON
// endpoint alike): from the server's own origin, with the anti-forgery
// token of its login page (RFC 6749 §10.12), for a live request made in
// this browser.
func (s *Server) loginPending(r *http.Request, id, csrf string) (pendingRequest, loginCheck) {
	browser := cookieValue(r, browserCookie)
	if !s.sameOrigin(r) || !s.csrfValid("login", id, browser, csrf) {
		return pendingRequest{}, loginForged
	}
	pr, ok := s.getPending(id)
	if !ok || pr.browser != browser {
		return pendingRequest{}, loginUnknownRequest
	}
	return pr, loginOK
}

// credentialsValid compares a username and password with the resource
// owner's, in constant time.
func (s *Server) credentialsValid(user, pw string) bool {
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(username)) == 1
	pwOK := subtle.ConstantTimeCompare([]byte(pw), []byte(s.password)) == 1
	return userOK && pwOK
}

// startSession signs the browser in for pending request id: a new session
// in the session cookie, made now (what auth_time reports and max_age is
// measured from, OpenID Connect Core §2, §3.1.2.1), which satisfies the
// request's prompt=login or max_age.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, s.cookie(sessionCookie, s.newSession(username, cookieValue(r, sessionCookie))))
	s.clearForceLogin(id)
}

func (s *Server) renderLogin(w http.ResponseWriter, status int, pr pendingRequest, user, msg string) {
	s.renderPage(w, status, "login", s.loginPage(pr, user, msg))
}

func (s *Server) loginPage(pr pendingRequest, user, msg string) loginPage {
	p := loginPage{
		ClientID:  pr.clientID,
		CSRF:      s.csrfToken("login", pr.id, pr.browser),
		RequestID: pr.id,
		Username:  user,
		Error:     msg,
	}
	// RFC 6749 §10.14: reflected input must be sanitised; the fault writes
	// the state into the page as markup.
	if s.faults.on(FaultStateUnescapedOnLogin) && pr.hasState {
		p.Note = template.HTML("Request reference: " + pr.state) //nolint:gosec // the fault
	}
	return p
}

func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	if !s.methodAllowed(w, r) {
		return
	}
	if r.Method == http.MethodGet {
		s.showConsent(w, r)
		return
	}
	s.submitConsent(w, r)
}

// showConsent shows the consent page of a pending request to the signed-in
// browser that made it, or answers without it: the refusal page
// (Config.Refusal page-after-login) or, when Config.Consent does not ask,
// the approved response.
func (s *Server) showConsent(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get(fieldRequestID)
	pr, se, ok := s.signedInPending(w, r, id)
	if !ok {
		return
	}
	// Config.Refusal page-after-login, or Config.Consent without the page
	// (RFC 6749 §10.2): the request is answered now, once.
	if pr.refused || s.consentSkipped(se, pr.clientID, pr.forceConsent) {
		pr, ok = s.takeAnswered(id, se, r) // answered once
		switch {
		case !ok:
			s.unknownRequest(w)
		case pr.refused:
			s.renderRefusal(w)
		case !s.uncheckedOnApproval(w, pr):
			s.respondSuccess(w, pr, pr.scopes, se.username)
		}
		return
	}
	s.renderPage(w, http.StatusOK, "consent", consentPage{
		ClientID:  pr.clientID,
		Username:  se.username,
		CSRF:      s.csrfToken("consent", pr.id, pr.browser),
		RequestID: pr.id,
		Scopes:    pr.scopes,
	})
}

// signedInPending returns pending request id of the browser that made it,
// and the session it is signed in with. Otherwise it answers: an unknown
// request, or (no session, or prompt=login) the login page by 303.
func (s *Server) signedInPending(w http.ResponseWriter, r *http.Request, id string) (pendingRequest, session, bool) {
	browser := cookieValue(r, browserCookie)
	pr, ok := s.getPending(id)
	if !ok || browser == "" || pr.browser != browser {
		s.unknownRequest(w)
		return pendingRequest{}, session{}, false
	}
	se, ok := s.lookupSession(cookieValue(r, sessionCookie))
	if !ok || pr.forceLogin {
		w.Header().Set("Location", "/login?"+fieldRequestID+"="+url.QueryEscape(id))
		w.WriteHeader(http.StatusSeeOther)
		return pendingRequest{}, session{}, false
	}
	return pr, se, true
}

// consentSkipped reports whether Config.Consent answers a request of
// clientID in session se without the consent page. RFC 6749 §10.2 allows a
// repeated authorization without the resource owner "when the client has
// a pre-registered redirection URI" (every client here has); OpenID Connect
// Core §3.1.2.1 prompt=consent asks for the page anyway.
func (s *Server) consentSkipped(se session, clientID string, forceConsent bool) bool {
	switch s.cfg.Consent {
	case ConsentNone:
		return true
	case ConsentRemembered:
		return !forceConsent && slices.Contains(se.approved, clientID)
	}
	return false
}

// uncheckedOnApproval refuses, with an error page, an approval of a request
// whose redirect URI was let through unchecked. RFC 6749 §3.1.2.4
// (catalogue RDR-22): the check holds at every stage; under
// FaultCheckedOnApproval it is done only now, and only on approval.
func (s *Server) uncheckedOnApproval(w http.ResponseWriter, pr pendingRequest) bool {
	if !pr.unchecked || !s.faults.on(FaultCheckedOnApproval) {
		return false
	}
	s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
		"The redirect URI in the request is not registered for this client. You have not been redirected.")
	return true
}

// submitConsent answers the consent form: the resource owner's decision on
// the pending request (RFC 6749 §4.2.1).
func (s *Server) submitConsent(w http.ResponseWriter, r *http.Request) {
	form, ok := s.readForm(w, r)
	if !ok {
		s.renderError(w, http.StatusBadRequest, "Invalid form", "The form submission could not be read.")
		return
	}
	browser := cookieValue(r, browserCookie)
	id := form.Get(fieldRequestID)
	if s.faults.on(FaultLogin307) && form.Get(fieldPassword) != "" {
		// Under FaultLogin307 the browser re-posts the login form here;
		// the server shows the consent page as for a GET.
		r.Method = http.MethodGet
		s.handleConsent(w, r)
		return
	}
	// RFC 6749 §10.12: "The authorization server MUST implement CSRF
	// protection for its authorization endpoint and ensure that a malicious
	// client cannot obtain authorization without the awareness and explicit
	// consent of the resource owner."
	unbound := s.faults.on(FaultConsentUnbound)
	if p, ok := s.getPending(id); ok && unbound {
		browser = p.browser // the fault trusts the request_id alone
	}
	csrfOK := s.sameOrigin(r) && s.csrfValid("consent", id, browser, form.Get(fieldCSRF))
	if !csrfOK && !s.faults.on(FaultConsentCSRFUnchecked) {
		s.forbidden(w)
		return
	}
	sessionID := cookieValue(r, sessionCookie)
	se, signedIn := s.lookupSession(sessionID)
	if unbound && !signedIn {
		se, signedIn = session{username: username}, true
	}
	pr, ok := s.getPending(id)
	if !ok || pr.browser != browser {
		s.unknownRequest(w)
		return
	}
	if !signedIn || pr.forceLogin {
		s.renderError(w, http.StatusForbidden, "Not signed in",
			"You are not signed in, so nothing was authorized. Go back to the application and start again.")
		return
	}
	decision := form.Get(fieldDecision)
	if decision != "allow" && decision != "deny" {
		s.noDecision(w, pr, se.username)
		return
	}
	pr, ok = s.takeAnswered(id, se, r) // answered once
	switch {
	case !ok:
		s.unknownRequest(w)
	case pr.refused:
		// Config.Refusal page-after-login: nothing to decide on.
		s.renderRefusal(w)
	case decision == "allow" && s.uncheckedOnApproval(w, pr):
		// the error page is written
	case decision == "deny":
		s.respondDenied(w, pr.target())
	default:
		s.respondApproved(w, pr, form[fieldScope], sessionID, se.username)
	}
}

// takeAnswered takes pending request id to answer it now, in session se,
// to request r: the user agent that receives the answer is what the
// browser faults look at (faults_browser.go).
func (s *Server) takeAnswered(id string, se session, r *http.Request) (pendingRequest, bool) {
	pr, ok := s.takePending(id)
	pr.signedIn = se
	pr.realBrowser = looksLikeBrowser(r.UserAgent())
	return pr, ok
}

// respondApproved answers an approval with the scopes the resource owner
// left ticked (only requested scopes can be granted).
func (s *Server) respondApproved(w http.ResponseWriter, pr pendingRequest, ticked []string, sessionID, user string) {
	var granted []string
	for _, sc := range pr.scopes {
		if slices.Contains(ticked, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		s.respondError(w, pr.target(), authzError{"access_denied", "The user granted no scope."})
		return
	}
	// Config.Consent remembered: the approval stands for this session's
	// later requests of the client (RFC 6749 §10.2).
	if s.cfg.Consent == ConsentRemembered {
		s.rememberConsent(sessionID, pr.clientID)
	}
	s.respondSuccess(w, pr, granted, user)
}

// respondDenied answers a denial. RFC 6749 §4.2.2.1 access_denied: "The
// resource owner or authorization server denied the request."
func (s *Server) respondDenied(w http.ResponseWriter, t responseTarget) {
	code := "access_denied"
	switch {
	case s.faults.on(FaultDenyWrongError):
		code = "server_error"
	// RFC 6749 §4.2.2.1 error: "A single ASCII error code from the
	// following" list; A.7: error = 1*NQSCHAR.
	case s.faults.on(FaultUnregisteredErrorCode):
		code = "user_declined"
	case s.faults.on(FaultErrorCodeBadCharacters):
		code = `"access_denied"`
	}
	if s.faults.on(FaultTokenBesideError) {
		// RFC 6749 §4.2.2.1: an error response carries no access token.
		params := []kv{{name: "error", value: code}, {name: "access_token", value: s.minted(mustRandomToken(32))}}
		params = s.appendIss(s.faults, params, false)
		if t.hasState {
			params = append(params, kv{name: "state", value: t.state})
		}
		s.deliver(w, t, params, outcome{})
		return
	}
	s.respondError(w, t, authzError{code, "The user denied the request."})
}
