package check

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// The security checks read the browser's exchanges as the agent recorded
// them (agent.Hop, request body included): one shape for the evidence and
// the judgement, so nothing is lost in a copy. A Hop is a plain value;
// reading it is no I/O.

// where names an exchange in a finding, its parameters masked.
func where(x agent.Hop) string {
	return fmt.Sprintf("%s %s (HTTP %d)", x.Method, redact.Params(x.URL), x.Status)
}

// pages returns the exchanges that rendered HTML.
func pages(xs []agent.Hop) []agent.Hop {
	var out []agent.Hop
	for _, x := range xs {
		if x.IsPage() {
			out = append(out, x)
		}
	}
	return out
}

// AllHTTPS judges SEC-01: every request of the flow went to an https URL
// (RFC 6749 §3.1: "the authorization server MUST require the use of TLS",
// §10.9, §10.11).
func AllHTTPS(id string, xs []agent.Hop) error {
	for _, x := range xs {
		u, err := url.Parse(x.URL)
		if err != nil || !strings.EqualFold(u.Scheme, "https") {
			return Fail(id, "a page of the flow was requested without TLS: %s; expected https for the endpoint and every page", where(x))
		}
	}
	return nil
}

// ModernTLS judges SEC-01: the server did not complete a handshake limited to a
// TLS version below 1.2 (RFC 9700 §2.6 via BCP 195 / RFC 8996).
func ModernTLS(id string, negotiated uint16) error {
	if negotiated != 0 && negotiated < tls.VersionTLS12 {
		return Fail(id, "the server accepts %s; expected TLS 1.2 or later only (RFC 8996 deprecates TLS 1.0 and 1.1)", tls.VersionName(negotiated))
	}
	return nil
}

// framingDenied reports whether the response keeps itself out of other
// sites' frames: X-Frame-Options DENY or SAMEORIGIN, or a CSP
// frame-ancestors directive that is not a wildcard.
func framingDenied(h http.Header) bool {
	for _, v := range h.Values("X-Frame-Options") {
		switch strings.ToUpper(strings.TrimSpace(v)) {
		case "DENY", "SAMEORIGIN":
			return true
		}
	}
	return frameAncestors(h)
}

// frameAncestors reports a CSP frame-ancestors directive that restricts
// framing ('none', 'self' or a list of sources other than "*"). Only the
// header counts: browsers ignore frame-ancestors in a <meta> policy (the
// CSP specification says so), and a Report-Only policy enforces nothing.
func frameAncestors(h http.Header) bool {
	for _, policy := range h.Values("Content-Security-Policy") {
		for _, dir := range strings.Split(policy, ";") {
			f := strings.Fields(dir)
			if len(f) == 0 || !strings.EqualFold(f[0], "frame-ancestors") {
				continue
			}
			open := len(f) == 1 // an empty source list is 'none'
			if open {
				return true
			}
			restrictive := true
			for _, src := range f[1:] {
				switch strings.ToLower(src) {
				case "*", "https:", "http:", "https://*", "http://*":
					restrictive = false
				}
			}
			if restrictive {
				return true
			}
		}
	}
	return false
}

// FramingRefused judges SEC-02: every HTML page of the flow refuses to be
// framed by other sites (RFC 9700 §4.16: "Authorization servers MUST prevent
// clickjacking attacks"; RFC 6749 §10.13).
func FramingRefused(id string, xs []agent.Hop) error {
	for _, p := range pages(xs) {
		if !framingDenied(p.Header) {
			return Fail(id, "the page %s may be framed by any site: no X-Frame-Options DENY/SAMEORIGIN and no Content-Security-Policy frame-ancestors (X-Frame-Options %q, Content-Security-Policy %q)",
				where(p), p.Header.Get("X-Frame-Options"), p.Header.Get("Content-Security-Policy"))
		}
	}
	return nil
}

// FrameAncestorsCSP judges SEC-02: every HTML page restricts framing with a
// Content Security Policy (RFC 9700 §4.16: "authorization servers SHOULD also
// use Content Security Policy (CSP) level 2 or greater").
func FrameAncestorsCSP(id string, xs []agent.Hop) error {
	for _, p := range pages(xs) {
		if !frameAncestors(p.Header) {
			return Fail(id, "the page %s has no Content-Security-Policy frame-ancestors directive (Content-Security-Policy %q)",
				where(p), p.Header.Get("Content-Security-Policy"))
		}
	}
	return nil
}

// safeReferrer are the Referrer-Policy values that never send the page's
// path and query (which may carry request parameters) to another origin.
var safeReferrer = map[string]bool{
	"no-referrer": true, "same-origin": true, "strict-origin": true, "strict-origin-when-cross-origin": true,
}

