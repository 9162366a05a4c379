package refserver

import (
	"html/template"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Response modes (OAuth 2.0 Multiple Response Type Encoding Practices §2.1,
// OAuth 2.0 Form Post Response Mode §2).
const (
	modeFragment = "fragment"
	modeFormPost = "form_post"
	modeQuery    = "query" // only under FaultOIDCResponseModeQuery or FaultQueryModeHonoured
)

const maxFormBytes = 64 << 10

// requestParams is a strict reading of an application/x-www-form-urlencoded
// request: values by name, empty values dropped (RFC 6749 §3.1: "Parameters
// sent without a value MUST be treated as if they were omitted"), and note of
// what could not be decoded.
type requestParams struct {
	values    map[string][]string
	malformed map[string]bool // names whose value is not valid percent-encoding
	badName   bool            // some name itself could not be decoded
	empty     map[string]bool // names sent with an empty value (and so omitted)
	first     string          // the name of the first parameter
}

// parseParams reads raw ('&'-separated name=value pairs, '+' meaning space).
// Unlike url.ParseQuery it keeps going after a bad pair and remembers which
// name it belonged to, so a bad redirect_uri is never mistaken for an absent
// one.
func parseParams(raw string) requestParams {
	p := requestParams{values: map[string][]string{}, malformed: map[string]bool{}, empty: map[string]bool{}}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			p.badName = true
			continue
		}
		if name == "" {
			continue
		}
		if p.first == "" {
			p.first = name
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			p.malformed[name] = true
			continue
		}
		if value == "" {
			p.empty[name] = true
			continue // omitted, RFC 6749 §3.1
		}
		p.values[name] = append(p.values[name], value)
	}
	return p
}

// single returns the one value of name; n is how many non-empty values were
// sent, bad whether a value of that name was undecodable.
func (p requestParams) single(name string) (v string, n int, bad bool) {
	vs := p.values[name]
	if len(vs) > 0 {
		v = vs[0]
	}
	return v, len(vs), p.malformed[name]
}

// readAuthorizeParams reads the request's parameters: the query for GET, the
// form-encoded body for POST (RFC 6749 §3.1).
func readAuthorizeParams(w http.ResponseWriter, r *http.Request) (requestParams, bool) {
	if r.Method == http.MethodGet {
		return parseParams(r.URL.RawQuery), true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return requestParams{}, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err != nil {
		return requestParams{}, false
	}
	return parseParams(string(body)), true
}

// authzError is an error the client hears about through its redirect URI.
type authzError struct {
	code        string
	description string // ASCII, NQSCHAR only (RFC 6749 §4.2.2.1, A.8): never reflects input
}

// responseTarget is where and how a response for a request is delivered.
type responseTarget struct {
	redirectURI string
	mode        string
	state       string
	hasState    bool // a usable state was sent and must be echoed
	realBrowser bool // the answer goes to a real browser (faults_browser.go); success responses only
}

// authorizeRequest is one authorization request as the stages of
// handleAuthorize establish it (fosite's AuthorizeRequester): each stage
// reads what the earlier ones set and adds its own part.
type authorizeRequest struct {
	params    requestParams
	client    client
	unchecked bool           // the redirect URI was let through unchecked (redirect-area faults only)
	target    responseTarget // the redirect URI once established, then state and response mode
	oidc      oidcRequest
	scopes    []string
	defaulted bool // the request named no scope: scopes is the default

	forceLogin   bool // prompt=login
	forceConsent bool // prompt=consent
}

// pending is the request as it waits for login and consent.
func (ar *authorizeRequest) pending() *pendingRequest {
	return &pendingRequest{
		clientID:     ar.client.id,
		redirectURI:  ar.target.redirectURI,
		mode:         ar.target.mode,
		scopes:       ar.scopes,
		defaulted:    ar.defaulted,
		state:        ar.target.state,
		hasState:     ar.target.hasState,
		oidc:         ar.oidc,
		unchecked:    ar.unchecked,
		forceLogin:   ar.forceLogin,
		forceConsent: ar.forceConsent,
	}
}

// authorizeStage is one stage of the authorization endpoint. It either
// passes the request on (true) or has written the response that ends it.
type authorizeStage func(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool

// handleAuthorize is the authorization endpoint (RFC 6749 §3.1, §4.2.1). The
// order of the stages is part of the behaviour: a request with two errors
// in it hears about the one the earlier stage checks.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	stages := []authorizeStage{
		s.readRequest,
		// Until the client and its redirect URI are established the server
		// MUST NOT redirect (RFC 6749 §4.2.2.1, §3.1.2.4, RFC 9700 §4.11.2).
		s.establishClient,
		s.requestErrorsFirst, // a fault's stage only (redirect.go)
		s.establishRedirectURI,
		// From here on, errors go to the redirect URI (RFC 6749 §4.2.2.1).
		s.readTarget,
		s.refuseAllRequests,
		s.checkParams,
		s.readResponseMode,
		s.readResponseType,
		s.checkClientGrant,
		s.readRequestScope,
		s.checkOIDCRequest,
		s.requireState,
		s.readPrompt,
		s.readMaxAge,
	}
	ar := &authorizeRequest{}
	for _, stage := range stages {
		if !stage(w, r, ar) {
			return
		}
	}
	s.startInteraction(w, r, ar.pending())
}

