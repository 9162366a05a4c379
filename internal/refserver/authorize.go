package refserver

import (
	"html/template"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	// RFC 9700 §2.6: the authorization endpoint must not support CORS.
	if s.faults.on(FaultCORSAtAuthorize) && corsGranted(w, r) {
		return
	}
	// RFC 6749 §3.1: the server "MUST support the use of the HTTP "GET"
	// method" and MAY support POST; OpenID Connect Core §3.1.2.1 requires both.
	if r.Method == http.MethodPost && s.faults.on(FaultPostRefused) {
		w.Header().Set("Allow", "GET")
		s.renderError(w, http.StatusMethodNotAllowed, "Method not allowed", "This endpoint accepts GET only.")
		return
	}
	if !s.methodAllowed(w, r) {
		return
	}
	p, ok := readAuthorizeParams(w, r)
	if !ok {
		s.renderError(w, http.StatusBadRequest, "Invalid request",
			"The authorization request could not be read: a POST must be application/x-www-form-urlencoded.")
		return
	}
	if p.badName {
		s.renderError(w, http.StatusBadRequest, "Invalid request",
			"The authorization request is malformed (a parameter name is not valid percent-encoding).")
		return
	}

	// RFC 6749 §3.1: "Request and response parameters MUST NOT be included
	// more than once." The fault quietly keeps the last value instead.
	if s.faults.on(FaultRepeatedParamLastWins) {
		for name, vs := range p.values {
			p.values[name] = vs[len(vs)-1:]
		}
	}

	// Step 1: client and redirect URI. Until both are established the server
	// MUST NOT redirect (RFC 6749 §4.2.2.1, §3.1.2.4, RFC 9700 §4.11.2).
	clientID, n, bad := p.single("client_id")
	// RFC 6749 §4.2.2.1: with the client not established (a repeated
	// client_id), the server "MUST NOT automatically redirect".
	if n > 1 && s.faults.on(FaultRepeatedClientIDRedirects) {
		if uri, un, ubad := p.single("redirect_uri"); un == 1 && !ubad {
			s.respondError(w, responseTarget{redirectURI: uri, mode: modeFragment}, authzError{"invalid_request", "The client_id parameter is repeated."})
			return
		}
	}
	switch {
	case bad || n > 1:
		s.renderError(w, http.StatusBadRequest, "Invalid client",
			"The client_id parameter is malformed or repeated (RFC 6749 §3.1).")
		return
	case n == 0:
		// RFC 6749 §4.2.2.1: a missing client identifier is never redirected.
		if s.faults.on(FaultMissingClientRedirects) {
			if uri, n, bad := p.single("redirect_uri"); n == 1 && !bad {
				s.respondError(w, responseTarget{redirectURI: uri, mode: modeFragment}, authzError{"invalid_request", "client_id is missing."})
				return
			}
		}
		s.renderError(w, http.StatusBadRequest, "Invalid client",
			"The request does not identify the client: client_id is missing.")
		return
	}
	cl, known := s.lookupClient(clientID)
	if !known {
		// RFC 6749 §4.2.2.1: "If the request fails due to a missing, invalid,
		// or mismatching redirection URI, or if the client identifier is
		// missing or invalid, the authorization server SHOULD inform the
		// resource owner of the error and MUST NOT automatically redirect the
		// user-agent to the invalid redirection URI."
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
		return
	}

	redirectURI, n, bad := p.single("redirect_uri")
	unchecked := false // only under FaultCheckedOnApproval / FaultSessionSkipsCheck
	switch {
	case bad || n > 1:
		s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
			"The redirect_uri parameter is malformed or repeated (RFC 6749 §3.1). You have not been redirected.")
		return
	case n == 0 && p.empty["redirect_uri"] && s.faults.on(FaultEmptyValueAsGiven):
		// RFC 6749 §3.1: "Parameters sent without a value MUST be treated as
		// if they were omitted"; the fault compares the empty string instead.
		s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
			"The redirect URI in the request is not registered for this client. You have not been redirected.")
		return
	case n == 0:
		// RFC 6749 §3.1.2.3: "If multiple redirection URIs have been
		// registered [...] the client MUST include a redirection URI with the
		// authorization request".
		if len(cl.redirectURIs) != 1 && !s.faults.on(FaultDefaultToFirstURI) {
			s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
				"The request has no redirect_uri and the client has several registered. You have not been redirected.")
			return
		}
		if s.oidcRedirectURIRequired(p) {
			s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
				"An OpenID Connect request must name its redirect_uri. You have not been redirected.")
			return
		}
		redirectURI = cl.redirectURIs[0]
	default:
		target, ok := s.matchRedirectURI(cl, redirectURI)
		switch {
		case ok:
			redirectURI = target
		case s.oidcAcceptsHTTPTwin(p, cl, redirectURI):
			// fault (OIDC-06): the plain-http twin of a registered URI passes
		case s.uncheckedRedirectAllowed(r):
			// faults: the check is skipped now (see uncheckedRedirectAllowed)
			unchecked = true
		default:
			t := responseTarget{redirectURI: redirectURI, mode: modeFragment}
			if state, n, bad := p.single("state"); n == 1 && !bad {
				t.state, t.hasState = state, true
			}
			s.refuseRedirectURI(w, cl, redirectURI, t)
			return
		}
	}

	// Step 2: from here on, errors go to the redirect URI (RFC 6749 §4.2.2.1).
	t := responseTarget{redirectURI: redirectURI, mode: modeFragment}
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
		return
	}
	// RFC 8414 §2: the metadata lists form_post, so it must be honoured.
	if rm, n, bad := p.single("response_mode"); n == 1 && !bad && rm == modeFormPost && !s.faults.on(FaultFormPostIgnored) {
		// Errors, too, use the requested mode (Form Post Response Mode §2).
		t.mode = modeFormPost
	}
	if s.faults.on(FaultLongStateRefused) && len(t.state) > 512 {
		s.respondError(w, t, authzError{"invalid_request", "The state parameter is too long."})
		return
	}

	// RFC 6749 §3.1: "Request and response parameters MUST NOT be included
	// more than once."
	for _, name := range slices.Sorted(maps.Keys(p.values)) {
		if len(p.values[name]) > 1 {
			s.respondError(w, t, authzError{"invalid_request", "The " + describeParam(name) + " is repeated."})
			return
		}
	}
	if len(p.malformed) > 0 {
		name := slices.Sorted(maps.Keys(p.malformed))[0]
		s.respondError(w, t, authzError{"invalid_request", "The " + describeParam(name) + " is not valid percent-encoding."})
		return
	}
	if err, refused := s.requestShapeFaults(p); refused {
		s.respondError(w, t, err)
		return
	}

	switch rm, _, _ := p.single("response_mode"); rm {
	case "", modeFormPost:
	case modeFragment:
		// Multiple Response Type Encoding Practices §2.1: fragment is the
		// default mode of response_type=token; asking for it explicitly is fine.
		if s.faults.on(FaultFragmentModeRejected) {
			s.respondError(w, t, authzError{"invalid_request", "The response_mode is not supported."})
			return
		}
	case modeQuery:
		// Multiple Response Type Encoding Practices §2.1, §5: an access
		// token must never be returned in the query (catalogue FRAG-07).
		if s.oidcQueryModeHonoured(p) || s.faults.on(FaultQueryModeHonoured) {
			t.mode = modeQuery
			break
		}
		s.respondError(w, t, authzError{"invalid_request", "response_mode=query is not allowed for response types that return tokens."})
		return
	default:
		// An unknown mode is refused rather than silently replaced by the
		// default (catalogue FRAG-06).
		if s.faults.on(FaultUnknownModeIgnored) {
			break
		}
		s.respondError(w, t, authzError{"invalid_request", "The response_mode is not supported."})
		return
	}

	// RFC 6749 §4.2.2.1 unsupported_response_type: "The authorization server
	// does not support obtaining an access token using this method."
	rt, n, _ := p.single("response_type")
	oidc, supported := parseResponseType(rt)
	switch {
	case n == 0 && s.faults.on(FaultMissingResponseTypeAsToken):
		// RFC 6749 §3.1.1: response_type is REQUIRED; the fault assumes token.
		oidc, supported = oidcRequest{accessToken: true}, true
	case n == 0:
		s.respondError(w, t, authzError{"unsupported_response_type", "The response_type parameter is missing."})
		return
	case s.faults.on(FaultCompositeOrderSensitive) && strings.HasPrefix(rt, "token ") && strings.Contains(rt, "id_token"):
		// RFC 6749 §3.1.1: "the order of values does not matter"; the fault
		// knows only the order "id_token token".
		s.respondError(w, t, authzError{"unsupported_response_type", "The supported response types are token, id_token token and id_token."})
		return
	case supported:
	// RFC 6749 §3.1.1: the values are compared as strings. Each fault below
	// reads an unknown value as token.
	case s.faults.on(FaultUnknownResponseTypeToken) && strings.HasPrefix(rt, "token"),
		s.faults.on(FaultResponseTypeCaseInsensitive) && strings.EqualFold(rt, "token"):
		oidc, supported = oidcRequest{accessToken: true}, true
	case s.faults.on(FaultUnknownResponseTypeCrashes):
		// RFC 6749 §4.2.2.1 server_error: needed "because a 500 Internal
		// Server Error HTTP status code cannot be returned to the client".
		s.renderError(w, http.StatusInternalServerError, "Internal error", "Something went wrong.")
		return
	case s.faults.on(FaultUnknownResponseTypeInvalidRequest):
		s.respondError(w, t, authzError{"invalid_request", "The response_type is not valid."})
		return
	default:
		s.respondError(w, t, authzError{"unsupported_response_type", "The supported response types are token, id_token token and id_token."})
		return
	}

	// RFC 6749 §4.2.2.1 unauthorized_client: "The client is not authorized
	// to request an access token using this method."
	if !cl.allowToken && !s.faults.on(FaultImplicitForEveryClient) {
		code := "unauthorized_client"
		if s.faults.on(FaultImpreciseClientError) {
			code = "invalid_request"
		}
		s.respondError(w, t, authzError{code, "This client may not use the implicit grant."})
		return
	}

	// RFC 6749 §3.3: scope is a list of space-delimited, case-sensitive
	// strings; the server uses a pre-defined default when it is omitted.
	scopeParam, _, _ := p.single("scope")
	defaulted := scopeParam == ""
	switch {
	case scopeParam == "" && p.empty["scope"] && s.faults.on(FaultEmptyValueAsGiven):
		// RFC 6749 §3.1: an empty scope is an omitted scope, not an invalid one.
		s.respondError(w, t, authzError{"invalid_scope", "The requested scope is empty."})
		return
	case scopeParam == "" && s.faults.on(FaultOmittedScopeServerError):
		// RFC 6749 §3.3: without scope the server "MUST either process the
		// request using a pre-defined default value or fail the request
		// indicating an invalid scope".
		s.respondError(w, t, authzError{"server_error", "No scope was requested."})
		return
	case scopeParam == "":
		scopeParam = defaultScope
	}
	scopes, ok := s.readScope(scopeParam)
	if !ok {
		// RFC 6749 §4.2.2.1 invalid_scope: "The requested scope is invalid,
		// unknown, or malformed."
		s.respondError(w, t, authzError{"invalid_scope", "The requested scope is invalid, unknown or malformed."})
		return
	}

	// OpenID Connect Core §3.1.2.1, §3.2.2.1: openid scope and nonce.
	if e := s.checkOIDCRequest(p, &oidc, scopes); e != nil {
		s.respondError(w, t, *e)
		return
	}

	// RFC 6749 §4.2.1: state is RECOMMENDED, not required.
	if s.faults.on(FaultRequireState) && !t.hasState {
		s.respondError(w, t, authzError{"invalid_request", "The state parameter is required."})
		return
	}

	// OpenID Connect Core §3.1.2.1 prompt (space-delimited).
	forceLogin := false
	if prompt, n, _ := p.single("prompt"); n == 1 {
		values := strings.Split(prompt, " ")
		for _, v := range values {
			switch v {
			case "none":
				if s.oidcPromptNoneIgnored(oidc) {
					continue
				}
				if len(values) > 1 {
					s.respondError(w, t, authzError{"invalid_request", "prompt=none cannot be combined with other values."})
					return
				}
				// Consent is asked every time, so prompt=none can never succeed.
				code := "consent_required"
				if _, ok := s.lookupSession(cookieValue(r, sessionCookie)); !ok {
					code = "login_required"
				}
				s.respondError(w, t, authzError{code, "The user must interact with the server."})
				return
			case "login":
				forceLogin = true
			}
		}
	}

	browser := cookieValue(r, browserCookie)
	if browser == "" {
		browser = mustRandomToken(16)
		http.SetCookie(w, s.cookie(browserCookie, browser))
	}
	pr := &pendingRequest{
		id:          mustRandomToken(16),
		browser:     browser,
		clientID:    cl.id,
		redirectURI: t.redirectURI,
		mode:        t.mode,
		scopes:      scopes,
		defaulted:   defaulted,
		state:       t.state,
		hasState:    t.hasState,
		forceLogin:  forceLogin,
		oidc:        oidc,
		unchecked:   unchecked,
		expires:     time.Now().Add(pendingLifetime),
	}
	s.putPending(pr)
	next := "/login?request_id=" + url.QueryEscape(pr.id)
	if _, ok := s.lookupSession(cookieValue(r, sessionCookie)); ok && !forceLogin {
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

// kv is one response parameter, in the order it is written.
type kv struct {
	name, value string
	raw         bool // written without form-urlencoding (only under FaultStateUnencoded)
}

// encodeParams writes params as application/x-www-form-urlencoded over UTF-8
// (RFC 6749 Appendix B), in the given order.
func (s *Server) encodeParams(params []kv) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.name))
		b.WriteByte('=')
		if p.raw {
			b.WriteString(p.value)
		} else {
			b.WriteString(s.escapeValue(p.value))
		}
	}
	return b.String()
}

