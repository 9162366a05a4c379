package profile

import (
	"net"
	"net/url"
	"strings"
)

// Origin returns the ASCII serialization of u's origin (RFC 6454 §6.2, as the
// WHATWG URL Standard does it): lower-case scheme and host, and the port only
// when it is not the scheme's default, so "https://H:443/x" and "https://h/"
// both give "https://h". It returns "" when u has no scheme or no host.
//
// Use Origin on both sides of a comparison: Profile.Origins is built with it.
func Origin(u *url.URL) string {
	if u == nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == defaultPort(scheme) {
		port = ""
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port)
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	return scheme + "://" + host
}

func defaultPort(scheme string) string {
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}

// Origins returns the distinct origins the browser may visit during a flow:
// those of the authorization endpoint, the issuer and the userinfo endpoint,
// then allowed_origins, in that order, normalised by Origin. The redirect
// URIs' origins are deliberately absent: the browser never enters the
// client's redirect URI.
func (p *Profile) Origins() []string {
	var out []string
	seen := map[string]bool{}
	add := func(raw string) {
		if raw == "" {
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		if o := Origin(u); o != "" && !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	add(p.AuthorizationEndpoint)
	add(p.Issuer)
	add(p.UserinfoEndpoint)
	for _, o := range p.AllowedOrigins {
		add(o)
	}
	return out
}

// AllowsOrigin reports whether u's origin is one of p.Origins().
func (p *Profile) AllowsOrigin(u *url.URL) bool {
	o := Origin(u)
	if o == "" {
		return false
	}
	for _, x := range p.Origins() {
		if x == o {
			return true
		}
	}
	return false
}
