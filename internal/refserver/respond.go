package refserver

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
	params = s.appendIss(s.faults, params, false)
	requestError := e.code != "access_denied" // found in the request, not decided by the user
	if t.hasState && !s.faults.on(FaultDropStateOnError) &&
		!(requestError && s.faults.on(FaultStateDroppedOnRequestError)) {
		params = append(params, kv{name: "state", value: t.state})
	}
	s.deliver(w, t, params, outcome{})
}

// respondSuccess issues what a consented request asked for and delivers it:
// an access token (RFC 6749 §4.2.2) for token and id_token token, an ID token
// (OpenID Connect Core §3.2.2.5) for id_token token and id_token. The
// access-token part, iss, state and the delivery are the same code for every
// type; the success-path faults act on the server's primary type only
// (flowFaults), so that they break the responses the harness's flow
// scenarios ask for, whichever type that is.
func (s *Server) respondSuccess(w http.ResponseWriter, pr pendingRequest, granted []string, user string) {
	fs := s.flowFaults(pr.oidc.responseType())
	t := pr.target()
	o := outcome{success: true, faults: fs}
	var params []kv
	// Multiple Response Type Encoding Practices §3: with response_type
	// id_token alone no access token is returned.
	if pr.oidc.accessToken || s.faults.on(FaultOIDCAccessTokenForIDToken) {
		o.accessToken, o.hasAccessToken = s.issueAccessToken(fs, pr, granted, user), true
		params = s.accessTokenParams(fs, pr, granted, o.accessToken)
	}
	if pr.oidc.idToken {
		// The at_hash covers the access token as sent, so that a fault of
		// the access token does not also break the ID token.
		idt, err := s.idToken(pr, user, o.accessToken)
		if err != nil {
			s.respondError(w, t, authzError{"server_error", "The ID token could not be signed."})
			return
		}
		s.remember(idt)
		params = append(params, kv{name: "id_token", value: idt})
	}
	params = s.appendIss(fs, params, true)
	params = appendSuccessState(fs, t, params)
	s.deliver(w, t, params, o)
}

// flowFaults is the fault set that acts on the success response of a
// request for response type rt: the server's faults for its primary type
// (Config.Primary), none for the other types. With the default options the
// primary type is token, so OpenID Connect responses are judged by their own
// faults only.
func (s *Server) flowFaults(rt string) faultSet {
	if rt == s.primary {
		return s.faults
	}
	return nil
}

// issueAccessToken mints and stores the access token and returns it as it
// is sent (RFC 6749 §4.2.2 access_token: "REQUIRED. The access token issued
// by the authorization server.").
func (s *Server) issueAccessToken(fs faultSet, pr pendingRequest, granted []string, user string) string {
	token := s.newAccessToken(fs)
	s.remember(token)
	s.storeToken(token, grant{username: user, clientID: pr.clientID, scopes: granted, expires: time.Now().Add(tokenLifetime)})
	if fs.on(FaultEmptyAccessToken) {
		return ""
	}
	return token
}