// readRequest reads the request's parameters (RFC 6749 §3.1) after the
// method checks.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool {
	// RFC 9700 §2.6: the authorization endpoint must not support CORS.
	if s.faults.on(FaultCORSAtAuthorize) && corsGranted(w, r) {
		return false
	}
	// RFC 6749 §3.1: the server "MUST support the use of the HTTP "GET"
	// method" and MAY support POST; OpenID Connect Core §3.1.2.1 requires both.
	if r.Method == http.MethodPost && s.faults.on(FaultPostRefused) {
		w.Header().Set("Allow", "GET")
		s.renderError(w, http.StatusMethodNotAllowed, "Method not allowed", "This endpoint accepts GET only.")
		return false
	}
	if !s.methodAllowed(w, r) {
		return false
	}
	p, ok := readAuthorizeParams(w, r)
	if !ok {
		s.renderError(w, http.StatusBadRequest, "Invalid request",
			"The authorization request could not be read: a POST must be application/x-www-form-urlencoded.")
		return false
	}
	if p.badName {
		s.renderError(w, http.StatusBadRequest, "Invalid request",
			"The authorization request is malformed (a parameter name is not valid percent-encoding).")
		return false
	}
	// RFC 6749 §3.1: "Request and response parameters MUST NOT be included
	// more than once." The fault quietly keeps the last value instead, here
	// and not with the other repeats, so that a repeated client_id or
	// redirect_uri is resolved before the stages that read them.
	if s.faults.on(FaultRepeatedParamLastWins) {
		for name, vs := range p.values {
			p.values[name] = vs[len(vs)-1:]
		}
	}
	ar.params = p
	return true
}

// establishClient finds the client of the request; every failure is an
// error page, never a redirect.
func (s *Server) establishClient(w http.ResponseWriter, _ *http.Request, ar *authorizeRequest) bool {
	p := ar.params
	clientID, n, bad := p.single("client_id")
	// RFC 6749 §4.2.2.1: with the client not established (a repeated
	// client_id), the server "MUST NOT automatically redirect".
	if n > 1 && s.faults.on(FaultRepeatedClientIDRedirects) {
		if uri, un, ubad := p.single("redirect_uri"); un == 1 && !ubad {
			s.respondError(w, responseTarget{redirectURI: uri, mode: modeFragment}, authzError{"invalid_request", "The client_id parameter is repeated."})
			return false
		}
	}
	switch {
	case bad || n > 1:
		s.renderError(w, http.StatusBadRequest, "Invalid client",
			"The client_id parameter is malformed or repeated (RFC 6749 §3.1).")
		return false
	case n == 0:
		// RFC 6749 §4.2.2.1: a missing client identifier is never redirected.
		if s.faults.on(FaultMissingClientRedirects) {
			if uri, n, bad := p.single("redirect_uri"); n == 1 && !bad {
				s.respondError(w, responseTarget{redirectURI: uri, mode: modeFragment}, authzError{"invalid_request", "client_id is missing."})
				return false
			}
		}
		s.renderError(w, http.StatusBadRequest, "Invalid client",
			"The request does not identify the client: client_id is missing.")
		return false
	}
	cl, known := s.lookupClient(clientID)
	if known {
		ar.client = cl
		return true
	}
	s.refuseUnknownClient(w, p, clientID)
	return false
}