// referrerPolicy returns the policy in force for a page: the last
// recognised token of the header (Referrer Policy §11.1), overridden by a
// <meta name="referrer"> in the body; "" when none.
func referrerPolicy(p agent.Hop) string {
	policy := ""
	for _, v := range p.Header.Values("Referrer-Policy") {
		for _, tok := range strings.Split(v, ",") {
			tok = strings.ToLower(strings.TrimSpace(tok))
			if knownReferrer(tok) {
				policy = tok
			}
		}
	}
	if m := metaReferrer(p.BodyExcerpt); m != "" {
		policy = m
	}
	return policy
}

func knownReferrer(tok string) bool {
	switch tok {
	case "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
		"origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url":
		return true
	}
	return false
}

// ReferrerRestricted judges SEC-03: every HTML page of the flow sets a referrer
// policy that keeps its address from other origins (RFC 9700 §4.2.4).
func ReferrerRestricted(id string, xs []agent.Hop) error {
	for _, p := range pages(xs) {
		pol := referrerPolicy(p)
		switch {
		case pol == "":
			return Fail(id, "the page %s sets no Referrer-Policy (header or <meta name=\"referrer\">); expected no-referrer, same-origin or strict-origin*", where(p))
		case !safeReferrer[pol]:
			return Fail(id, "the page %s sets Referrer-Policy %q, which sends its address to other origins; expected no-referrer, same-origin or strict-origin*", where(p), pol)
		}
	}
	return nil
}

// TokenRedirectsNotCached judges SEC-04: every redirect whose Location carries
// an access token or an ID token says Cache-Control: no-store (RFC 6819
// §4.4.2.2, RFC 6749 §5.1's rule for token responses).
func TokenRedirectsNotCached(id string, xs []agent.Hop) (bool, error) {
	seen := false
	for _, x := range xs {
		if x.Location == "" {
			continue
		}
		what := strings.ReplaceAll(tokenIn(x.Location), "_", " ")
		if what == "" {
			continue
		}
		seen = true
		if !noStore(x.Header) {
			return seen, Fail(id, "the redirect carrying the %s (%s) may be cached: Cache-Control %q, expected no-store",
				what, where(x), x.Header.Get("Cache-Control"))
		}
	}
	return seen, nil
}

func noStore(h http.Header) bool {
	for _, v := range h.Values("Cache-Control") {
		for _, d := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), "no-store") {
				return true
			}
		}
	}
	return false
}

// NoCORS judges SEC-05: the authorization endpoint grants no cross-origin
// access to the origin that asked (RFC 9700 §2.6: it must not support CORS).
func NoCORS(id, method, origin string, h http.Header) error {
	if v := h.Values("Access-Control-Allow-Origin"); len(v) > 0 {
		return Fail(id, "%s with Origin %s was answered with Access-Control-Allow-Origin %q; expected no CORS headers at the authorization endpoint",
			method, origin, strings.Join(v, ", "))
	}
	return nil
}

// NoRepostAfterLogin judges SEC-06: the response to the POST of the resource
// owner's credentials is not a redirect that makes the browser repeat the POST
// (RFC 9700 §4.12: "MUST NOT use 307"; 308 repeats it the same way).
func NoRepostAfterLogin(id string, x agent.Hop) error {
	switch x.Status {
	case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return Fail(id, "the login POST %s was answered with HTTP %d, so the browser re-sends the credentials to %s; expected 303 (or 302)",
			redact.Params(x.URL), x.Status, redact.Params(x.Location))
	}
	return nil
}

// Escaped judges SEC-09: the payload never appears verbatim in an HTML page of
// the flow (RFC 6749 §10.14: input must be sanitised before it is reflected).
func Escaped(id, param, payload string, xs []agent.Hop) error {
	for _, p := range pages(xs) {
		if strings.Contains(p.BodyExcerpt, payload) {
			return Fail(id, "the %s payload %q appears unescaped in the page %s; expected it escaped (&lt;…) or not shown", param, payload, where(p))
		}
	}
	return nil
}

// NotToOrigin judges SEC-09: the browser was not sent to a foreign origin by
// the server (RFC 9700 §4.11.2: the server is no open redirector).
func NotToOrigin(id, param string, e *Ending, foreign string) error {
	if e.Left && strings.HasPrefix(strings.ToLower(e.Target), strings.ToLower(foreign)) {
		return Fail(id, "the login page followed the %s parameter to %s (%s); expected no redirect to an arbitrary origin", param, foreign, e.Describe())
	}
	return nil
}

