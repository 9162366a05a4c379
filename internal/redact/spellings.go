package redact

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"strconv"
	"strings"
)

// spellings are the ways an artefact may hold secret s: as is,
// percent-encoded (query and path rules), HTML-escaped, escaped inside a
// JSON or Go string, and in base64 (standard and URL alphabets, padded and
// raw). Base64 also at each of the three byte alignments, trimmed to the
// characters that s alone decides: a secret encoded inside a longer value
// ("Basic " credentials, a JSON cookie) shows one of those three runs.
func spellings(s string) []string {
	out := []string{s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s), jsonInner(s)}
	if q := strconv.Quote(s); len(q) >= 2 {
		out = append(out, q[1:len(q)-1])
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		raw := enc.WithPadding(base64.NoPadding)
		out = append(out, enc.EncodeToString([]byte(s)), raw.EncodeToString([]byte(s)))
		for k := range 3 {
			b := append(make([]byte, k), s...)
			e := raw.EncodeToString(b)
			// Character i covers bits [6i, 6i+6): it depends on s alone
			// when those bits lie within s's bytes [8k, 8(k+len(s))).
			start, end := (4*k+2)/3, 4*(k+len(s))/3
			out = append(out, e[start:end])
		}
	}
	return out
}

// jsonInner is s as encoding/json writes it inside a string, without the
// quotes (it escapes <, > and & too).
func jsonInner(s string) string {
	b, err := json.Marshal(s)
	if err != nil || len(b) < 2 {
		return s
	}
	return strings.TrimSuffix(strings.TrimPrefix(string(b), `"`), `"`)
}
