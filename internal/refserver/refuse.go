package refserver

import (
	"net/http"
	"net/url"
)

// refuse answers, in the configured shape (Config.Refusal), a request the
// server will not serve although its client and redirect URI are valid: a
// known response type it does not offer (Config.ResponseTypes), or any
// request under Config.RefuseAll. description is the error_description
// where the shape has one; it never reflects input (RFC 6749 A.8).
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, t responseTarget, clientID, description string) {
	switch s.cfg.refusal() {
	case RefusalQueryUnauthorized:
		// RFC 6749 §4.2.2.1 unauthorized_client, in the query of §4.1.2.1
		// (to which §3.1.1 points), without iss: as Django OAuth Toolkit and
		// Ory Hydra answer.
		redirectWithQuery(w, t, "unauthorized_client", "")
	case RefusalQueryInvalidRequest:
		redirectWithQuery(w, t, "invalid_request", description)
	case RefusalPageBeforeLogin:
		// RFC 6749 §4.2.2.1: an error the server may show the resource
		// owner instead of telling the client.
		s.renderRefusal(w)
	case RefusalPageAfterLogin:
		// The same page, once the resource owner has signed in: showConsent
		// answers the pending request with it instead of the consent form.
		s.startInteraction(w, r, &pendingRequest{clientID: clientID, refused: true})
	default:
		// RFC 6749 §4.2.2.1 unsupported_response_type in the fragment, with
		// iss and state like every error.
		s.respondError(w, t, authzError{"unsupported_response_type", description})
	}
}

// redirectWithQuery sends a refusal in the redirect URI's query: error, an
// optional error_description, and the state when one was sent (RFC 6749
// §4.1.2.1). It is the shape of other servers, so the server's own faults
// do not touch it.
func redirectWithQuery(w http.ResponseWriter, t responseTarget, code, description string) {
	query := "error=" + url.QueryEscape(code)
	if description != "" {
		query += "&error_description=" + url.QueryEscape(description)
	}
	if t.hasState {
		query += "&state=" + url.QueryEscape(t.state)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", appendQuery(t.redirectURI, query))
	w.WriteHeader(http.StatusSeeOther)
}

// renderRefusal is the error page of the page refusal shapes: at the
// server's origin, no redirect, nothing pointing at the client.
func (s *Server) renderRefusal(w http.ResponseWriter) {
	s.renderError(w, http.StatusBadRequest, "Request not supported",
		"This server does not serve what the application asked for. You have not been redirected back to it.")
}
