// Package authz builds authorization requests (RFC 6749 §4.2.1): the baseline
// request and each deliberate variation a scenario asks for.
//
// Parameters are kept as an ordered list rather than url.Values so that a
// scenario can repeat a parameter, send one empty, or control how spaces are
// written — each of which is a probe in its own right.
package authz

import (
	"crypto/rand"
	"strings"
)

// Param is one request parameter, decoded.
type Param struct{ Name, Value string }

// Request is an authorization request under construction.
type Request struct {
	Method   string // "GET" (default) or "POST"
	Endpoint string // the authorization endpoint, possibly with its own query (RFC 6749 §3.1)
	Params   []Param
	// SpaceAsPercent writes a space as "%20" instead of "+". Both are valid
	// application/x-www-form-urlencoded encodings; a server must decode both.
	SpaceAsPercent bool
}

// New returns an empty GET request for the endpoint.
func New(endpoint string) *Request { return &Request{Method: "GET", Endpoint: endpoint} }

// Baseline is request B of the catalogue: response_type=token with the
// client's id, redirect URI, scope (when non-empty) and state (when non-empty).
func Baseline(endpoint, clientID, redirectURI, scope, state string) *Request {
	r := New(endpoint)
	r.Add("response_type", "token")
	r.Add("client_id", clientID)
	r.Add("redirect_uri", redirectURI)
	if scope != "" {
		r.Add("scope", scope)
	}
	if state != "" {
		r.Add("state", state)
	}
	return r
}

// Add appends a parameter, even if one of that name exists.
func (r *Request) Add(name, value string) { r.Params = append(r.Params, Param{name, value}) }

// Set replaces every parameter of that name with one, kept at the position of
// the first (or appended).
func (r *Request) Set(name, value string) {
	for i, p := range r.Params {
		if p.Name == name {
			r.Params[i].Value = value
			r.Params = append(r.Params[:i+1], without(r.Params[i+1:], name)...)
			return
		}
	}
	r.Add(name, value)
}

// Del removes every parameter of that name.
func (r *Request) Del(name string) { r.Params = without(r.Params, name) }

// Get returns the first value of the parameter.
func (r *Request) Get(name string) (string, bool) {
	for _, p := range r.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

func without(ps []Param, name string) []Param {
	out := ps[:0:0]
	for _, p := range ps {
		if p.Name != name {
			out = append(out, p)
		}
	}
	return out
}

// Encode writes the parameters as application/x-www-form-urlencoded, escaping
// every byte outside RFC 3986's unreserved set, so that what the server
// receives is exactly what the scenario meant.
func (r *Request) Encode() string {
	var b strings.Builder
	for i, p := range r.Params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(Escape(p.Name, r.SpaceAsPercent))
		b.WriteByte('=')
		b.WriteString(Escape(p.Value, r.SpaceAsPercent))
	}
	return b.String()
}

// URL is the request as a GET URL: the endpoint's own query is kept and the
// parameters are appended to it (RFC 6749 §3.1).
func (r *Request) URL() string {
	sep := "?"
	if strings.Contains(r.Endpoint, "?") {
		sep = "&"
		if strings.HasSuffix(r.Endpoint, "?") || strings.HasSuffix(r.Endpoint, "&") {
			sep = ""
		}
	}
	return r.Endpoint + sep + r.Encode()
}

// Escape percent-encodes s for a form body or query: unreserved characters
// stay, a space becomes "+" (or "%20"), everything else is %XX in upper case.
func Escape(s string, spaceAsPercent bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		case c == ' ' && !spaceAsPercent:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// RandomState returns 32 random unreserved characters: long enough for
// servers that demand a minimum length (Hydra wants 8), and needing no
// encoding, so the plain echo check is not confused with encoding checks.
func RandomState() string { return RandomString(32) }

// RandomString returns n random characters from [A-Za-z0-9].
func RandomString(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	buf := make([]byte, n)
	rand.Read(buf) // since Go 1.24 it never returns an error

	for i, v := range buf {
		buf[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(buf)
}
