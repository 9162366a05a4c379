// Package report turns what the harness saw into evidence for people: the
// transcript of every request the browser made, with secrets masked.
package report

import (
	"fmt"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// interesting are the response headers an auditor of this flow looks at.
var interesting = []string{"Location", "Content-Type", "Cache-Control", "Pragma", "X-Frame-Options",
	"Content-Security-Policy", "Referrer-Policy", "Access-Control-Allow-Origin", "Set-Cookie", "WWW-Authenticate"}

// Transcript renders the hops as text: one block per request, what was sent
// and what came back, secrets masked by r.
func Transcript(hops []agent.Hop, steps []string, r *redact.Redactor) string {
	var b strings.Builder
	for i, h := range hops {
		fmt.Fprintf(&b, "#%d %s %s", i+1, h.Method, r.String(h.URL))
		if h.Via != "" {
			fmt.Fprintf(&b, "   (%s)", h.Via)
		}
		b.WriteByte('\n')
		if h.RequestBody != "" {
			fmt.Fprintf(&b, "   body: %s\n", r.String(h.RequestBody))
		}
		switch {
		case !h.Sent:
			b.WriteString("   not sent: the browser stops here; the fragment never leaves the device\n")
			continue
		case h.Err != "":
			fmt.Fprintf(&b, "   error: %s\n", r.String(h.Err))
			continue
		}
		fmt.Fprintf(&b, "   ← HTTP %d\n", h.Status)
		hdr := r.Header(h.Header)
		for _, name := range interesting {
			for _, v := range hdr.Values(name) {
				fmt.Fprintf(&b, "   %s: %s\n", name, v)
			}
		}
		if ex := strings.TrimSpace(h.BodyExcerpt); ex != "" && !isRedirect(h.Status) {
			ex = r.String(ex)
			if len(ex) > 600 {
				ex = ex[:600] + " …"
			}
			fmt.Fprintf(&b, "   body excerpt: %s\n", strings.Join(strings.Fields(ex), " "))
		}
	}
	if len(steps) > 0 {
		b.WriteString("What the resource owner did:\n")
		for _, s := range steps {
			fmt.Fprintf(&b, "   - %s\n", r.String(s))
		}
	}
	return b.String()
}

func isRedirect(status int) bool { return status >= 300 && status < 400 }
