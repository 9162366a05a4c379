package authz

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// NotApplicable says that a redirect URI variation cannot be made from the
// registered URI (there is no letter to change the case of, the URI is not
// https, …), or would not be a mismatch: the scenario is skipped.
type NotApplicable struct{ Reason string }

func (e *NotApplicable) Error() string { return e.Reason }

// ErrUnknownVariant is returned for a variation this package does not know.
var ErrUnknownVariant = errors.New("unknown redirect URI variation")

// uriParts is a registered redirect URI cut into its raw pieces, so that a
// variation changes exactly one thing and leaves every other byte alone.
type uriParts struct {
	scheme, host, port, path, query string // port and query without ':' and '?'
	hasPort, hasQuery               bool
}

func splitURI(raw string) (uriParts, error) {
	var p uriParts
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme == "" {
		return p, fmt.Errorf("redirect URI %q has no scheme://authority", raw)
	}
	p.scheme = scheme
	i := strings.IndexAny(rest, "/?#")
	if i < 0 {
		i = len(rest)
	}
	authority := rest[:i]
	rest = rest[i:]
	if j := strings.IndexByte(rest, '#'); j >= 0 {
		return p, fmt.Errorf("redirect URI %q has a fragment", raw)
	}
	p.path, p.query, p.hasQuery = strings.Cut(rest, "?")
	p.host = authority
	if j := strings.LastIndexByte(authority, ':'); j >= 0 && !strings.Contains(authority[j:], "]") {
		p.host, p.port, p.hasPort = authority[:j], authority[j+1:], true
	}
	return p, nil
}

func (p uriParts) authority() string {
	if p.hasPort {
		return p.host + ":" + p.port
	}
	return p.host
}

func (p uriParts) String() string {
	s := p.scheme + "://" + p.authority() + p.path
	if p.hasQuery {
		s += "?" + p.query
	}
	return s
}

// isLoopbackIP: an http redirect URI on a loopback IP literal, whose port
// may vary (RFC 8252 §7.3).
func (p uriParts) isLoopbackIP() bool {
	ip := net.ParseIP(strings.Trim(p.host, "[]"))
	return p.scheme == "http" && ip != nil && ip.IsLoopback()
}

func (p uriParts) hostIsIP() bool { return net.ParseIP(strings.Trim(p.host, "[]")) != nil }

func na(format string, args ...any) error {
	return &NotApplicable{Reason: fmt.Sprintf(format, args...)}
}

