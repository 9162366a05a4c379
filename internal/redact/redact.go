// Package redact removes secrets — passwords, tokens, cookies — from anything
// the harness prints, attaches or writes. Auditors read the evidence; nobody
// should be able to lift a live credential from it.
package redact

import (
	"net/http"
	"net/url"
	"strings"
)

// Mask replaces a secret.
const Mask = "[redacted]"

// SecretParam says whether a parameter of this name carries a credential wherever it
// appear: query, fragment or form body.
func SecretParam(name string) bool {
	switch strings.ToLower(name) {
	case "access_token", "id_token", "refresh_token", "code", "password", "passwd", "pw",
		"client_secret", "assertion", "client_assertion", "session_state":
		return true
	}
	return false
}

// secretHeader are header names whose values are credentials.
func secretHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Cookie", "Set-Cookie", "Authorization", "Proxy-Authorization", "X-Csrf-Token":
		return true
	}
	return false
}

// Redactor masks the literal secrets it was given (the resource owner's
// password, tokens seen in this run) wherever they occur, plus every secret
// parameter and header by name.
type Redactor struct {
	literals []string
}

// New returns a Redactor for the given literal secrets (empty ones ignored).
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add registers one more literal secret. Short values are ignored: masking
// "a" everywhere would destroy the evidence without protecting anything.
func (r *Redactor) Add(secret string) {
	if len(secret) < 4 {
		return
	}
	r.literals = append(r.literals, secret, url.QueryEscape(secret), url.PathEscape(secret))
}

// String masks the literal secrets in s, then the values of secret
// parameters in any URL or form encoded text it holds.
func (r *Redactor) String(s string) string {
	if r != nil {
		for _, lit := range r.literals {
			if lit != "" {
				s = strings.ReplaceAll(s, lit, Mask)
			}
		}
	}
	return Params(s)
}

// Header returns a copy of h with credential headers masked and the rest
// passed through String (a Location header carries the token in its fragment).
func (r *Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		for _, v := range vs {
			if secretHeader(k) {
				v = Mask
			} else {
				v = r.String(v)
			}
			out[k] = append(out[k], v)
		}
	}
	return out
}

// Params masks the values of secret parameters in s, where s is a URL, a
// query, a fragment or a form body. It works on the raw text so that
// everything else stays byte for byte as it was: encoding bugs are evidence.
func Params(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for i < len(s) {
		// A parameter starts at the string start or after one of ? # & ; or
		// a quote/space (the parameter may sit inside HTML or a sentence).
		start := i
		j := start
		for j < len(s) && !isDelim(s[j]) && s[j] != '=' {
			j++
		}
		if j < len(s) && s[j] == '=' {
			name, _ := url.QueryUnescape(s[start:j])
			k := j + 1
			for k < len(s) && !isDelim(s[k]) {
				k++
			}
			b.WriteString(s[start : j+1])
			if SecretParam(lastWord(name)) && k > j+1 {
				b.WriteString(Mask)
			} else {
				b.WriteString(s[j+1 : k])
			}
			i = k
		} else {
			b.WriteString(s[start:j])
			i = j
		}
		if i < len(s) {
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}

func isDelim(c byte) bool {
	switch c {
	case '?', '#', '&', ';', ' ', '"', '\'', '<', '>', '\n', '\r', '\t', ',':
		return true
	}
	return false
}

// lastWord trims a name down to its last run of name characters, so that
// "https://x/cb#access_token" style run-ons still match.
func lastWord(name string) string {
	if i := strings.LastIndexAny(name, "/:("); i >= 0 {
		return name[i+1:]
	}
	return name
}
