package refserver

import (
	"encoding/json"
	"html"
	"maps"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
)

// matchRedirectURI decides whether uri, sent as redirect_uri, designates one
// of the client's registered URIs, and returns the URI to deliver to. The
// conformant server compares by simple string comparison (RFC 6749 §3.1.2.3;
// RFC 9700 §2.1: "exact string matching"), with one exception: a loopback
// redirect URI matches on any port (RFC 8252 §7.3). Every other acceptance
// below is a fault switch.
func (s *Server) matchRedirectURI(cl client, uri string) (string, bool) {
	for _, reg := range cl.redirectURIs {
		if uri == reg {
			return uri, true
		}
		// RFC 8252 §7.3: "The authorization server MUST allow any port to be
		// specified at the time of the request for loopback IP redirect
		// URIs"; only the port may differ (§8.3, §8.4).
		if !s.faults.on(FaultLoopbackPortExact) && loopbackRegistered(reg) && dropPort(uri) == reg {
			return uri, true
		}
	}
	for _, reg := range cl.redirectURIs {
		if target, ok := s.looseMatch(reg, uri); ok {
			return target, true
		}
	}
	return "", false
}

// looseMatch holds the faulty comparisons: each one accepts what RFC 6749
// §3.1.2.3 and RFC 9700 §2.1 / §4.1.3 (exact string matching) reject. They
// are tried in a fixed order, the first match deciding the URI to deliver
// to: the comparisons of the URI as sent, then, for a URI that parses, those
// of its parts and the pattern matches.
func (s *Server) looseMatch(reg, uri string) (string, bool) {
	if target, ok := s.looseMatchAsSent(reg, uri); ok {
		return target, true
	}
	// The looser comparisons below parse the URI first, as such servers do;
	// what cannot be parsed is refused.
	if _, err := url.Parse(uri); err != nil {
		return "", false
	}
	if s.looseMatchParts(reg, uri) || s.looseMatchPattern(reg, uri) {
		return uri, true
	}
	return "", false
}