// lookupClient finds a registered client by its identifier, compared
// exactly (RFC 6749 §2.2: the identifier is a string the server issued).
func (s *Server) lookupClient(id string) (client, bool) {
	if cl, ok := s.clients[id]; ok {
		return cl, true
	}
	if cl, ok := s.dynamicClient(id); ok {
		return cl, true
	}
	if s.faults.on(FaultClientIDCaseInsensitive) {
		for k, cl := range s.clients {
			if strings.EqualFold(k, id) {
				return cl, true
			}
		}
	}
	return client{}, false
}

// refuseUnknownClient answers a request whose client_id names no client.
// RFC 6749 §4.2.2.1: "If the request fails due to a missing, invalid, or
// mismatching redirection URI, or if the client identifier is missing or
// invalid, the authorization server SHOULD inform the resource owner of the
// error and MUST NOT automatically redirect the user-agent to the invalid
// redirection URI."
func (s *Server) refuseUnknownClient(w http.ResponseWriter, p requestParams, clientID string) {
	if s.faults.on(FaultUnknownClientRedirects) {
		if uri, n, bad := p.single("redirect_uri"); n == 1 && !bad {
			state, sn, sbad := p.single("state")
			t := responseTarget{redirectURI: uri, mode: modeFragment, state: state, hasState: sn == 1 && !sbad}
			s.respondError(w, t, authzError{"invalid_client", "The client is not known."})
			return
		}
	}
	msg := "The application that sent you here (" + clientID + ") is not registered with this server. You have not been redirected back to it."
	// RFC 6749 §10.14: input reflected in a page must be sanitised;
	// the fault writes the client_id as markup.
	if s.faults.on(FaultUnknownClientUnescaped) {
		s.renderPage(w, http.StatusBadRequest, "error", errorPage{Title: "Unknown client", Message: template.HTML(msg)}) //nolint:gosec // the fault
		return
	}
	s.renderError(w, http.StatusBadRequest, "Unknown client", msg)
}

// establishRedirectURI decides where responses go (RFC 6749 §3.1.2.3);
// every failure is an error page. It leaves ar.target at the redirect URI
// with the default mode and no state, which readTarget completes.
func (s *Server) establishRedirectURI(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool {
	p, cl := ar.params, ar.client
	redirectURI, n, bad := p.single("redirect_uri")
	switch {
	case bad || n > 1:
		s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
			"The redirect_uri parameter is malformed or repeated (RFC 6749 §3.1). You have not been redirected.")
		return false
	case n == 0:
		uri, ok := s.omittedRedirectURI(w, p, cl)
		if ok {
			ar.target = responseTarget{redirectURI: uri, mode: modeFragment}
		}
		return ok
	}
	target, matched := s.matchRedirectURI(cl, redirectURI)
	switch {
	case matched:
	case s.oidcAcceptsHTTPTwin(p, cl, redirectURI):
		// fault (OIDC-06): the plain-http twin of a registered URI passes
		target = redirectURI
	case s.uncheckedRedirectAllowed(r):
		// faults: the check is skipped now (see uncheckedRedirectAllowed)
		target, ar.unchecked = redirectURI, true
	default:
		t := responseTarget{redirectURI: redirectURI, mode: modeFragment}
		if state, n, bad := p.single("state"); n == 1 && !bad {
			t.state, t.hasState = state, true
		}
		s.refuseRedirectURI(w, cl, redirectURI, t)
		return false
	}
	ar.target = responseTarget{redirectURI: target, mode: modeFragment}
	return true
}

// omittedRedirectURI is the redirect URI of a request that names none: the
// client's only registered one, or an error page.
func (s *Server) omittedRedirectURI(w http.ResponseWriter, p requestParams, cl client) (string, bool) {
	// RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if
	// they were omitted"; the fault compares the empty string instead.
	if p.empty["redirect_uri"] && s.faults.on(FaultEmptyValueAsGiven) {
		s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
			"The redirect URI in the request is not registered for this client. You have not been redirected.")
		return "", false
	}
	// RFC 6749 §3.1.2.3: "If multiple redirection URIs have been registered
	// [...] the client MUST include a redirection URI with the authorization
	// request".
	if len(cl.redirectURIs) != 1 && !s.faults.on(FaultDefaultToFirstURI) {
		s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
			"The request has no redirect_uri and the client has several registered. You have not been redirected.")
		return "", false
	}
	if s.oidcRedirectURIRequired(p) {
		s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
			"An OpenID Connect request must name its redirect_uri. You have not been redirected.")
		return "", false
	}
	return cl.redirectURIs[0], true
}