// escapeValue form-urlencodes one value: UTF-8 bytes, '%XX' for every byte
// that needs it, '+' for a space (RFC 6749 Appendix B).
func (s *Server) escapeValue(v string) string {
	switch {
	case s.faults.on(FaultFragmentPercentUnescaped):
		// Appendix B: '%' must itself be encoded as "%25".
		parts := strings.Split(v, "%")
		for i := range parts {
			parts[i] = url.QueryEscape(parts[i])
		}
		return strings.Join(parts, "%")
	case s.faults.on(FaultFragmentLatin1):
		// Appendix B: "using the UTF-8 character encoding scheme" — the
		// fault encodes runes up to U+00FF as one ISO-8859-1 byte.
		var b strings.Builder
		for _, r := range v {
			if r >= 0x80 && r <= 0xFF {
				b.WriteString(url.QueryEscape(string([]byte{byte(r)})))
				continue
			}
			b.WriteString(url.QueryEscape(string(r)))
		}
		return b.String()
	case s.faults.on(FaultFragmentSpaceUnencoded):
		// Appendix B: a space is written "+"; a raw space is not even
		// allowed in a URI (RFC 3986 §3.5).
		return strings.ReplaceAll(url.QueryEscape(v), "+", " ")
	}
	return url.QueryEscape(v)
}

