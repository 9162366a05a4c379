package refserver

import (
	"net/http"
	"slices"
)

// The security and metadata fault switches (SEC, META). Each is described by
// its row in securityFaults.
const (
	FaultEndpointOverHTTP          Fault = "authorization-endpoint-over-http"
	FaultHTTPVariantServesLogin    Fault = "http-variant-serves-login"
	FaultLegacyTLS                 Fault = "legacy-tls-accepted"
	FaultLoginFramable             Fault = "login-page-framable"
	FaultNoFrameAncestors          Fault = "no-csp-frame-ancestors"
	FaultErrorPageFramable         Fault = "error-page-framable"
	FaultConsentThirdPartyScript   Fault = "consent-page-third-party-script"
	FaultConsentNoReferrerPolicy   Fault = "consent-page-no-referrer-policy"
	FaultTokenRedirectCacheable    Fault = "token-redirect-cacheable"
	FaultCORSAtAuthorize           Fault = "cors-at-authorization-endpoint"
	FaultLogin307                  Fault = "login-redirect-307"
	FaultUnknownClientUnescaped    Fault = "unknown-client-page-unescaped"
	FaultStateUnescapedOnLogin     Fault = "state-unescaped-on-login-page"
	FaultLoginOpenRedirect         Fault = "login-open-redirect"
	FaultConsentCSRFUnchecked      Fault = "consent-csrf-unchecked"
	FaultConsentUnbound            Fault = "consent-not-bound-to-browser"
	FaultMetadataOmitsFormPost     Fault = "metadata-omits-form-post"
	FaultFormPostIgnored           Fault = "form-post-ignored"
	FaultGrantTypesWithoutImplicit Fault = "grant-types-without-implicit"
	FaultMetadataHTTPEndpoint      Fault = "metadata-http-authorization-endpoint"
)

// securityFaults break security headers, TLS, metadata and OpenID Connect (SEC, META, OIDC).
var securityFaults = []faultEntry{
	{FaultEndpointOverHTTP, []string{"SEC-01"},
		"The authorization endpoint is a plain-http address that forwards the request, parameters and all, to the https one."},
	{FaultHTTPVariantServesLogin, []string{"SEC-01"},
		"The server's plain-http address answers an authorization request with the login page instead of a bare redirect to https."},
	{FaultLegacyTLS, []string{"SEC-01"},
		"The server completes TLS 1.0 and TLS 1.1 handshakes."},
	{FaultLoginFramable, []string{"SEC-02"},
		"The login page carries neither X-Frame-Options nor a Content-Security-Policy frame-ancestors directive."},
	{FaultNoFrameAncestors, []string{"SEC-02"},
		"Pages carry X-Frame-Options: DENY but no Content-Security-Policy frame-ancestors directive."},
	{FaultErrorPageFramable, []string{"SEC-02"},
		"Error pages carry neither X-Frame-Options nor a Content-Security-Policy frame-ancestors directive."},
	{FaultConsentThirdPartyScript, []string{"SEC-03"},
		"The consent page loads a script from https://cdn.analytics.example, which receives the page's address as referrer."},
	{FaultConsentNoReferrerPolicy, []string{"SEC-03"},
		"The consent page sets no referrer policy, neither as a header nor as <meta name=\"referrer\">."},
	{FaultTokenRedirectCacheable, []string{"SEC-04"},
		"The redirect whose Location carries the access token says Cache-Control: private, max-age=300 instead of no-store."},
	{FaultCORSAtAuthorize, []string{"SEC-05"},
		"The authorization endpoint answers any Origin with Access-Control-Allow-Origin (and grants preflights)."},
	{FaultLogin307, []string{"SEC-06"},
		"The login POST is answered with 307, so the browser re-posts the username and password to the consent page."},
	{FaultUnknownClientUnescaped, []string{"SEC-09"},
		"The unknown-client error page writes the client_id into the page as markup, unescaped."},
	{FaultStateUnescapedOnLogin, []string{"SEC-09"},
		"The login page repeats the request's state as markup, unescaped."},
	{FaultLoginOpenRedirect, []string{"SEC-09"},
		"After sign-in the login page sends the browser to the address in its next parameter, whatever its origin."},
	{FaultConsentCSRFUnchecked, []string{"SEC-07"},
		"The consent form's submission is accepted without its anti-forgery token and from any Origin."},
	{FaultConsentUnbound, []string{"SEC-07"},
		"The consent form's submission is accepted from any browser, signed in or not, as long as it names a live request."},
	{FaultMetadataOmitsFormPost, []string{"META-02"},
		"The metadata's response_modes_supported lists only fragment, though form_post is served."},
	{FaultFormPostIgnored, []string{"META-02", "FP-01", "FP-02", "FP-03"},
		"response_mode=form_post, which the metadata lists, is ignored: the response goes in the fragment."},
	{FaultGrantTypesWithoutImplicit, []string{"META-02"},
		"The metadata's grant_types_supported lists only authorization_code, though the implicit grant is served."},
	{FaultMetadataHTTPEndpoint, []string{"META-03"},
		"The metadata's authorization_endpoint is the http:// form of the endpoint."},
}

// metadataFaults applies the metadata faults to the document (RFC 8414 §2):
// each field must describe what the server does.
func (s *Server) metadataFaults(m *metadata) {
	// RFC 8414 §2 response_types_supported: "REQUIRED. JSON array containing
	// a list of the OAuth 2.0 "response_type" values that this authorization
	// server supports."
	if s.faults.on(FaultMetadataOmitsToken) {
		m.ResponseTypesSupported = slices.DeleteFunc(m.ResponseTypesSupported, func(rt string) bool { return rt == ResponseTypeToken })
		if len(m.ResponseTypesSupported) == 0 {
			m.ResponseTypesSupported = []string{"code"} // a server offering token only
		}
	}
	// RFC 8414 §2 response_modes_supported: the modes the server supports.
	if s.faults.on(FaultMetadataOmitsFormPost) {
		m.ResponseModesSupported = []string{modeFragment}
	}
	// RFC 8414 §2 grant_types_supported: the grant types the server supports.
	if s.faults.on(FaultGrantTypesWithoutImplicit) {
		m.GrantTypesSupported = []string{"authorization_code"}
	}
	// RFC 8414 §2 / RFC 6749 §3.1: the endpoint requires TLS.
	if s.faults.on(FaultMetadataHTTPEndpoint) {
		m.AuthorizationEndpoint = "http://" + m.AuthorizationEndpoint[len("https://"):]
	}
}

// authorizationEndpoint is the endpoint the server's profile names: its own
// https one, or the plain-http front under FaultEndpointOverHTTP.
func (s *Server) authorizationEndpoint() string {
	// RFC 6749 §3.1: "the authorization server MUST require the use of TLS
	// [...] when sending requests to the authorization endpoint".
	if s.faults.on(FaultEndpointOverHTTP) {
		return s.front.url + "/authorize"
	}
	return s.issuer + "/authorize"
}

// corsGranted answers as a server that supports CORS at its authorization
// endpoint would (FaultCORSAtAuthorize): it reflects the Origin and answers
// preflights itself. It reports whether the response is complete.
func corsGranted(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Allow-Credentials", "true")
	if r.Method == http.MethodOptions {
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}
