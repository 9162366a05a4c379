package refserver

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// registration is the client metadata of an RFC 7591 §2 registration
// request that this server reads.
type registration struct {
	RedirectURIs            []string `json:"redirect_uris"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	ApplicationType         string   `json:"application_type"` // OpenID Connect Registration §2: "web" (default) or "native"
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	ClientName              string   `json:"client_name"`
}

// registrationError answers 400 with an RFC 7591 §3.2.2 error.
func registrationError(w http.ResponseWriter, code, description string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

// handleRegister is a minimal open dynamic client registration endpoint
// (RFC 7591 §3): public clients only, no initial access token (the server
// listens on loopback for tests only).
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	}
	// Config.RefuseAll: the broken server refuses every registration (RFC
	// 7591 §3.2.2 invalid_client_metadata), as it refuses every request.
	if s.cfg.RefuseAll {
		registrationError(w, "invalid_client_metadata", "This server does not register clients at the moment.")
		return
	}
	md, ok := readRegistration(w, r)
	if !ok {
		return
	}
	// RFC 7591 §2: grant_types defaults to authorization_code, response_types to code.
	if len(md.GrantTypes) == 0 {
		md.GrantTypes = []string{"authorization_code"}
	}
	if len(md.ResponseTypes) == 0 {
		md.ResponseTypes = []string{"code"}
	}
	if md.ApplicationType == "" {
		md.ApplicationType = "web"
	}
	implicit := slices.Contains(md.GrantTypes, "implicit") || slices.Contains(md.ResponseTypes, "token")

	// RFC 6749 §3.1.2.2: "The authorization server MUST require the
	// following clients to register their redirection endpoint: Public
	// clients. Confidential clients utilizing the implicit grant type."
	if len(md.RedirectURIs) == 0 && !(implicit && s.faults.on(FaultRegisterNoRedirectURI)) {
		registrationError(w, "invalid_redirect_uri", "redirect_uris is required.")
		return
	}
	for _, uri := range md.RedirectURIs {
		u, err := url.Parse(uri)
		// RFC 6749 §3.1.2: "The redirection endpoint URI MUST be an
		// absolute URI [...] The endpoint URI MUST NOT include a fragment
		// component."
		switch {
		case err != nil || !u.IsAbs():
			registrationError(w, "invalid_redirect_uri", "A redirect URI is not an absolute URI.")
			return
		case strings.Contains(uri, "#") && !s.faults.on(FaultRegisterFragment):
			registrationError(w, "invalid_redirect_uri", "A redirect URI must not contain a fragment.")
			return
		}
		// OpenID Connect Registration §2 application_type, RFC 9700 §2.6 and
		// RFC 6749 §3.1.2.1: web clients using the implicit grant "MUST only
		// register URLs using the https scheme as redirect_uris; they MUST
		// NOT use localhost as the hostname". Native clients use loopback
		// http URIs (RFC 8252 §7.3).
		if implicit && md.ApplicationType == "web" && !s.faults.on(FaultRegisterInsecureWeb) &&
			(u.Scheme != "https" || strings.EqualFold(u.Hostname(), "localhost")) {
			registrationError(w, "invalid_redirect_uri", "A web client using the implicit grant must register https redirect URIs on a host other than localhost.")
			return
		}
	}
	id := "dyn-" + mustRandomToken(12)
	cl := client{id: id, allowToken: implicit, redirectURIs: slices.Clone(md.RedirectURIs)}
	s.mu.Lock()
	s.dynamic[id] = cl
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"client_id":                  id,
		"client_id_issued_at":        time.Now().Unix(),
		"redirect_uris":              md.RedirectURIs,
		"grant_types":                md.GrantTypes,
		"response_types":             md.ResponseTypes,
		"application_type":           md.ApplicationType,
		"token_endpoint_auth_method": "none",
	})
}

// readRegistration reads the client metadata of an RFC 7591 §3.1
// registration request, answering the error itself when it cannot.
func readRegistration(w http.ResponseWriter, r *http.Request) (registration, bool) {
	var md registration
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		registrationError(w, "invalid_client_metadata", "The request must be application/json (RFC 7591 §3.1).")
		return md, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err != nil {
		registrationError(w, "invalid_client_metadata", "The request body is too large.")
		return md, false
	}
	if err := json.Unmarshal(body, &md); err != nil {
		registrationError(w, "invalid_client_metadata", "The client metadata is not a JSON object of the expected fields.")
		return md, false
	}
	return md, true
}

// dynamicClient looks up a client registered at run time.
func (s *Server) dynamicClient(id string) (client, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, ok := s.dynamic[id]
	return cl, ok
}
