package agent

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Resolve resolves ref (a Location header value, a form action, a link) against base, as a
// browser does, and returns both the parsed absolute URL and the raw string.
//
// raw is ref byte for byte when ref is absolute; when ref is relative, raw is the resolved
// prefix (scheme, authority, path and query) followed by ref's own fragment, unchanged. The
// fragment of the result is ref's fragment only: a base fragment is never inherited (RFC 3986
// §5.2.2). base may be nil when ref must be absolute.
//
// Parsing is lenient where browsers are: leading and trailing spaces and control characters are
// dropped, tabs and newlines removed, and characters a browser would percent-encode (a raw space,
// a stray '%') are accepted. Errors never quote ref's fragment (it may hold a token).
func Resolve(base *url.URL, ref string) (raw string, u *url.URL, err error) {
	cleaned := cleanRef(ref)
	noFrag, frag, hasFrag := strings.Cut(cleaned, "#")
	r, err := parseLenient(noFrag)
	if err != nil {
		return "", nil, err
	}
	var t *url.URL
	switch {
	case r.IsAbs():
		t = r
	case base == nil:
		return "", nil, fmt.Errorf("relative URL %q without a base", noFrag)
	default:
		t = base.ResolveReference(r)
	}
	t.Fragment, t.RawFragment = "", ""
	if r.IsAbs() {
		// Trimmed as cleanRef trims (C0 controls and space), not as strings.TrimSpace does: a
		// trailing U+00A0 belongs to the URL, and raw must keep what u keeps.
		raw = strings.TrimFunc(ref, func(r rune) bool { return r <= 0x20 })
	} else {
		// A query the base carried with a space or a control (which net/url keeps as is)
		// is written as a browser sends it, or raw would not read back as the same URL
		// ("http://0? " and an empty reference: the trailing space would be trimmed).
		t.RawQuery = escapeQuery(t.RawQuery)
		raw = t.String()
	}
	if hasFrag {
		f, ferr := parseLenient("#" + frag)
		if ferr != nil {
			return "", nil, errors.New("malformed fragment") // the fragment may hold a token: not quoted
		}
		t.Fragment, t.RawFragment = f.Fragment, f.RawFragment
		if !r.IsAbs() {
			raw += "#" + frag
		}
	}
	if t.Scheme == "" {
		return "", nil, fmt.Errorf("URL %q has no scheme", noFrag)
	}
	t.Scheme = strings.ToLower(t.Scheme)
	// A host of ":" or ":8080" is no host: browsers refuse "http://:/x" as they refuse "http:///x".
	if (t.Scheme == "http" || t.Scheme == "https") && t.Hostname() == "" {
		return "", nil, fmt.Errorf("URL %q has no host", noFrag)
	}
	// net/url accepts in a scheme-relative reference hosts it rejects in an absolute URL
	// ("//::" resolves to "http://::"), as a browser rejects them: what is returned parses.
	if _, err := url.Parse(withoutFragment(t).String()); err != nil {
		return "", nil, fmt.Errorf("URL %q: %w", noFrag, errors.Unwrap(err))
	}
	return raw, t, nil
}

// cleanRef applies the WHATWG URL parser's pre-processing: strip leading and trailing C0 controls
// and spaces, remove ASCII tabs and newlines.
func cleanRef(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= 0x20 })
	if strings.ContainsAny(s, "\t\r\n") {
		s = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(s)
	}
	return s
}

// parseLenient parses s with net/url; if that fails, it escapes what a browser would have
// escaped (stray '%', spaces, controls, quotes, angle brackets) and tries again.
func parseLenient(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err == nil {
		return u, nil
	}
	u, err2 := url.Parse(escapeLenient(s))
	if err2 != nil {
		return nil, err
	}
	return u, nil
}

func escapeLenient(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])):
			b.WriteString("%25")
		case c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '`' ||
			c == '{' || c == '}' || c == '|' || c == '\\' || c == '^':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// escapeQuery makes a raw query safe for the request line: bytes a browser percent-encodes in a
// query (space, quotes, angle brackets, controls, non-ASCII) are encoded, valid escapes are kept.
func escapeQuery(q string) string {
	need := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' ||
			(c == '%' && !(i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2]))) {
			need = true
			break
		}
	}
	if !need {
		return q
	}
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '%' && !(i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2])):
			b.WriteString("%25")
		case c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// origin returns the normalised "scheme://host:port" of u (ports made explicit), or "" when u has
// no host.
func origin(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme + "://" + net.JoinHostPort(host, effectivePort(scheme, u.Port()))
}

func effectivePort(scheme, port string) string {
	if port != "" {
		return port
	}
	switch scheme {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// parseOrigin validates an AllowedOrigins entry.
func parseOrigin(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("agent: allowed origin %q: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("agent: allowed origin %q: scheme must be http or https", s)
	}
	if u.Host == "" {
		return "", fmt.Errorf("agent: allowed origin %q: no host", s)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("agent: allowed origin %q: must be scheme://host[:port] only", s)
	}
	return origin(u), nil
}

// clientURI is one of the client's redirect URIs, reduced to what a match compares.
type clientURI struct {
	scheme, host, port, path string
}

func parseClientURI(s string) (clientURI, error) {
	_, u, err := Resolve(nil, s)
	if err != nil {
		return clientURI{}, fmt.Errorf("agent: client URI %q: %w", s, err)
	}
	return newClientURI(u), nil
}

func newClientURI(u *url.URL) clientURI {
	if u.Opaque == "" {
		// A browser removes the dot segments of a path before it navigates (RFC 3986 §5.2.4):
		// "https://client.example/x/../cb" is the client's "https://client.example/cb".
		// ResolveReference with an empty reference removes them and nothing else.
		u = u.ResolveReference(&url.URL{})
	}
	scheme := strings.ToLower(u.Scheme)
	p := u.Path
	if p == "" {
		p = "/"
	}
	if u.Opaque != "" {
		p = u.Opaque
	}
	return clientURI{
		scheme: scheme,
		host:   strings.ToLower(u.Hostname()),
		port:   effectivePort(scheme, u.Port()),
		path:   p,
	}
}

// matches reports whether u designates this client URI: scheme, host, port and path equal;
// query and fragment ignored.
func (c clientURI) matches(u *url.URL) bool {
	return newClientURI(u) == c
}

// withoutFragment returns a copy of u with no fragment.
func withoutFragment(u *url.URL) *url.URL {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return &c
}