// variants are the deliberate changes to a registered redirect URI, by the
// words a feature uses for them. Each takes the registered URI's parts and
// returns the changed URI, or NotApplicable.
var variants = map[string]func(p uriParts) (string, error){
	// RDR-04
	"a suffix on the last path segment": func(p uriParts) (string, error) {
		if p.path == "" || strings.HasSuffix(p.path, "/") {
			return "", na("the registered path %q does not end in a segment", p.path)
		}
		p.path += "x"
		return p.String(), nil
	},
	"a further path segment": func(p uriParts) (string, error) {
		p.path = strings.TrimSuffix(p.path, "/") + "/x"
		return p.String(), nil
	},
	// RDR-05
	"a trailing slash added": func(p uriParts) (string, error) {
		if strings.HasSuffix(p.path, "/") {
			return "", na("the registered path %q already ends with a slash", p.path)
		}
		p.path += "/"
		return p.String(), nil
	},
	"its trailing slash removed": func(p uriParts) (string, error) {
		if !strings.HasSuffix(p.path, "/") || p.path == "/" {
			return "", na("the registered path %q does not end with a slash after a segment", p.path)
		}
		p.path = strings.TrimSuffix(p.path, "/")
		return p.String(), nil
	},
	// RDR-06
	"the host in upper case": func(p uriParts) (string, error) {
		label, _, _ := strings.Cut(p.host, ".")
		up := strings.ToUpper(label)
		if up == label {
			return "", na("the first label of the host %q has no lower-case letter", p.host)
		}
		p.host = up + strings.TrimPrefix(p.host, label)
		return p.String(), nil
	},
	"the path in upper case": func(p uriParts) (string, error) {
		up := strings.ToUpper(p.path)
		if up == p.path {
			return "", na("the registered path %q has no lower-case letter", p.path)
		}
		p.path = up
		return p.String(), nil
	},
	// RDR-07
	"another port": func(p uriParts) (string, error) {
		if p.isLoopbackIP() {
			return "", na("the registered URI is a loopback IP URI, whose port may vary (RFC 8252 §7.3)")
		}
		port := "8443"
		if p.port == port {
			port = "8444"
		}
		p.port, p.hasPort = port, true
		return p.String(), nil
	},
	"the default port written out": func(p uriParts) (string, error) {
		if p.hasPort {
			return "", na("the registered URI already names its port")
		}
		switch p.scheme {
		case "https":
			p.port = "443"
		case "http":
			if p.isLoopbackIP() {
				return "", na("the registered URI is a loopback IP URI, whose port may vary (RFC 8252 §7.3)")
			}
			p.port = "80"
		default:
			return "", na("the scheme %q has no default port", p.scheme)
		}
		p.hasPort = true
		return p.String(), nil
	},
	// RDR-08
	"http instead of https": func(p uriParts) (string, error) {
		if p.scheme != "https" {
			return "", na("the registered URI is not https")
		}
		p.scheme = "http"
		return p.String(), nil
	},
	// RDR-09
	"an added query": func(p uriParts) (string, error) {
		return addQuery(p, "foo=bar"), nil
	},
	// RDR-10
	"another value in its registered query": func(p uriParts) (string, error) {
		if !p.hasQuery || p.query == "" {
			return "", na("the registered URI has no query")
		}
		p.query += "x"
		return p.String(), nil
	},
	"its registered query parameters reordered": func(p uriParts) (string, error) {
		parts := strings.Split(p.query, "&")
		if len(parts) < 2 {
			return "", na("the registered query %q has fewer than two parameters", p.query)
		}
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
		if q := strings.Join(parts, "&"); q != p.query {
			p.query = q
			return p.String(), nil
		}
		return "", na("reordering the registered query %q changes nothing", p.query)
	},
	// RDR-12
	"a fragment": func(p uriParts) (string, error) { return p.String() + "#frag", nil },
	// RDR-13
	"its host as userinfo before evil.example": func(p uriParts) (string, error) {
		return p.scheme + "://" + p.authority() + "@evil.example" + tail(p), nil
	},
	"evil.example as userinfo before its host": func(p uriParts) (string, error) {
		return p.scheme + "://evil.example@" + p.authority() + tail(p), nil
	},
	"its host followed by an encoded @ and evil.example": func(p uriParts) (string, error) {
		return p.scheme + "://" + p.authority() + "%40evil.example" + tail(p), nil
	},
	// RDR-14
	"a dot-segment climbing out of the path":   pathSuffix("/../evil"),
	"a dot-segment with an encoded slash":      pathSuffix("/..%2Fevil"),
	"a dot-segment with encoded dots":          pathSuffix("/%2e%2e/evil"),
	"a dot-segment with a semicolon":           pathSuffix("/..;/evil"),
	"a dot-segment resolving to the same path": pathSuffix("/x/.."),
	// RDR-15
	"a subdomain of its host": func(p uriParts) (string, error) {
		if p.hostIsIP() {
			return "", na("the registered host %q is an IP address", p.host)
		}
		p.host = "evil." + p.host
		return p.String(), nil
	},
	"evil.example appended to its host": func(p uriParts) (string, error) {
		p.host += ".evil.example"
		return p.String(), nil
	},
	"characters appended to its host": func(p uriParts) (string, error) {
		p.host += "x.example"
		return p.String(), nil
	},
	"characters prepended to its host": func(p uriParts) (string, error) {
		if p.hostIsIP() {
			return "", na("the registered host %q is an IP address", p.host)
		}
		p.host = "x" + p.host
		return p.String(), nil
	},
	// RDR-16
	"an unreserved character percent-encoded": func(p uriParts) (string, error) {
		c, ok := lastAlnum(p.path)
		if !ok {
			return "", na("the registered path %q does not end in a letter or digit", p.path)
		}
		p.path = p.path[:len(p.path)-1] + fmt.Sprintf("%%%02X", c)
		return p.String(), nil
	},
	"the slash before the path percent-encoded": func(p uriParts) (string, error) {
		if !strings.HasPrefix(p.path, "/") || len(p.path) < 2 {
			return "", na("the registered path %q is empty", p.path)
		}
		p.path = "%2F" + p.path[1:]
		return p.String(), nil
	},
	"a double-encoded character": func(p uriParts) (string, error) {
		c, ok := lastAlnum(p.path)
		if !ok {
			return "", na("the registered path %q does not end in a letter or digit", p.path)
		}
		p.path = p.path[:len(p.path)-1] + fmt.Sprintf("%%25%02X", c)
		return p.String(), nil
	},
	"the hex digits of its percent-encoding in other case": func(p uriParts) (string, error) {
		t := tail(p)
		out := []byte(t)
		changed := false
		for i := 0; i+2 < len(out); i++ {
			if out[i] != '%' || !isHex(out[i+1]) || !isHex(out[i+2]) {
				continue
			}
			for _, j := range []int{i + 1, i + 2} {
				switch c := out[j]; {
				case 'A' <= c && c <= 'F':
					out[j], changed = c+'a'-'A', true
				case 'a' <= c && c <= 'f':
					out[j], changed = c-'a'+'A', true
				}
			}
		}
		if !changed {
			return "", na("the registered URI has no percent-encoding with a hex letter")
		}
		return p.scheme + "://" + p.authority() + string(out), nil
	},
	// RDR-17
	"a backslash and evil.example after its host": func(p uriParts) (string, error) {
		return p.scheme + "://" + p.authority() + `\@evil.example` + tail(p), nil
	},
	"a TAB at the end": func(p uriParts) (string, error) { return p.String() + "\t", nil },
	"a line break in the path": func(p uriParts) (string, error) {
		return insertInPath(p, "\r\n")
	},
	"a space in the path": func(p uriParts) (string, error) {
		return insertInPath(p, " ")
	},
	"a trailing dot on its host": func(p uriParts) (string, error) {
		if p.hostIsIP() {
			return "", na("the registered host %q is an IP address", p.host)
		}
		p.host += "."
		return p.String(), nil
	},
	"a nested redirect_uri to evil.example in the query": func(p uriParts) (string, error) {
		return addQuery(p, "redirect_uri=https://evil.example"), nil
	},
	// RDR-18, RDR-19: from a loopback IP URI registered without a port.
	"a port": loopback(func(p uriParts) uriParts { return p }),
	"a port and another path": loopback(func(p uriParts) uriParts {
		p.path = strings.TrimSuffix(p.path, "/") + "/other"
		return p
	}),
	"a port and https instead of http": loopback(func(p uriParts) uriParts { p.scheme = "https"; return p }),
	"a port and 127.0.0.2 as host":     loopback(func(p uriParts) uriParts { p.host = "127.0.0.2"; return p }),
	"a port and localhost as host":     loopback(func(p uriParts) uriParts { p.host = "localhost"; return p }),
}