// readTarget reads the state and the response mode that every later
// response, error or success, uses.
func (s *Server) readTarget(w http.ResponseWriter, _ *http.Request, ar *authorizeRequest) bool {
	p, t := ar.params, &ar.target
	if state, n, bad := p.single("state"); n == 1 && !bad {
		t.state, t.hasState = state, true
	} else if n > 1 && !bad && s.faults.on(FaultRepeatedStateAccepted) {
		// RFC 6749 §3.1: "Request and response parameters MUST NOT be
		// included more than once"; the fault serves the first state.
		t.state, t.hasState = state, true
		delete(p.values, "state")
	}
	// RFC 6749 §4.2.2: the state comes back as "the exact value received";
	// Appendix A.5 sets no maximum length.
	if s.faults.on(FaultStateTruncated) && len(t.state) > 100 {
		t.state = t.state[:100]
	}
	if s.faults.on(FaultLongStateServerError) && len(t.state) > 1024 {
		s.renderError(w, http.StatusInternalServerError, "Internal error", "Something went wrong.")
		return false
	}
	// RFC 8414 §2: the metadata lists form_post, so it must be honoured.
	if rm, n, bad := p.single("response_mode"); n == 1 && !bad && rm == modeFormPost && !s.faults.on(FaultFormPostIgnored) {
		// Errors, too, use the requested mode (Form Post Response Mode §2).
		t.mode = modeFormPost
	}
	if s.faults.on(FaultLongStateRefused) && len(t.state) > 512 {
		s.respondError(w, *t, authzError{"invalid_request", "The state parameter is too long."})
		return false
	}
	return true
}