// looseMatchAsSent compares uri, or what a fault makes of it, with reg as
// strings; a fault that cleans uri delivers to the cleaned one.
func (s *Server) looseMatchAsSent(reg, uri string) (string, bool) {
	on := s.faults.on
	// RFC 9700 §2.1: the fault accepts any extension of a registered URI.
	if on(FaultRedirectURIPrefixMatch) && strings.HasPrefix(uri, reg) {
		return uri, true
	}
	// RFC 3986 §6.2.1 (catalogue RDR-17): the value is compared as sent.
	if on(FaultWhitespaceCleaned) {
		if c := strings.Map(func(r rune) rune {
			if r <= 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, uri); c == reg {
			return c, true
		}
	}
	// RFC 6749 §3.1.2: the redirect URI "MUST NOT include a fragment".
	if on(FaultFragmentStripped) {
		if c, _, cut := strings.Cut(uri, "#"); cut && c == reg {
			return c, true
		}
	}
	// RFC 3986 §6.2.1 / RFC 9700 §4.1.3: percent-encoded variants differ.
	if on(FaultPercentDecoded) {
		if d := decodeFully(uri); d != uri && d == reg {
			return d, true
		}
	}
	return "", false
}

// looseMatchParts reports whether a fault lets uri match reg by ignoring or
// normalising one of its parts: case, host, trailing slash, port, scheme,
// query, userinfo.
func (s *Server) looseMatchParts(reg, uri string) bool {
	on := s.faults.on
	// RFC 6749 §3.1.2.3: simple string comparison is case-sensitive.
	if on(FaultCaseInsensitiveURI) && strings.EqualFold(uri, reg) {
		return true
	}
	if on(FaultHostNormalised) && normaliseHost(uri) == normaliseHost(reg) {
		return true
	}
	// RFC 3986 §6.2.1 (catalogue RDR-05): "/cb" and "/cb/" differ.
	if on(FaultTrailingSlashIgnored) && trimTrailingSlash(uri) == trimTrailingSlash(reg) {
		return true
	}
	// RFC 9700 §4.1.3: a different port, or a default port written out, differs.
	if on(FaultPortIgnored) && dropPort(uri) == dropPort(reg) {
		return true
	}
	// RFC 9700 §2.6: no downgrade from https.
	if on(FaultSchemeIgnored) && afterScheme(uri) == afterScheme(reg) {
		return true
	}
	// RFC 6749 §3.1.2.3: a registered full URI matches its query exactly.
	if on(FaultAnyQuery) && beforeQuery(uri) == beforeQuery(reg) {
		return true
	}
	if on(FaultQueryUnordered) && beforeQuery(uri) == beforeQuery(reg) && sortedQuery(uri) == sortedQuery(reg) {
		return true
	}
	// RFC 9700 §4.1.3 and RFC 3986 §3.2.1: userinfo changes what the URI is.
	if on(FaultUserinfoIgnored) {
		if u, err := url.Parse(uri); err == nil && u.User != nil {
			u.User = nil
			if u.String() == reg {
				return true
			}
		}
	}
	return false
}

// looseMatchPattern reports whether a fault lets uri match reg as a
// pattern: an origin prefix, a host suffix, resolved dot-segments, any
// loopback URI.
func (s *Server) looseMatchPattern(reg, uri string) bool {
	on := s.faults.on
	// RFC 9700 §4.1.1: pattern matching lets an attacker choose the host.
	if on(FaultOriginPrefixPath) {
		origin, rest := splitOrigin(reg)
		if strings.HasPrefix(uri, origin) && strings.HasSuffix(uri, rest) && uri != reg {
			return true
		}
	}
	if on(FaultHostSuffix) {
		u, err1 := url.Parse(uri)
		r, err2 := url.Parse(reg)
		if err1 == nil && err2 == nil && u.Hostname() != r.Hostname() && strings.HasSuffix(u.Hostname(), r.Hostname()) {
			u.Host = r.Host
			if u.String() == reg {
				return true
			}
		}
	}
	// RFC 9700 §4.1: dot-segments are not resolved before comparing.
	if on(FaultDotSegmentsResolved) && resolveDotSegments(uri) == reg {
		return true
	}
	// RFC 8252 §7.3: only the port of a loopback URI may vary.
	if on(FaultLoopbackLoose) && loopbackRegistered(reg) {
		if u, err := url.Parse(uri); err == nil && isLoopbackHost(u.Hostname()) {
			return true
		}
	}
	return false
}

// refuseRedirectURI answers a request whose redirect_uri matches no
// registered URI. RFC 6749 §4.2.2.1 and §3.1.2.4: the server "SHOULD inform
// the resource owner of the error and MUST NOT automatically redirect the
// user-agent to the invalid redirection URI" — by no route: not by a 3xx,
// not by a meta refresh, a self-submitting form or a script, and not to a
// registered URI instead (catalogue RDR-21).
func (s *Server) refuseRedirectURI(w http.ResponseWriter, cl client, requested string, t responseTarget) {
	params := []kv{{name: "error", value: "invalid_request"}}
	if t.hasState {
		params = append(params, kv{name: "state", value: t.state})
	}
	_, parseErr := url.Parse(requested)
	switch {
	case s.faults.on(FaultFallbackToRegistered):
		t.redirectURI = cl.redirectURIs[0]
		s.respondError(w, t, authzError{"invalid_request", "The redirect URI is not registered."})
		return
	case parseErr != nil:
		// The faulty pages below only send the browser to a URI they can parse.
	case s.faults.on(FaultRefuseByMetaRefresh):
		target := requested + "#" + s.encodeParams(params)
		writeHTML(w, http.StatusBadRequest, []byte(`<!DOCTYPE html><html><head><title>Invalid redirect URI</title>`+
			`<meta http-equiv="refresh" content="0;url=`+html.EscapeString(target)+`"></head>`+
			`<body><p>The redirect URI is not registered.</p></body></html>`))
		return
	case s.faults.on(FaultRefuseByForm):
		s.renderFormPost(w, requested, params)
		return
	case s.faults.on(FaultRefuseByScript):
		js, _ := json.Marshal(requested + "#" + s.encodeParams(params))
		writeHTML(w, http.StatusBadRequest, []byte(`<!DOCTYPE html><html><head><title>Invalid redirect URI</title></head>`+
			`<body><p>The redirect URI is not registered.</p><script>location.href = `+string(js)+`;</script></body></html>`))
		return
	}
	s.renderError(w, http.StatusBadRequest, "Invalid redirect URI",
		"The redirect URI in the request is not registered for this client. You have not been redirected.")
}

// loopbackRegistered reports a registered loopback IP redirect URI without a
// port: http, 127.0.0.1 or [::1] (RFC 8252 §7.3).
func loopbackRegistered(reg string) bool {
	u, err := url.Parse(reg)
	if err != nil || u.Scheme != "http" || u.Port() != "" {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback() && (u.Hostname() == "127.0.0.1" || u.Hostname() == "::1")
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// splitOrigin splits a URI into "scheme://authority" and the rest.
func splitOrigin(uri string) (origin, rest string) {
	scheme, after, ok := strings.Cut(uri, "://")
	if !ok {
		return "", uri
	}
	i := strings.IndexAny(after, "/?#")
	if i < 0 {
		return uri, ""
	}
	return scheme + "://" + after[:i], after[i:]
}

// dropPort removes an explicit port from the authority, as a string.
func dropPort(uri string) string {
	origin, rest := splitOrigin(uri)
	i := strings.LastIndexByte(origin, ':')
	if i < 0 || strings.HasSuffix(origin[:i], ":/") || strings.Contains(origin[i:], "]") {
		return uri
	}
	for _, c := range origin[i+1:] {
		if c < '0' || c > '9' {
			return uri
		}
	}
	return origin[:i] + rest
}

func afterScheme(uri string) string {
	_, after, _ := strings.Cut(uri, "://")
	return after
}

func beforeQuery(uri string) string {
	b, _, _ := strings.Cut(uri, "?")
	return b
}

func sortedQuery(uri string) string {
	_, q, _ := strings.Cut(uri, "?")
	parts := strings.Split(q, "&")
	slices.Sort(parts)
	return strings.Join(parts, "&")
}

func trimTrailingSlash(uri string) string {
	b, q, hasQ := strings.Cut(uri, "?")
	b = strings.TrimSuffix(b, "/")
	if hasQ {
		return b + "?" + q
	}
	return b
}

func normaliseHost(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if p := u.Port(); p != "" {
		host += ":" + p
	}
	u.Host = host
	return u.String()
}

// decodeFully percent-decodes s until nothing changes.
func decodeFully(s string) string {
	for range 5 {
		d, err := url.PathUnescape(s)
		if err != nil || d == s {
			return s
		}
		s = d
	}
	return s
}

// uncheckedRedirectAllowed reports whether a redirect_uri that matches
// nothing is let through unchecked: never, but for two faults. RFC 6749
// §3.1.2.4 and RFC 9700 §4.11.2 (catalogue RDR-22): the check holds at every
// stage, for a signed-in user and for a denial alike.
func (s *Server) uncheckedRedirectAllowed(r *http.Request) bool {
	if s.faults.on(FaultCheckedOnApproval) {
		return true
	}
	if s.faults.on(FaultSessionSkipsCheck) {
		_, ok := s.lookupSession(cookieValue(r, sessionCookie))
		return ok
	}
	return false
}

// requestErrorsFirst is the authorization endpoint's stage for the fault
// FaultRequestErrorsFirst, placed before establishRedirectURI; without the
// fault it passes every request on. RFC 6749 §3.1.2.4 and §4.2.2.1: the
// redirect URI is validated before anything is reported through it, so a
// request whose redirect_uri matches nothing is refused on a page, whatever
// else is wrong with it. The fault checks the rest of the request first, as
// the later stages would, and sends the first error they find to the
// unmatched redirect_uri; a request with no other error goes on to be
// refused as usual.
func (s *Server) requestErrorsFirst(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) bool {
	if !s.faults.on(FaultRequestErrorsFirst) {
		return true
	}
	uri, n, bad := ar.params.single("redirect_uri")
	if n != 1 || bad {
		return true
	}
	if _, matched := s.matchRedirectURI(ar.client, uri); matched {
		return true
	}
	early := &authorizeRequest{params: ar.params, client: ar.client, target: responseTarget{redirectURI: uri, mode: modeFragment}}
	early.params.values = maps.Clone(ar.params.values) // a stage may drop a value
	for _, stage := range []authorizeStage{s.readTarget, s.checkParams, s.readResponseMode, s.readResponseType,
		s.checkClientGrant, s.readRequestScope, s.checkOIDCRequest, s.readPrompt} {
		if !stage(w, r, early) {
			return false // the stage sent its error to uri
		}
	}
	return true
}

// resolveDotSegments resolves "." and ".." segments (also written %2e) in the
// path of uri, as RFC 3986 §5.2.4 does for references; uri is returned as it
// is when its path has none.
func resolveDotSegments(uri string) string {
	origin, rest := splitOrigin(uri)
	p, q, hasQ := strings.Cut(rest, "?")
	p = strings.NewReplacer("%2e", ".", "%2E", ".").Replace(p)
	dots := false
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			dots = true
		}
	}
	if !dots {
		return uri
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	out := origin + clean
	if hasQ {
		out += "?" + q
	}
	return out
}
