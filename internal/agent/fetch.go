package agent

import (
	"context"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// The Via of the requests a real browser makes through Fetch besides those
// a person's navigation shares with Navigate ("start", "redirect 302",
// ViaForm, "link", "script", "meta refresh"): the checks and the evidence
// tell a page's own loading apart from the flow's navigations by them.
const (
	// ViaBrowserNavigation is a main-frame navigation whose cause the
	// browser did not name.
	ViaBrowserNavigation = "browser navigation"
	// ViaBrowserSubframe is the document of an iframe.
	ViaBrowserSubframe = "browser subframe"
	// ViaBrowserXHR is a request of a page's script: XMLHttpRequest, fetch(),
	// an EventSource.
	ViaBrowserXHR = "browser xhr"
	// ViaBrowserSubresource is what a page loads to show itself: a script,
	// a stylesheet, an image, a font.
	ViaBrowserSubresource = "browser subresource"
)

// FetchRequest is one request a real browser (internal/browser) asks the
// agent to make for it, exactly as the browser built it.
type FetchRequest struct {
	Method string
	// URL is absolute; it may carry the fragment of the navigation, which
	// is never sent but belongs to a Departure.
	URL string
	// Header is the browser's own request headers (Referer, Origin,
	// Content-Type, User-Agent, Accept, …): they are sent as they are, but
	// for those the agent owns: Cookie (the agent's jar supplies it), Host,
	// Content-Length, Accept-Encoding (the agent's transport asks for gzip
	// and decodes it, so that the evidence and the secrets scan read the
	// body) and the hop-by-hop headers of RFC 9110 §7.6.1.
	Header http.Header
	Body   []byte
	// Via says what caused the request: "start", "redirect NNN" (the 3xx
	// it follows: a Departure then carries that status), ViaForm, "link",
	// "script", "meta refresh", or one of the ViaBrowser… constants.
	Via string
	// Document: the main frame's document. A page it renders becomes the
	// browser's current page, as with Navigate: the Referer of a later
	// Navigate, so that a flow that goes on in the HTML driver stays
	// coherent.
	Document bool
}

// FetchResult is the answer to a FetchRequest: the response exactly as the
// server sent it (redirects are not followed: the browser follows them, one
// Fetch per hop), or the Departure the request would have been.
type FetchResult struct {
	Status    int
	Header    http.Header
	Body      []byte
	Departure *Departure // set: nothing was sent (a client URI or an origin not allowed)
}

// Fetch performs exactly one request for a real browser and follows
// nothing. The rule of Navigate applies first: a client URI or an origin
// outside AllowedOrigins is not contacted, an unsent Hop is recorded and
// FetchResult.Departure says where the browser would have gone. Otherwise
// the request is sent as any request of this browser: paced and throttles
// waited out (Polite), the jar's cookies sent and the Set-Cookie of the
// answer stored, the hop recorded (status, headers, raw Location, body
// excerpt) and its secrets told to Config.Secrets. Errors are *Error.
func (a *Agent) Fetch(ctx context.Context, req FetchRequest) (FetchResult, error) {
	dep, target, err := a.depart(req)
	if err != nil || dep != nil {
		return FetchResult{Departure: dep}, err
	}
	req.Method = fetchMethod(req.Method)
	hdr := req.Header
	if hdr == nil {
		hdr = http.Header{} // a browser's request without headers is still not the agent's own
	}
	resp, data, err := a.sendPolitely(ctx, req.Method, target, string(req.Body), req.Via, nil, hdr)
	if err != nil {
		return FetchResult{}, err
	}
	if req.Document && !(IsRedirect(resp.StatusCode) && resp.Header.Get("Location") != "") {
		a.mu.Lock()
		a.lastPage = target
		a.mu.Unlock()
	}
	return FetchResult{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// Depart returns the Departure that req would be, recorded as an unsent hop
// as Fetch records it, and nil when the agent may contact req's target
// (nothing is recorded then, nothing is sent in either case). The browser
// calls it for the navigations it lets through to the harness's own
// servers, whose departure is evidence all the same.
func (a *Agent) Depart(req FetchRequest) (*Departure, error) {
	dep, _, err := a.depart(req)
	return dep, err
}

func (a *Agent) depart(req FetchRequest) (*Departure, *url.URL, error) {
	raw, target, err := Resolve(nil, req.URL)
	if err != nil {
		return nil, nil, &Error{Kind: KindInvalidURL, URL: noFragment(req.URL), Err: err}
	}
	method, body := fetchMethod(req.Method), string(req.Body)
	dep := a.departure(target, raw, method, body, req.Via, redirectStatus(req.Via))
	if dep == nil {
		return nil, target, nil
	}
	a.record(Hop{Method: method, URL: raw, RequestBody: body, Via: req.Via})
	return dep, target, nil
}

func fetchMethod(m string) string {
	if m = strings.ToUpper(strings.TrimSpace(m)); m == "" {
		return http.MethodGet
	}
	return m
}

// redirectStatus reads the 3xx of a Via "redirect NNN" (0 for any other).
func redirectStatus(via string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(via, "redirect "))
	if err != nil || !strings.HasPrefix(via, "redirect ") {
		return 0
	}
	return n
}

// agentOwned are the request headers the agent sets itself, whatever the
// browser sent: the jar's cookies, what the transport computes, and
// Accept-Encoding (the transport then decodes gzip for the evidence).
var agentOwned = map[string]bool{
	"Cookie": true, "Cookie2": true, "Host": true, "Content-Length": true, "Accept-Encoding": true,
	// RFC 9110 §7.6.1: hop-by-hop, meaningful for one connection only.
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Proxy-Authorization": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

// copyBrowserHeader sets in dst the browser's headers that the agent sends
// as they are: every one but agentOwned, those the browser's Connection
// header names, HTTP/2 pseudo-headers and what is not a valid field.
func copyBrowserHeader(dst, browser http.Header) {
	named := map[string]bool{}
	for _, v := range browser.Values("Connection") {
		for _, n := range strings.Split(v, ",") {
			named[textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(n))] = true
		}
	}
	for name, vs := range browser {
		key := textproto.CanonicalMIMEHeaderKey(name)
		if agentOwned[key] || named[key] || strings.HasPrefix(name, ":") || !httpguts.ValidHeaderFieldName(name) {
			continue
		}
		dst.Del(key)
		for _, v := range vs {
			if httpguts.ValidHeaderFieldValue(v) {
				dst.Add(key, v)
			}
		}
	}
}