// accessTokenParams are the access-token parameters of a success response
// (RFC 6749 §4.2.2), in order, for the access token as sent.
func (s *Server) accessTokenParams(fs faultSet, pr pendingRequest, granted []string, sent string) []kv {
	params := []kv{{name: "access_token", value: sent}}
	// RFC 6749 §4.2.2 token_type: "REQUIRED."
	tokenType := "Bearer"
	if fs.on(FaultTokenTypeUnknown) {
		// RFC 6749 §7.1: the client "MUST NOT use an access token if it does
		// not understand the token type".
		tokenType = "Magic"
	}
	if !fs.on(FaultNoTokenType) {
		params = append(params, kv{name: "token_type", value: tokenType})
	}
	// RFC 6749 §3.1: "Request and response parameters MUST NOT be included
	// more than once."
	if fs.on(FaultParameterTwice) {
		params = append(params, kv{name: "token_type", value: tokenType})
	}
	// RFC 6749 §4.2.2 expires_in: "RECOMMENDED. The lifetime in seconds of
	// the access token"; A.14: 1*DIGIT.
	expiresIn := "3600"
	switch {
	case fs.on(FaultExpiresInZero):
		expiresIn = "0"
	case fs.on(FaultExpiresInMillis):
		expiresIn = "86400000" // a day, in milliseconds
	case fs.on(FaultExpiresInDay):
		expiresIn = "86400"
	}
	if !fs.on(FaultNoExpiresIn) {
		params = append(params, kv{name: "expires_in", value: expiresIn})
	}
	// RFC 6749 §4.2.2 scope: "OPTIONAL, if identical to the scope requested
	// by the client; otherwise, REQUIRED" — a default grant differs from a
	// request that named no scope.
	if !(pr.defaulted && fs.on(FaultScopeOmittedWhenDefaulted)) && !fs.on(FaultUnknownScopeDropped) {
		params = append(params, kv{name: "scope", value: strings.Join(granted, " ")})
	}
	// RFC 6749 §4.2.2: "The authorization server MUST NOT issue a refresh
	// token."
	if fs.on(FaultRefreshTokenIssued) ||
		(fs.on(FaultRefreshTokenOffline) && slices.Contains(granted, "offline_access")) {
		params = append(params, kv{name: "refresh_token", value: s.minted(mustRandomToken(32))})
	}
	// Multiple Response Type Encoding Practices §5: response_type=token
	// returns the access token only — no code, no id_token (these faults
	// concern the plain token response only, FaultReach).
	if !pr.oidc.idToken && fs.on(FaultCodeAdded) {
		params = append(params, kv{name: "code", value: s.minted(mustRandomToken(16))})
	}
	if !pr.oidc.idToken && fs.on(FaultIDTokenAdded) {
		params = append(params, kv{name: "id_token", value: s.minted("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.")})
	}
	return params
}

// appendSuccessState adds the state of a success response (RFC 6749 §4.2.2
// state: "REQUIRED if the "state" parameter was present in the client
// authorization request. The exact value received from the client.").
func appendSuccessState(fs faultSet, t responseTarget, params []kv) []kv {
	switch {
	case t.hasState && fs.on(FaultDropStateOnSuccess):
		return params
	case t.hasState:
		st := kv{name: "state", value: t.state}
		if fs.on(FaultStatePlusAsSpace) {
			st.value = strings.ReplaceAll(st.value, "+", " ")
		}
		// RFC 6749 §4.2.2: parameters are added to the fragment "using the
		// "application/x-www-form-urlencoded" format, per Appendix B".
		if fs.on(FaultStateUnencoded) && t.mode == modeFragment {
			st.raw = true
		}
		return append(params, st)
	case fs.on(FaultInventState):
		// No state was sent, so none may come back (RFC 6749 §4.2.2).
		return append(params, kv{name: "state", value: mustRandomToken(12)})
	case fs.on(FaultEmptyStateEchoed):
		// Nor an empty one: "state=" is not the absence of state.
		return append(params, kv{name: "state", value: ""})
	}
	return params
}

// outcome is what deliver needs to know of a response besides its
// parameters.
type outcome struct {
	success        bool     // a success response, not an error
	faults         faultSet // the success-path faults acting on it (flowFaults); nil for errors
	accessToken    string   // the access token as sent
	hasAccessToken bool     // the response carries an access token
}

