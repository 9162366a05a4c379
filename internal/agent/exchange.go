package agent

import (
	"mime"
	"net/http"
	"strings"
)

// ViaForm is the Via of a navigation made by submitting a form: the one
// cause the steps test for (a page that posts the response), so it is a
// value to compare, not a word to search for in a description.
const ViaForm = "form"

// Exchanges returns the hops the browser sent and got an answer to, in
// order: the evidence the checks read, request body included. A refused or
// failed hop is left out because there is no answer to judge, and so is a
// throttled one: the limit is the operator's, not the server's answer.
func (a *Agent) Exchanges() []Hop {
	var out []Hop
	for _, h := range a.Hops() {
		if h.Sent && h.Err == "" && !h.Throttled {
			out = append(out, h)
		}
	}
	return out
}

// IsPage reports whether the hop rendered an HTML page (not a redirect):
// the pages the security checks look at. It classifies; it judges nothing.
func (h Hop) IsPage() bool {
	if h.Status >= 300 && h.Status < 400 && h.Location != "" {
		return false
	}
	return IsHTML(h.Header, []byte(h.BodyExcerpt))
}

// IsHTML reports whether the page is HTML: the browser reads it for forms
// and links, and the checks read it for markup.
func (p *Page) IsHTML() bool { return IsHTML(p.Header, p.Body) }

// IsHTML reports whether an answer with this header and body is HTML, by
// its Content-Type, or by sniffing the body when there is none (as a
// browser does). The one place the harness decides it, so that the browser
// and the checks never disagree on what a page is.
func IsHTML(h http.Header, body []byte) bool {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}
