package refserver

import (
	"encoding/json"
	"net/http"
	"strings"
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
	// RFC 9207 §3: the server sends iss in every authorization response.
	IssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
}

func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	}
	writeJSON(w, http.StatusOK, metadata{
		Issuer:                 s.issuer,
		AuthorizationEndpoint:  s.issuer + "/authorize",
		UserinfoEndpoint:       s.issuer + "/userinfo",
		ResponseTypesSupported: []string{"token"},
		ResponseModesSupported: []string{modeFragment, modeFormPost},
		GrantTypesSupported:    []string{"implicit"},
		ScopesSupported:        knownScopes(),
		IssParameterSupported:  true,
	})
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
		// RFC 6750 §3.1: "If the request lacks any authentication
		// information [...] the resource server SHOULD NOT include an error
		// code or other error information."
		w.Header().Set("WWW-Authenticate", `Bearer realm="implicitspec-reference"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
		return
	}
	scheme, token, _ := strings.Cut(authz, " ")
	token = strings.TrimSpace(token)
	g, ok := grant{}, false
	if strings.EqualFold(scheme, "Bearer") {
		g, ok = s.lookupToken(token)
	}
	// RFC 6750 §2.1: a valid bearer token grants access to the resource.
	if s.faults.on(FaultUserinfoRejectsTokens) {
		ok = false
	}
	if !ok {
		// RFC 6750 §3.1 invalid_token: "The access token provided is
		// expired, revoked, malformed, or invalid for other reasons."
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"sub": g.username})
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
