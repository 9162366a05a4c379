package refserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// metadata is the RFC 8414 §2 authorization server metadata document.
// token_endpoint is omitted: "REQUIRED unless only the implicit grant type is
// supported".
type metadata struct {
	Issuer                 string   `json:"issuer"`
	AuthorizationEndpoint  string   `json:"authorization_endpoint"`
	UserinfoEndpoint       string   `json:"userinfo_endpoint"`
	ResponseTypesSupported []string `json:"response_types_supported"`
	ResponseModesSupported []string `json:"response_modes_supported"`
	GrantTypesSupported    []string `json:"grant_types_supported"`
	ScopesSupported        []string `json:"scopes_supported"`
	// OpenID Connect Discovery 1.0 §3 (oidc.go).
	JWKSURI                          string   `json:"jwks_uri"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	RegistrationEndpoint             string   `json:"registration_endpoint"`
	// RFC 9207 §3: the server sends iss in every authorization response.
	IssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
}

func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	}
	// RFC 8414 §2 response_types_supported lists what the server serves;
	// RFC 6749 §3.1: the endpoint URI "MUST NOT include a fragment component".
	endpoint := s.issuer + "/authorize"
	switch {
	case s.faults.on(FaultEndpointWithFragment):
		endpoint += "#authorize"
	case s.faults.on(FaultEndpointQueryRefused):
		endpoint += "?realm=main"
	}
	m := metadata{
		Issuer:                s.issuer,
		AuthorizationEndpoint: endpoint,
		UserinfoEndpoint:      s.issuer + "/userinfo",
		// Config.ResponseTypes: exactly the offered types; every one of
		// them is the implicit grant (RFC 8414 §2 grant_types_supported).
		ResponseTypesSupported: slices.Clone(s.offered),
		ResponseModesSupported: []string{modeFragment, modeFormPost},
		GrantTypesSupported:    []string{"implicit"},
		ScopesSupported:        knownScopes(),

		JWKSURI:                          s.issuer + "/jwks",
		SubjectTypesSupported:            []string{"public"},
		IDTokenSigningAlgValuesSupported: []string{idTokenAlg},
		RegistrationEndpoint:             s.issuer + "/register",
		IssParameterSupported:            true,
	}
	s.metadataFaults(&m)
	writeJSON(w, http.StatusOK, m)
}

// handleUserinfo is a protected resource: it answers the resource owner's
// identity to a live bearer token (RFC 6750 §2.1, §3).
func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	}
	authz := r.Header.Get("Authorization")
	if authz == "" {
		// RFC 6750 §3: a request without credentials is refused; the fault
		// serves it as an anonymous visitor's.
		if s.faults.on(FaultUserinfoAnonymous) {
			writeJSON(w, http.StatusOK, map[string]string{"sub": "anonymous"})
			return
		}
		// RFC 6750 §3.1: "If the request lacks any authentication
		// information [...] the resource server SHOULD NOT include an error
		// code or other error information."
		s.challenge(w, `Bearer realm="implicitspec-reference"`, "unauthorized")
		return
	}
	scheme, token, _ := strings.Cut(authz, " ")
	token = strings.TrimSpace(token)
	g, ok := grant{}, false
	if strings.EqualFold(scheme, "Bearer") {
		g, ok = s.lookupBearer(token)
	}
	// RFC 6750 §2.1: a valid bearer token grants access to the resource.
	if s.faults.on(FaultUserinfoRejectsTokens) {
		ok = false
	}
	if !ok {
		// RFC 6750 §3.1 invalid_token: "The access token provided is
		// expired, revoked, malformed, or invalid for other reasons."
		s.challenge(w, `Bearer error="invalid_token"`, "invalid_token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"sub": g.username})
}

// challenge refuses a request to the protected resource with 401 and the
// Bearer challenge (RFC 6750 §3: the resource server "MUST include the HTTP
// "WWW-Authenticate" response header field"); the fault leaves it out.
func (s *Server) challenge(w http.ResponseWriter, bearer, code string) {
	if !s.faults.on(FaultUserinfoNoChallenge) {
		w.Header().Set("WWW-Authenticate", bearer)
	}
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": code})
}

// lookupBearer finds the grant of a bearer token, compared exactly. The
// fault compares only the length and the first eight characters, the way a
// check of a token's shape instead of its value would (RFC 6750 §3.1
// invalid_token: a token "invalid for other reasons" is refused).
func (s *Server) lookupBearer(token string) (grant, bool) {
	if !s.faults.on(FaultUserinfoComparesPrefix) || len(token) < 8 {
		return s.lookupToken(token)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for live, g := range s.tokens {
		if len(live) == len(token) && strings.HasPrefix(live, token[:8]) && time.Now().Before(g.expires) {
			return g, true
		}
	}
	return grant{}, false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