// loopbackPort is the port the loopback variations add (any port would do).
const loopbackPort = "51004"

func loopback(change func(uriParts) uriParts) func(uriParts) (string, error) {
	return func(p uriParts) (string, error) {
		if !p.isLoopbackIP() || p.hasPort {
			return "", na("the registered URI is not a loopback IP URI without a port")
		}
		if p.host != "127.0.0.1" && p.host != "[::1]" {
			return "", na("the registered host %q is not 127.0.0.1 or [::1]", p.host)
		}
		p = change(p)
		p.port, p.hasPort = loopbackPort, true
		return p.String(), nil
	}
}

func tail(p uriParts) string {
	s := p.path
	if p.hasQuery {
		s += "?" + p.query
	}
	return s
}

func addQuery(p uriParts, q string) string {
	if p.hasQuery && p.query != "" {
		p.query += "&" + q
	} else {
		p.query, p.hasQuery = q, true
	}
	return p.String()
}

func pathSuffix(s string) func(uriParts) (string, error) {
	return func(p uriParts) (string, error) {
		p.path = strings.TrimSuffix(p.path, "/") + s
		return p.String(), nil
	}
}

func insertInPath(p uriParts, s string) (string, error) {
	if len(p.path) < 2 {
		return "", na("the registered path %q is too short", p.path)
	}
	p.path = p.path[:len(p.path)-1] + s + p.path[len(p.path)-1:]
	return p.String(), nil
}

func lastAlnum(path string) (byte, bool) {
	if path == "" {
		return 0, false
	}
	c := path[len(path)-1]
	return c, 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// RedirectVariant returns the registered redirect URI with one deliberate
// change, named by the words a feature uses ("a further path segment"). The
// error is *NotApplicable when the change cannot be made from this URI, or
// wraps ErrUnknownVariant.
func RedirectVariant(registered, change string) (string, error) {
	f, ok := variants[change]
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownVariant, change)
	}
	p, err := splitURI(registered)
	if err != nil {
		return "", err
	}
	out, err := f(p)
	if err != nil {
		return "", err
	}
	if out == registered {
		return "", na("the change leaves %q as it is", registered)
	}
	return out, nil
}

// RedirectVariants lists the names RedirectVariant knows.
func RedirectVariants() []string {
	out := make([]string, 0, len(variants))
	for k := range variants {
		out = append(out, k)
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
