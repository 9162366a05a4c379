package refserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The fault switches that only a real browser shows (step 4 of the flow,
// which the harness plays in a headless chromium). The first two sniff the
// User-Agent, as real servers that treat browsers differently do, so that
// the harness's HTML driver (which says who it is) still sees a conformant
// server and only the browser scenarios can catch them. Each is described
// by its row in browserFaults.
const (
	FaultBrowserHandoff      Fault = "browser-handoff-drops-fragment"
	FaultBrowserTokenInQuery Fault = "browser-token-in-query"
	FaultNoReferrerPolicy    Fault = "no-referrer-policy"
)

// browserFaults break what a browser does with the response: whether the
// fragment reaches the client's page, what reaches the client's server, and
// what the Referer carries onward (FRAG, SEC).
var browserFaults = []faultEntry{
	{FaultBrowserHandoff, []string{"FRAG-01"},
		"For a browser (a User-Agent with \"Mozilla/\") the success response goes to an interstitial page of the server, /authorize/handoff?id=…#…, whose script moves on with location.replace to the bare redirect URI, so the client's page never sees the fragment."},
	{FaultBrowserTokenInQuery, []string{"FRAG-02"},
		"For a browser (a User-Agent with \"Mozilla/\") the success redirect also copies the access token into the redirect URI's query, where the client's server logs it and Referer headers carry it."},
	{FaultNoReferrerPolicy, []string{"SEC-03"},
		"No response sets a referrer policy: neither the login, consent and error pages (no header, no <meta name=\"referrer\">) nor the redirects that carry the response."},
}

// pathHandoff is the interstitial of FaultBrowserHandoff, served only
// under that fault.
const pathHandoff = "/authorize/handoff"

// looksLikeBrowser reports whether a User-Agent is a real browser's, as
// servers that sniff it decide: every browser's begins "Mozilla/5.0", no
// HTTP library's does by default.
func looksLikeBrowser(userAgent string) bool { return strings.Contains(userAgent, "Mozilla/") }

// handoff is one pending interstitial: where its script sends the browser.
type handoff struct {
	target  string
	expires time.Time
}

// handoffLocation keeps target for the interstitial and returns its
// address. The interstitial is named by a random id, not by the target, so
// the fault adds no open redirector beside the defect it is about; and not
// by the browser cookie, which concurrent flows of one browser share.
func (s *Server) handoffLocation(target string) string {
	id := mustRandomToken(16)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(time.Now())
	s.handoffs[id] = handoff{target: target, expires: time.Now().Add(pendingLifetime)}
	return pathHandoff + "?id=" + url.QueryEscape(id)
}

// takeHandoff removes and returns the live interstitial id: it is shown once.
func (s *Server) takeHandoff(id string) (handoff, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.handoffs[id]
	delete(s.handoffs, id)
	if !ok || time.Now().After(h.expires) {
		return handoff{}, false
	}
	return h, true
}

// handleHandoff is FaultBrowserHandoff's interstitial. The browser arrives
// with the response in the fragment of this page's address; its script
// navigates with location.replace to the redirect URI without one. Unlike an
// HTTP redirect, whose Location without a fragment inherits the fragment of
// the request (RFC 9110 §10.2.2), a script navigation leaves it behind, so
// the token never reaches the client (RFC 6749 §4.2.2: the parameters are
// added "to the fragment component of the redirection URI").
func (s *Server) handleHandoff(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		s.renderError(w, http.StatusMethodNotAllowed, "Method not allowed", "This page accepts GET only.")
		return
	}
	h, ok := s.takeHandoff(r.URL.Query().Get("id"))
	if !ok {
		s.unknownRequest(w)
		return
	}
	// json.Marshal escapes <, > and & too: the string cannot end the script.
	js, _ := json.Marshal(h.target)
	body := []byte("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" + metaReferrerLine +
		"<title>Returning to the application · implicitspec reference server</title>\n</head>\n<body>\n" +
		"<p>Returning you to the application…</p>\n<script>location.replace(" + string(js) + ");</script>\n</body>\n</html>\n")
	writeHTML(w, http.StatusOK, s.withoutReferrerPolicy(body))
}

// withoutReferrerPolicy drops the page's <meta name="referrer"> under
// FaultNoReferrerPolicy (RFC 9700 §4.2.4: the pages' addresses carry the
// request and must not leak through the Referer); the header is left out by
// securityHeaders.
func (s *Server) withoutReferrerPolicy(body []byte) []byte {
	if !s.faults.on(FaultNoReferrerPolicy) {
		return body
	}
	return bytes.Replace(body, []byte(metaReferrerLine), nil, 1)
}