// refuseAllRequests is Config.RefuseAll: a broken server refuses every
// request it could answer (RFC 6749 §4.2.2.1), although its metadata (RFC
// 8414 §2) still advertises the types it refuses.
func (s *Server) refuseAllRequests(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool {
	if !s.cfg.RefuseAll {
		return true
	}
	s.refuse(w, r, ar.target, ar.client.id, "This server does not serve authorization requests at the moment.")
	return false
}

// checkParams refuses repeated and undecodable parameters, and those the
// shape faults refuse.
func (s *Server) checkParams(w http.ResponseWriter, _ *http.Request, ar *authorizeRequest) bool {
	p := ar.params
	// RFC 6749 §3.1: "Request and response parameters MUST NOT be included
	// more than once."
	for _, name := range slices.Sorted(maps.Keys(p.values)) {
		if len(p.values[name]) > 1 {
			s.respondError(w, ar.target, authzError{"invalid_request", "The " + describeParam(name) + " is repeated."})
			return false
		}
	}
	if len(p.malformed) > 0 {
		name := slices.Sorted(maps.Keys(p.malformed))[0]
		s.respondError(w, ar.target, authzError{"invalid_request", "The " + describeParam(name) + " is not valid percent-encoding."})
		return false
	}
	if err, refused := s.requestShapeFaults(p); refused {
		s.respondError(w, ar.target, err)
		return false
	}
	return true
}

// readResponseMode checks the response mode, which may move the target to
// the query (faults only). It completes readTarget once checkParams has
// made sure the mode was sent once.
func (s *Server) readResponseMode(w http.ResponseWriter, _ *http.Request, ar *authorizeRequest) bool {
	p, t := ar.params, &ar.target
	switch rm, _, _ := p.single("response_mode"); rm {
	case "", modeFormPost:
	case modeFragment:
		// Multiple Response Type Encoding Practices §2.1: fragment is the
		// default mode of response_type=token; asking for it explicitly is fine.
		if s.faults.on(FaultFragmentModeRejected) {
			s.respondError(w, *t, authzError{"invalid_request", "The response_mode is not supported."})
			return false
		}
	case modeQuery:
		// Multiple Response Type Encoding Practices §2.1, §5: an access
		// token must never be returned in the query (catalogue FRAG-07).
		if s.oidcQueryModeHonoured(p) || s.faults.on(FaultQueryModeHonoured) {
			t.mode = modeQuery
			break
		}
		s.respondError(w, *t, authzError{"invalid_request", "response_mode=query is not allowed for response types that return tokens."})
		return false
	default:
		// An unknown mode is refused rather than silently replaced by the
		// default (catalogue FRAG-06).
		if s.faults.on(FaultUnknownModeIgnored) {
			break
		}
		s.respondError(w, *t, authzError{"invalid_request", "The response_mode is not supported."})
		return false
	}
	return true
}

// readResponseType reads response_type (RFC 6749 §3.1.1) and decides whether
// the server serves it.
func (s *Server) readResponseType(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool {
	t := ar.target
	// RFC 6749 §4.2.2.1 unsupported_response_type: "The authorization server
	// does not support obtaining an access token using this method."
	unsupported := authzError{"unsupported_response_type", "The supported response types are " + describeTypes(s.offered) + "."}
	rt, n, _ := ar.params.single("response_type")
	oidc, known := parseResponseType(rt)
	switch {
	case n == 0 && s.faults.on(FaultMissingResponseTypeAsToken):
		// RFC 6749 §3.1.1: response_type is REQUIRED; the fault assumes the
		// server's primary type (token when offered).
		oidc = requestFor(s.primary)
	case n == 0:
		s.respondError(w, t, authzError{"unsupported_response_type", "The response_type parameter is missing."})
		return false
	case s.faults.on(FaultCompositeOrderSensitive) && s.offers(ResponseTypeIDTokenToken) &&
		strings.HasPrefix(rt, "token ") && strings.Contains(rt, "id_token"):
		// RFC 6749 §3.1.1: "the order of values does not matter"; the fault
		// knows only the order "id_token token".
		s.respondError(w, t, unsupported)
		return false
	case known && !s.offers(oidc.responseType()):
		// Config.ResponseTypes: a known type the server does not offer is
		// refused (RFC 6749 §4.2.2.1 unsupported_response_type), in the
		// configured shape.
		s.refuse(w, r, t, ar.client.id, unsupported.description)
		return false
	case known:
	// RFC 6749 §3.1.1: the values are compared as strings. Each fault below
	// reads an unknown value as a type the server offers: a value beginning
	// with "token" (or with the primary type) as the primary type, and
	// "TOKEN" as token.
	case s.faults.on(FaultUnknownResponseTypeToken) && (strings.HasPrefix(rt, "token") || strings.HasPrefix(rt, s.primary)):
		oidc = requestFor(s.primary)
	case s.faults.on(FaultResponseTypeCaseInsensitive) && s.offers(ResponseTypeToken) && strings.EqualFold(rt, "token"):
		oidc = requestFor(ResponseTypeToken)
	case s.faults.on(FaultUnknownResponseTypeCrashes):
		// RFC 6749 §4.2.2.1 server_error: needed "because a 500 Internal
		// Server Error HTTP status code cannot be returned to the client".
		s.renderError(w, http.StatusInternalServerError, "Internal error", "Something went wrong.")
		return false
	case s.faults.on(FaultUnknownResponseTypeInvalidRequest):
		s.respondError(w, t, authzError{"invalid_request", "The response_type is not valid."})
		return false
	default:
		s.respondError(w, t, unsupported)
		return false
	}
	ar.oidc = oidc
	return true
}

// checkClientGrant refuses a client that may not use the implicit grant.
// RFC 6749 §4.2.2.1 unauthorized_client: "The client is not authorized to
// request an access token using this method."
func (s *Server) checkClientGrant(w http.ResponseWriter, _ *http.Request, ar *authorizeRequest) bool {
	if ar.client.allowToken || s.faults.on(FaultImplicitForEveryClient) {
		return true
	}
	code := "unauthorized_client"
	if s.faults.on(FaultImpreciseClientError) {
		code = "invalid_request"
	}
	s.respondError(w, ar.target, authzError{code, "This client may not use the implicit grant."})
	return false
}

// readRequestScope reads the scope (RFC 6749 §3.3: a list of
// space-delimited, case-sensitive strings; the server uses a pre-defined
// default when it is omitted).
func (s *Server) readRequestScope(w http.ResponseWriter, _ *http.Request, ar *authorizeRequest) bool {
	p, t := ar.params, ar.target
	scopeParam, _, _ := p.single("scope")
	ar.defaulted = scopeParam == ""
	switch {
	case scopeParam == "" && p.empty["scope"] && s.faults.on(FaultEmptyValueAsGiven):
		// RFC 6749 §3.1: an empty scope is an omitted scope, not an invalid one.
		s.respondError(w, t, authzError{"invalid_scope", "The requested scope is empty."})
		return false
	case scopeParam == "" && s.faults.on(FaultOmittedScopeServerError):
		// RFC 6749 §3.3: without scope the server "MUST either process the
		// request using a pre-defined default value or fail the request
		// indicating an invalid scope".
		s.respondError(w, t, authzError{"server_error", "No scope was requested."})
		return false
	case scopeParam == "":
		scopeParam = defaultScope
	}
	scopes, ok := s.readScope(scopeParam)
	if !ok {
		// RFC 6749 §4.2.2.1 invalid_scope: "The requested scope is invalid,
		// unknown, or malformed." With the client and redirect URI valid the
		// server informs the client by redirecting; the fault shows a page.
		if s.faults.on(FaultInvalidScopeOnPage) {
			s.renderError(w, http.StatusBadRequest, "Invalid scope", "The requested scope is invalid, unknown or malformed.")
			return false
		}
		s.respondError(w, t, authzError{"invalid_scope", "The requested scope is invalid, unknown or malformed."})
		return false
	}
	ar.scopes = scopes
	return true
}

// requireState is where FaultRequireState refuses a request without state.
// It runs once the request is otherwise found valid, so that a request
// with another error still hears about that one.
func (s *Server) requireState(w http.ResponseWriter, _ *http.Request, ar *authorizeRequest) bool {
	// RFC 6749 §4.2.1: state is RECOMMENDED, not required.
	if s.faults.on(FaultRequireState) && !ar.target.hasState {
		s.respondError(w, ar.target, authzError{"invalid_request", "The state parameter is required."})
		return false
	}
	return true
}

// readPrompt applies prompt (OpenID Connect Core §3.1.2.1, space-delimited).
func (s *Server) readPrompt(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool {
	prompt, n, _ := ar.params.single("prompt")
	if n != 1 {
		return true
	}
	values := strings.Split(prompt, " ")
	for _, v := range values {
		switch v {
		case "none":
			if s.oidcPromptNoneIgnored(ar.oidc) {
				continue
			}
			if len(values) > 1 {
				s.respondError(w, ar.target, authzError{"invalid_request", "prompt=none cannot be combined with other values."})
				return false
			}
			if !s.promptNone(w, r, ar) {
				return false
			}
		case "login":
			// "The Authorization Server SHOULD prompt the End-User for
			// reauthentication" (fault: not for an OpenID Connect request).
			ar.forceLogin = !s.oidcPromptLoginIgnored(ar.oidc)
		case "consent":
			// prompt=consent: "The Authorization Server SHOULD prompt the
			// End-User for consent before returning information to the Client."
			ar.forceConsent = true
		}
	}
	return true
}

// promptNone: "The Authorization Server MUST NOT display any authentication
// or consent user interface pages. An error is returned if an End-User is
// not already authenticated or the Client does not have pre-configured
// consent" (OpenID Connect Core §3.1.2.1).
func (s *Server) promptNone(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool {
	se, signedIn := s.lookupSession(cookieValue(r, sessionCookie))
	switch {
	case !signedIn:
		s.respondError(w, ar.target, authzError{"login_required", "The user must interact with the server."})
		return false
	case !s.consentSkipped(se, ar.client.id, false):
		s.respondError(w, ar.target, authzError{"consent_required", "The user must interact with the server."})
		return false
	}
	return true
}

// startInteraction keeps pr as a pending request bound to the browser and
// sends the browser to the login page, or to the consent page when it is
// signed in (RFC 6749 §4.2.1: the server authenticates the resource owner
// and obtains an authorization decision).
func (s *Server) startInteraction(w http.ResponseWriter, r *http.Request, pr *pendingRequest) {
	browser := cookieValue(r, browserCookie)
	if browser == "" {
		browser = mustRandomToken(16)
		s.remember(browser)
		http.SetCookie(w, s.cookie(browserCookie, browser))
	}
	pr.id = mustRandomToken(16)
	pr.browser = browser
	pr.expires = time.Now().Add(pendingLifetime)
	s.putPending(pr)
	next := "/login?request_id=" + url.QueryEscape(pr.id)
	if _, ok := s.lookupSession(cookieValue(r, sessionCookie)); ok && !pr.forceLogin {
		next = "/consent?request_id=" + url.QueryEscape(pr.id)
	}
	w.Header().Set("Location", next)
	w.WriteHeader(http.StatusSeeOther)
}

// knownParams are the request parameters this server understands (RFC 6749
// §4.2.1, OpenID Connect Core §3.1.2.1, and common extensions).
var knownParams = []string{
	"response_type", "client_id", "redirect_uri", "scope", "state", "response_mode", "nonce", "prompt",
	"display", "max_age", "ui_locales", "claims_locales", "id_token_hint", "login_hint", "acr_values",
	"claims", "request", "request_uri", "registration", "code_challenge", "code_challenge_method", "resource", "audience",
}

// requestShapeFaults refuses what RFC 6749 §3.1 says must not matter when a
// fault is on: an empty value ("treated as if they were omitted"), an
// unknown parameter ("The authorization server MUST ignore unrecognized
// request parameters") and the order of the parameters.
func (s *Server) requestShapeFaults(p requestParams) (authzError, bool) {
	if s.faults.on(FaultEmptyParamRejected) && len(p.empty) > 0 {
		return authzError{"invalid_request", "A request parameter has an empty value."}, true
	}
	if s.faults.on(FaultUnknownParamRejected) {
		for name := range p.values {
			if !slices.Contains(knownParams, name) {
				return authzError{"invalid_request", "The request has an unknown parameter."}, true
			}
		}
	}
	// RFC 6749 §3.1: the endpoint URI "MAY include an
	// "application/x-www-form-urlencoded" formatted [...] query component,
	// which MUST be retained when adding additional query parameters".
	if _, n, _ := p.single("realm"); n > 0 && s.faults.on(FaultEndpointQueryRefused) {
		return authzError{"invalid_request", "The request has an unknown parameter."}, true
	}
	if s.faults.on(FaultParamOrderSignificant) && p.first != "response_type" {
		return authzError{"invalid_request", "The response_type parameter must come first."}, true
	}
	return authzError{}, false
}

// readScope is parseScope with the scope faults of the request area.
func (s *Server) readScope(raw string) ([]string, bool) {
	tokens := strings.Split(raw, " ")
	// RFC 6749 §3.3: "The strings are defined by the authorization server"
	// and their order does not matter; the fault demands the server's order.
	if s.faults.on(FaultScopeOrderSignificant) {
		order := knownScopes()
		for i := 1; i < len(tokens); i++ {
			if slices.Index(order, tokens[i]) < slices.Index(order, tokens[i-1]) {
				return nil, false
			}
		}
	}
	// RFC 6749 A.4: scope-token = 1*NQCHAR, which excludes '"' and '\'.
	if s.faults.on(FaultScopeSyntaxUnchecked) && strings.ContainsAny(raw, "\"\\") {
		return tokens, true
	}
	// RFC 6749 §3.3: a server that narrows the scope must say so (§4.2.2
	// scope); the fault drops unknown tokens and never returns scope.
	if s.faults.on(FaultUnknownScopeDropped) {
		raw = strings.Join(slices.DeleteFunc(tokens, func(sc string) bool { return !isKnownScope(sc) }), " ")
	}
	return parseScope(raw)
}

// parseScope splits a scope parameter (RFC 6749 §3.3, A.4: scope-token
// *( SP scope-token )). Every token must be known; duplicates are dropped,
// order kept.
func parseScope(raw string) ([]string, bool) {
	var out []string
	seen := map[string]bool{}
	for sc := range strings.SplitSeq(raw, " ") {
		if sc == "" || !isKnownScope(sc) {
			return nil, false
		}
		if !seen[sc] {
			seen[sc] = true
			out = append(out, sc)
		}
	}
	return out, len(out) > 0
}

// describeParam names a parameter in an error description. Only names of
// the protocol are repeated back: a description never reflects input
// (RFC 6749 A.8 limits its characters, and it must not carry markup).
func describeParam(name string) string {
	switch name {
	case "response_type", "client_id", "redirect_uri", "scope", "state", "response_mode", "prompt", "nonce":
		return name + " parameter"
	}
	return "request parameter"
}