// metaReferrer returns the content of the last <meta name="referrer"> of an
// HTML body, lower-cased; "" when there is none.
func metaReferrer(body string) string {
	z := html.NewTokenizer(strings.NewReader(body))
	found := ""
	for {
		switch z.Next() {
		case html.ErrorToken:
			return found
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.Data != "meta" {
				continue
			}
			var name, content string
			for _, a := range t.Attr {
				switch strings.ToLower(a.Key) {
				case "name":
					name = a.Val
				case "content":
					content = a.Val
				}
			}
			if strings.EqualFold(strings.TrimSpace(name), "referrer") {
				if c := strings.ToLower(strings.TrimSpace(content)); knownReferrer(c) {
					found = c
				}
			}
		}
	}
}

// ForgedConsentRefused judges SEC-07: a forged or replayed consent submission
// issues no token (RFC 6749 §10.12: the server "MUST implement CSRF protection
// for its authorization endpoint and ensure that a malicious client cannot
// obtain authorization without the awareness and explicit consent of the
// resource owner").
func ForgedConsentRefused(id string, e *Ending) error {
	if err := NoToken(id, e); err != nil {
		return Fail(id, "the forged consent submission was accepted: %s", e.Describe())
	}
	return nil
}

// thirdPartyTags are the elements whose address the browser loads by
// itself, with the page's address as referrer: attribute by element.
var thirdPartyTags = map[string]string{"script": "src", "img": "src", "iframe": "src", "link": "href", "embed": "src", "object": "data", "audio": "src", "video": "src", "source": "src"}

// NoThirdPartyContent judges SEC-03: the HTML pages of the flow load nothing
// from origins other than the server's (RFC 9700 §4.2.4: third-party content on
// these pages receives their address, parameters included, as referrer).
// allowed are the server's origins, "scheme://host:port".
func NoThirdPartyContent(id string, xs []agent.Hop, allowed []string) error {
	ok := map[string]bool{}
	for _, o := range allowed {
		if u, err := url.Parse(o); err == nil {
			ok[profile.Origin(u)] = true
		}
	}
	for _, p := range pages(xs) {
		base, err := url.Parse(p.URL)
		if err != nil {
			continue
		}
		var foreign []string
		z := html.NewTokenizer(strings.NewReader(p.BodyExcerpt))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			t := z.Token()
			attr, watched := thirdPartyTags[t.Data]
			if !watched {
				continue
			}
			for _, a := range t.Attr {
				if !strings.EqualFold(a.Key, attr) || strings.TrimSpace(a.Val) == "" {
					continue
				}
				ref, err := url.Parse(strings.TrimSpace(a.Val))
				if err != nil {
					continue
				}
				u := base.ResolveReference(ref)
				if u.Scheme != "http" && u.Scheme != "https" {
					continue // data:, blob:
				}
				if o := profile.Origin(u); !ok[o] {
					foreign = append(foreign, fmt.Sprintf("<%s %s=%q>", t.Data, attr, redact.Params(u.String())))
				}
			}
		}
		if len(foreign) > 0 {
			return Fail(id, "the page %s loads content from other sites, which receive its address: %s", where(p), strings.Join(unique(foreign), ", "))
		}
	}
	return nil
}

// hasPasswordField reports an <input type="password"> in an HTML body.
func hasPasswordField(body string) bool {
	z := html.NewTokenizer(strings.NewReader(body))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		t := z.Token()
		if t.Data != "input" {
			continue
		}
		for _, a := range t.Attr {
			if strings.EqualFold(a.Key, "type") && strings.EqualFold(strings.TrimSpace(a.Val), "password") {
				return true
			}
		}
	}
	return false
}

// HTTPVariantServesNothing judges SEC-01: the plain-http form of the
// authorization endpoint neither shows a sign-in page over http nor answers the
// client (RFC 6749 §3.1, §10.9; RFC 9700 §2.6). A redirect to https, or an
// error, is fine.
func HTTPVariantServesNothing(id string, xs []agent.Hop, e *Ending) error {
	for _, x := range pages(xs) {
		if u, err := url.Parse(x.URL); err == nil && u.Scheme == "http" && hasPasswordField(x.BodyExcerpt) {
			return Fail(id, "the plain-http address serves a sign-in page: %s; expected only a redirect to https (or an error)", where(x))
		}
	}
	if e.Left && e.ToClient {
		return Fail(id, "the request sent to the plain-http address was answered to the client: %s; expected only a redirect to https (or an error)", e.Describe())
	}
	return nil
}