// respondError delivers an error response (RFC 6749 §4.2.2.1).
func (s *Server) respondError(w http.ResponseWriter, t responseTarget, e authzError) {
	params := []kv{{name: "error", value: e.code}}
	if e.description != "" {
		desc := e.description
		// RFC 6749 §4.2.2.1 error_description: "Values for the
		// "error_description" parameter MUST NOT include characters outside
		// the set %x20-21 / %x23-5B / %x5D-7E."
		if s.faults.on(FaultErrorDescriptionBadCharacters) {
			desc = strings.TrimSuffix(desc, ".") + ` ("refusé").`
		}
		params = append(params, kv{name: "error_description", value: desc})
	}
	// OpenID Connect Core §3.1.2.6 lists the parameters of an error
	// response; anything else should not be there.
	if s.faults.on(FaultErrorExtraParams) {
		params = append(params, kv{name: "trace_id", value: mustRandomToken(8)})
	}
	// RFC 6749 §4.2.2.1 state: "REQUIRED if a "state" parameter was present
	// in the client authorization request."
	params = s.appendIss(params, false)
	requestError := e.code != "access_denied" // found in the request, not decided by the user
	if t.hasState && !s.faults.on(FaultDropStateOnError) &&
		!(requestError && s.faults.on(FaultStateDroppedOnRequestError)) {
		params = append(params, kv{name: "state", value: t.state})
	}
	s.deliver(w, t, params, false, "")
}

