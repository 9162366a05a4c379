// Package leak finds secret values in what a run wrote, however a writer
// encoded them. Tests use it to prove, by value, that no password, token or
// cookie the run saw survives in any output; a search for a pattern such as
// "access_token=" would miss a token in a JSON string, an HTML attribute or
// a base64 attachment.
package leak

import (
	"encoding/base64"
	"html"
	"regexp"
	"strconv"
	"strings"
)

// Find returns the secrets that text shows: as written, after JSON
// unescaping, URL-decoding (with and without '+' as a space), after
// HTML-unescaping (before or after URL-decoding), and in the base64
// decoding of any run of base64 characters in any of those.
func Find(text string, secrets []string) []string {
	if text == "" {
		return nil
	}
	views := []string{text}
	if u := jsonUnescape(text); u != text {
		text = u
		views = append(views, u)
	}
	for _, v := range []string{percentDecode(text, false), percentDecode(text, true), html.UnescapeString(text)} {
		views = append(views, v, html.UnescapeString(v), percentDecode(v, false))
	}
	views = distinct(views)
	for _, v := range views[:len(views):len(views)] {
		views = append(views, base64Decoded(v))
	}
	// One pass per view with all the secrets at once (a Replacer is a
	// trie): reports are megabytes and a run sees hundreds of secrets. Only
	// a view that holds one is searched secret by secret.
	var pairs []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, "\x00")
		}
	}
	any := strings.NewReplacer(pairs...)
	var hit []string
	for _, v := range views {
		if any.Replace(v) != v {
			hit = append(hit, v)
		}
	}
	var found []string
	for _, s := range secrets {
		for _, v := range hit {
			if s != "" && strings.Contains(v, s) {
				found = append(found, s)
				break
			}
		}
	}
	return found
}

// percentDecode decodes every valid %XX (and '+' as a space when plus),
// leaving anything malformed as it is: a report holds text, not one URL.
func percentDecode(s string, plus bool) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		case s[i] == '+' && plus:
			b.WriteByte(' ')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

// toStd maps the URL alphabet onto the standard one.
var toStd = strings.NewReplacer("-", "+", "_", "/")

// base64Decoded is the decoding of every run of base64 characters in s long
// enough to hide a secret, one per line, from each of the four offsets a
// secret's encoding may start at inside a longer run.
func base64Decoded(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isBase64(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isBase64(s[j]) {
			j++
		}
		if j-i >= 8 {
			run := toStd.Replace(s[i:j])
			for off := 0; off < 4 && off < len(run); off++ {
				r := run[off:]
				r = r[:len(r)-len(r)%4]
				if d, err := base64.StdEncoding.DecodeString(r); err == nil {
					b.Write(d)
					b.WriteByte('\n')
				}
			}
		}
		i = j
	}
	return b.String()
}

// jsonEscape is a JSON string escape: \uXXXX, \/ and the like.
var jsonEscape = regexp.MustCompile(`\\u[0-9a-fA-F]{4}|\\[/"\\]`)

// jsonUnescape undoes JSON's string escapes in place, so "\u003d" reads "=".
func jsonUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return jsonEscape.ReplaceAllStringFunc(s, func(m string) string {
		if m[1] == 'u' {
			n, err := strconv.ParseUint(m[2:], 16, 32)
			if err != nil {
				return m
			}
			return string(rune(n))
		}
		return m[1:]
	})
}

// distinct drops repeated views: most decodings of a text change nothing.
func distinct(views []string) []string {
	seen := map[string]bool{}
	out := views[:0]
	for _, v := range views {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
