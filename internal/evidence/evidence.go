// Package evidence turns what the harness saw into evidence for people: every
// exchange the scenario made (the browser's hops, and the side requests to
// discovery, JWKS, userinfo and registration), with secrets masked. Evidence
// is data; each report renders it for its medium, and markup from the server
// is always text there, never a live page.
package evidence

import (
	"fmt"
	"html"
	"net/url"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// Pair is a name and a value: a header, or a parameter of a fragment.
type Pair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Exchange is one request and its answer.
type Exchange struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	Via         string `json:"via,omitempty"` // what caused it: "start", "redirect 302", "form", …
	RequestBody string `json:"request_body,omitempty"`
	// Sent is false for a navigation the browser did not make: to the
	// client's redirect URI (the fragment never leaves the device) or to
	// an origin outside the target.
	Sent   bool   `json:"sent"`
	Err    string `json:"error,omitempty"`
	Status int    `json:"status,omitempty"`
	// Header holds the response headers an auditor of this flow reads.
	Header []Pair `json:"header,omitempty"`
	// Fragment is the decoded fragment of the URL (or of the Location it
	// answered with): what the client would read.
	Fragment []Pair `json:"fragment,omitempty"`
	// Body is an excerpt of the page as the server sent it. It is text:
	// every report escapes it (Text escapes markup itself).
	Body string `json:"body,omitempty"`
	// Note says what an exchange that is not HTTP found (the TLS probe's
	// handshake: "the server refused the handshake").
	Note string `json:"note,omitempty"`
}

// Group is a sequence of exchanges made for one purpose.
type Group struct {
	Label     string     `json:"label"` // "the flow", "the positive control", "userinfo", …
	Exchanges []Exchange `json:"exchanges"`
	// Note says what the scenario read without a request (the target
	// profile), or what a group without exchanges stands for.
	Note string `json:"note,omitempty"`
}

// Clone is a deep copy of g: Redact masks in place, and a group (a cached
// positive control) may be shared by several scenarios.
func (g Group) Clone() Group {
	c := g
	c.Exchanges = make([]Exchange, len(g.Exchanges))
	for i, x := range g.Exchanges {
		x.Header = append([]Pair(nil), x.Header...)
		x.Fragment = append([]Pair(nil), x.Fragment...)
		c.Exchanges[i] = x
	}
	return c
}

// Evidence is everything one scenario (or the run's preparation) sent and
// received, and what the resource owner did.
type Evidence struct {
	ResponseType string   `json:"response_type,omitempty"`
	Groups       []Group  `json:"groups,omitempty"`
	Actions      []string `json:"actions,omitempty"` // what the resource owner did, in order
}

// Empty says there is nothing to show.
func (e Evidence) Empty() bool { return len(e.Groups) == 0 && len(e.Actions) == 0 }

// interesting are the response headers an auditor of this flow looks at.
var interesting = []string{"Location", "Content-Type", "Cache-Control", "Pragma", "X-Frame-Options",
	"Content-Security-Policy", "Referrer-Policy", "Access-Control-Allow-Origin", "Set-Cookie", "WWW-Authenticate", "Retry-After"}

// bodyBytes is how much of a page the evidence keeps.
const bodyBytes = 2000

// FromHops makes one group of the hops, secrets masked by r.
func FromHops(label string, hops []agent.Hop, r *redact.Redactor) Group {
	g := Group{Label: label}
	for _, h := range hops {
		x := Exchange{Method: h.Method, URL: r.String(h.URL), Via: h.Via, RequestBody: r.String(h.RequestBody),
			Sent: h.Sent, Err: r.String(h.Err), Status: h.Status, Note: r.String(h.Note)}
		hdr := r.Header(h.Header)
		for _, name := range interesting {
			for _, v := range hdr.Values(name) {
				x.Header = append(x.Header, Pair{name, v})
			}
		}
		frag := h.URL
		if h.Location != "" {
			frag = h.Location
		}
		x.Fragment = fragmentOf(frag, r)
		if h.Sent && h.Err == "" && !isRedirect(h.Status) {
			x.Body = excerpt(r.String(h.BodyExcerpt))
		}
		g.Exchanges = append(g.Exchanges, x)
	}
	return g
}