// deliver sends params to the client: in the redirect URI's fragment (RFC
// 6749 §4.2.2, §4.2.2.1) or as a self-submitting form (Form Post Response
// Mode §2).
func (s *Server) deliver(w http.ResponseWriter, t responseTarget, params []kv, o outcome) {
	// RFC 6819 §4.4.2.2 / Form Post Response Mode §2: never cache a
	// response that carries a token (set for every response by
	// securityHeaders; repeated here because it matters most here).
	w.Header().Set("Cache-Control", "no-store")
	// Form Post Response Mode §2: errors, too, are posted.
	if t.mode == modeFormPost && (o.success || !s.faults.on(FaultFormPostErrorsByRedirect)) {
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
	case o.faults.on(FaultResponseInQuery), t.mode == modeQuery:
		location = appendQuery(target, encoded)
	// RFC 6749 §4.2.2.1: errors, too, go "to the fragment component".
	case !o.success && s.faults.on(FaultErrorsInQuery) && slices.ContainsFunc(params, func(p kv) bool { return p.name == "error" }):
		location = appendQuery(target, encoded)
	default:
		location = s.fragmentLocation(t, o, target, encoded)
	}
	if o.hasAccessToken && o.faults.on(FaultTokenRedirectCacheable) {
		// RFC 6819 §4.4.2.2: the redirect carrying the token must not be cached.
		w.Header().Set("Cache-Control", "private, max-age=300")
		w.Header().Del("Pragma")
	}
	w.Header().Set("Location", location)
	w.WriteHeader(http.StatusSeeOther)
}

// fragmentLocation is the Location of a response carried in the fragment of
// the redirect URI target (RFC 6749 §4.2.2, §4.2.2.1), as the redirect's
// faults leave it.
func (s *Server) fragmentLocation(t responseTarget, o outcome, target, encoded string) string {
	if o.faults.on(FaultRedirectURIRewritten) {
		// RFC 6749 §3.1.2.3: the registered URI is compared, and used,
		// as a string; the fault rewrites it with a trailing slash.
		target = addTrailingSlash(target)
	}
	if o.hasAccessToken && (o.faults.on(FaultTokenInQuery) || t.realBrowser && o.faults.on(FaultBrowserTokenInQuery)) {
		// RFC 6750 §5.3 / MRT §5 (catalogue FRAG-02): no access token
		// in the query; the browser fault copies it only for a real browser.
		target = appendQuery(target, "access_token="+url.QueryEscape(o.accessToken))
	}
	if o.success && t.realBrowser && o.faults.on(FaultBrowserHandoff) {
		// RFC 6749 §4.2.2 (catalogue FRAG-01): the fragment must reach the
		// redirect URI; the fault's interstitial moves on without it.
		return s.handoffLocation(target) + "#" + encoded
	}
	// Any query of the redirect URI is kept untouched (RFC 6749 §3.1.2).
	return target + "#" + encoded
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
// §2.1, RFC 6749 A.12). fs holds the faults acting on the response it goes
// into (flowFaults).
func (s *Server) newAccessToken(fs faultSet) string {
	switch {
	case fs.on(FaultTokenConstant):
		return "constant-access-token-0123456789"
	case fs.on(FaultTokensSequential):
		s.mu.Lock()
		n := len(s.tokens)
		s.mu.Unlock()
		return "at-" + strconv.Itoa(1001+n)
	case fs.on(FaultTokenLowEntropy):
		return mustRandomToken(8)
	case fs.on(FaultTokenNonASCII):
		return mustRandomToken(32) + "é"
	case fs.on(FaultTokenNotB64):
		return mustRandomToken(32) + "!"
	}
	return mustRandomToken(32)
}

// appendIss adds the iss response parameter (RFC 9207 §2): the issuer
// identifier, in every authorization response, success and error, as the
// metadata advertises (authorization_response_iss_parameter_supported). fs
// holds the faults acting on the response: the server's for errors, the
// flow's for a success (flowFaults).
func (s *Server) appendIss(fs faultSet, params []kv, success bool) []kv {
	switch {
	case fs.on(FaultIssWrong):
		// RFC 9207 §2: the value is the issuer identifier, compared as a
		// simple string.
		return append(params, kv{name: "iss", value: s.issuer + "/"})
	case !success && fs.on(FaultIssMissingOnError):
		return params
	}
	return append(params, kv{name: "iss", value: s.issuer})
}