// respondSuccess issues an access token for a consented request (RFC 6749
// §4.2.2) and delivers it.
func (s *Server) respondSuccess(w http.ResponseWriter, pr pendingRequest, granted []string, user string) {
	if pr.oidc.idToken {
		s.respondOIDCSuccess(w, pr, granted, user)
		return
	}
	token := s.newAccessToken()
	s.storeToken(token, grant{username: user, clientID: pr.clientID, scopes: granted, expires: time.Now().Add(tokenLifetime)})

	t := responseTarget{redirectURI: pr.redirectURI, mode: pr.mode, state: pr.state, hasState: pr.hasState}
	sent := token
	// RFC 6749 §4.2.2 access_token: "REQUIRED. The access token issued by
	// the authorization server."
	if s.faults.on(FaultEmptyAccessToken) {
		sent = ""
	}
	params := []kv{{name: "access_token", value: sent}}
	// RFC 6749 §4.2.2 token_type: "REQUIRED."
	tokenType := "Bearer"
	if s.faults.on(FaultTokenTypeUnknown) {
		// RFC 6749 §7.1: the client "MUST NOT use an access token if it does
		// not understand the token type".
		tokenType = "Magic"
	}
	if !s.faults.on(FaultNoTokenType) {
		params = append(params, kv{name: "token_type", value: tokenType})
	}
	// RFC 6749 §3.1: "Request and response parameters MUST NOT be included
	// more than once."
	if s.faults.on(FaultParameterTwice) {
		params = append(params, kv{name: "token_type", value: tokenType})
	}
	// RFC 6749 §4.2.2 expires_in: "RECOMMENDED. The lifetime in seconds of
	// the access token"; A.14: 1*DIGIT.
	expiresIn := "3600"
	switch {
	case s.faults.on(FaultExpiresInZero):
		expiresIn = "0"
	case s.faults.on(FaultExpiresInMillis):
		expiresIn = "86400000" // a day, in milliseconds
	case s.faults.on(FaultExpiresInDay):
		expiresIn = "86400"
	}
	if !s.faults.on(FaultNoExpiresIn) {
		params = append(params, kv{name: "expires_in", value: expiresIn})
	}
	// RFC 6749 §4.2.2 scope: "OPTIONAL, if identical to the scope requested
	// by the client; otherwise, REQUIRED" — a default grant differs from a
	// request that named no scope.
	if !(pr.defaulted && s.faults.on(FaultScopeOmittedWhenDefaulted)) && !s.faults.on(FaultUnknownScopeDropped) {
		params = append(params, kv{name: "scope", value: strings.Join(granted, " ")})
	}
	// RFC 6749 §4.2.2: "The authorization server MUST NOT issue a refresh
	// token."
	if s.faults.on(FaultRefreshTokenIssued) ||
		(s.faults.on(FaultRefreshTokenOffline) && slices.Contains(granted, "offline_access")) {
		params = append(params, kv{name: "refresh_token", value: mustRandomToken(32)})
	}
	// Multiple Response Type Encoding Practices §5: response_type=token
	// returns the access token only — no code, no id_token.
	if s.faults.on(FaultCodeAdded) {
		params = append(params, kv{name: "code", value: mustRandomToken(16)})
	}
	if s.faults.on(FaultIDTokenAdded) {
		params = append(params, kv{name: "id_token", value: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."})
	}
	params = s.appendIss(params, true)
	// RFC 6749 §4.2.2 state: "REQUIRED if the "state" parameter was present
	// in the client authorization request. The exact value received from the
	// client."
	switch {
	case t.hasState && s.faults.on(FaultDropStateOnSuccess):
		// dropped
	case t.hasState:
		st := kv{name: "state", value: t.state}
		if s.faults.on(FaultStatePlusAsSpace) {
			st.value = strings.ReplaceAll(st.value, "+", " ")
		}
		// RFC 6749 §4.2.2: parameters are added to the fragment "using the
		// "application/x-www-form-urlencoded" format, per Appendix B".
		if s.faults.on(FaultStateUnencoded) && t.mode == modeFragment {
			st.raw = true
		}
		params = append(params, st)
	case s.faults.on(FaultInventState):
		// No state was sent, so none may come back (RFC 6749 §4.2.2).
		params = append(params, kv{name: "state", value: mustRandomToken(12)})
	case s.faults.on(FaultEmptyStateEchoed):
		// Nor an empty one: "state=" is not the absence of state.
		params = append(params, kv{name: "state", value: ""})
	}
	s.deliver(w, t, params, true, sent)
}

// deliver sends params to the client: in the redirect URI's fragment (RFC
// 6749 §4.2.2, §4.2.2.1) or as a self-submitting form (Form Post Response
// Mode §2). success marks a token response; token is the access token it
// carries.
func (s *Server) deliver(w http.ResponseWriter, t responseTarget, params []kv, success bool, token string) {
	// RFC 6819 §4.4.2.2 / Form Post Response Mode §2: never cache a
	// response that carries a token (set for every response by
	// securityHeaders; repeated here because it matters most here).
	w.Header().Set("Cache-Control", "no-store")
	// Form Post Response Mode §2: errors, too, are posted.
	if t.mode == modeFormPost && (success || !s.faults.on(FaultFormPostErrorsByRedirect)) {
		s.renderFormPost(w, t.redirectURI, params)
		return
	}
	target := t.redirectURI
	if s.faults.on(FaultRegisteredQueryDropped) {
		// RFC 6749 §3.1.2: the endpoint URI's query "MUST be retained".
		target = beforeQuery(target)
	}
	encoded := s.encodeParams(params)
	var location string
	switch {
	// RFC 6749 §4.2.2: the response parameters are added "to the fragment
	// component of the redirection URI".
	case success && s.faults.on(FaultResponseInQuery), t.mode == modeQuery:
		location = appendQuery(target, encoded)
	// RFC 6749 §4.2.2.1: errors, too, go "to the fragment component".
	case !success && s.faults.on(FaultErrorsInQuery) && slices.ContainsFunc(params, func(p kv) bool { return p.name == "error" }):
		location = appendQuery(target, encoded)
	case t.mode == modeQuery:
		location = appendQuery(target, encoded)
	default:
		if success && s.faults.on(FaultRedirectURIRewritten) {
			// RFC 6749 §3.1.2.3: the registered URI is compared, and used,
			// as a string; the fault rewrites it with a trailing slash.
			target = addTrailingSlash(target)
		}
		if success && s.faults.on(FaultTokenInQuery) {
			// RFC 6750 §5.3 / MRT §5 (catalogue FRAG-02): no access token
			// in the query.
			target = appendQuery(target, "access_token="+url.QueryEscape(token))
		}
		// Any query of the redirect URI is kept untouched (RFC 6749 §3.1.2).
		location = target + "#" + encoded
	}
	if success && s.faults.on(FaultTokenRedirectCacheable) {
		// RFC 6819 §4.4.2.2: the redirect carrying the token must not be cached.
		w.Header().Set("Cache-Control", "private, max-age=300")
		w.Header().Del("Pragma")
	}
	w.Header().Set("Location", location)
	w.WriteHeader(http.StatusSeeOther)
}

func appendQuery(uri, query string) string {
	if strings.Contains(uri, "?") {
		return uri + "&" + query
	}
	return uri + "?" + query
}

// addTrailingSlash appends '/' to the path of uri (before any query).
func addTrailingSlash(uri string) string {
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		return uri[:i] + "/" + uri[i:]
	}
	return uri + "/"
}

// newAccessToken mints an access token: 256 random bits, base64url, so it
// is unguessable and unique (RFC 6749 §10.10) and a valid b64token (RFC 6750
// §2.1, RFC 6749 A.12).
func (s *Server) newAccessToken() string {
	switch {
	case s.faults.on(FaultTokenConstant):
		return "constant-access-token-0123456789"
	case s.faults.on(FaultTokensSequential):
		s.mu.Lock()
		n := len(s.tokens)
		s.mu.Unlock()
		return "at-" + strconv.Itoa(1001+n)
	case s.faults.on(FaultTokenLowEntropy):
		return mustRandomToken(8)
	case s.faults.on(FaultTokenNonASCII):
		return mustRandomToken(32) + "é"
	case s.faults.on(FaultTokenNotB64):
		return mustRandomToken(32) + "!"
	}
	return mustRandomToken(32)
}

// appendIss adds the iss response parameter (RFC 9207 §2): the issuer
// identifier, in every authorization response, success and error, as the
// metadata advertises (authorization_response_iss_parameter_supported).
func (s *Server) appendIss(params []kv, success bool) []kv {
	switch {
	case s.faults.on(FaultIssWrong):
		// RFC 9207 §2: the value is the issuer identifier, compared as a
		// simple string.
		return append(params, kv{name: "iss", value: s.issuer + "/"})
	case !success && s.faults.on(FaultIssMissingOnError):
		return params
	}
	return append(params, kv{name: "iss", value: s.issuer})
}
