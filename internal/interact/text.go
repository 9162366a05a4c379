package interact

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// PageText is the visible text of an HTML page (no script or style), in one
// line, cut at max bytes on a word boundary: what a person reads on an error
// page, for a message that names why a flow stopped. "" for pages that are
// not HTML.
func PageText(p *agent.Page, max int) string {
	if p == nil || !p.IsHTML() {
		return ""
	}
	z := html.NewTokenizer(bytes.NewReader(p.Body))
	var b strings.Builder
	skip := 0 // inside script, style, title, noscript or template
	for b.Len() < max {
		switch z.Next() {
		case html.ErrorToken:
			return cut(b.String(), max)
		case html.StartTagToken:
			if hidden(z) {
				skip++
			}
		case html.EndTagToken:
			if hidden(z) && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				if t := collapse(string(z.Text())); t != "" {
					if b.Len() > 0 {
						b.WriteByte(' ')
					}
					b.WriteString(t)
				}
			}
		}
	}
	return cut(b.String(), max)
}

func hidden(z *html.Tokenizer) bool {
	name, _ := z.TagName()
	switch string(name) {
	case "script", "style", "title", "noscript", "template":
		return true
	}
	return false
}

func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	if i := strings.LastIndexByte(s, ' '); i > max/2 {
		s = s[:i]
	}
	return s + "…"
}