// fragmentOf decodes the fragment of raw, secrets masked.
func fragmentOf(raw string, r *redact.Redactor) []Pair {
	_, frag, ok := strings.Cut(raw, "#")
	if !ok || frag == "" {
		return nil
	}
	var out []Pair
	for _, kv := range strings.Split(frag, "&") {
		k, v, _ := strings.Cut(kv, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			dk, dv = k, v // an encoding defect is evidence: keep it as sent
		}
		if redact.SecretParam(dk) && dv != "" {
			dv = redact.Mask
		}
		out = append(out, Pair{dk, r.String(dv)})
	}
	return out
}

func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > bodyBytes {
		cut := bodyBytes
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + " …"
	}
	return s
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Redact masks, in place, every secret r knows: the run's last word, once
// every token it saw is known.
func (e *Evidence) Redact(r *redact.Redactor) {
	for gi := range e.Groups {
		e.Groups[gi].Note = r.String(e.Groups[gi].Note)
		for xi := range e.Groups[gi].Exchanges {
			x := &e.Groups[gi].Exchanges[xi]
			x.URL, x.RequestBody, x.Err, x.Body = r.String(x.URL), r.String(x.RequestBody), r.String(x.Err), r.String(x.Body)
			x.Note = r.String(x.Note)
			for i := range x.Header {
				x.Header[i].Value = r.String(x.Header[i].Value)
			}
			for i := range x.Fragment {
				x.Fragment[i].Value = r.String(x.Fragment[i].Value)
			}
		}
	}
	for i := range e.Actions {
		e.Actions[i] = r.String(e.Actions[i])
	}
}

// Text renders the evidence as plain text: one block per request, what was
// sent and what came back. Markup from the server is escaped, so that no
// viewer that renders the text as HTML runs a page of the server.
func (e Evidence) Text() string {
	var b strings.Builder
	if e.ResponseType != "" {
		fmt.Fprintf(&b, "response_type: %s\n", e.ResponseType)
	}
	for _, g := range e.Groups {
		fmt.Fprintf(&b, "--- %s ---\n", g.Label)
		if g.Note != "" {
			fmt.Fprintf(&b, "%s\n", g.Note)
		}
		for i, x := range g.Exchanges {
			writeExchange(&b, i+1, x)
		}
	}
	if len(e.Actions) > 0 {
		b.WriteString("What the resource owner did:\n")
		for _, s := range e.Actions {
			fmt.Fprintf(&b, "   - %s\n", s)
		}
	}
	return b.String()
}

func writeExchange(b *strings.Builder, n int, x Exchange) {
	fmt.Fprintf(b, "#%d %s %s", n, x.Method, x.URL)
	if x.Via != "" {
		fmt.Fprintf(b, "   (%s)", x.Via)
	}
	b.WriteByte('\n')
	if x.RequestBody != "" {
		fmt.Fprintf(b, "   body: %s\n", x.RequestBody)
	}
	switch {
	case !x.Sent:
		b.WriteString("   not sent: the browser stops here; the fragment never leaves the device\n")
	case x.Err != "":
		fmt.Fprintf(b, "   error: %s\n", x.Err)
	case x.Status == 0 && x.Note != "":
		fmt.Fprintf(b, "   %s\n", x.Note)
	default:
		fmt.Fprintf(b, "   ← HTTP %d\n", x.Status)
		for _, h := range x.Header {
			fmt.Fprintf(b, "   %s: %s\n", h.Name, h.Value)
		}
		if x.Note != "" { // a throttled answer: what the harness did about it
			fmt.Fprintf(b, "   %s\n", x.Note)
		}
	}
	if len(x.Fragment) > 0 {
		b.WriteString("   fragment, decoded:")
		for _, p := range x.Fragment {
			fmt.Fprintf(b, " %s=%q", p.Name, p.Value)
		}
		b.WriteByte('\n')
	}
	if x.Body != "" {
		fmt.Fprintf(b, "   body excerpt (as text): %s\n", html.EscapeString(x.Body))
	}
}

func isRedirect(status int) bool { return status >= 300 && status < 400 }
