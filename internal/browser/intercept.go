package browser

import (
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// handle answers one request chromium paused: through the agent (a.Fetch:
// its origin rules, jar, politeness and evidence), or, for the harness's
// own servers, by letting chromium load it. A request the agent refuses is
// failed as blocked; the main frame's ends the flow.
func (f *flow) handle(ev *fetch.EventRequestPaused) {
	r := ev.Request
	main := ev.FrameID == f.main && ev.ResourceType == network.ResourceTypeDocument
	req := agent.FetchRequest{Method: r.Method, URL: r.URL + r.URLFragment, Header: headerOf(r.Headers),
		Body: f.body(ev), Via: f.viaOf(ev, main), Document: main}
	if f.passthrough[originOf(r.URL)] {
		f.passThrough(ev, req)
		return
	}
	if main {
		f.startOverride(&req)
	}
	res, err := f.a.Fetch(f.fetchCtx, req)
	switch {
	case err != nil:
		call(f, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonFailed})
		if main {
			f.finish(&ending{err: err})
		}
	case res.Departure != nil:
		call(f, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		if main {
			f.finish(&ending{dep: res.Departure})
		}
	default:
		f.answered(ev, req, res, main)
		call(f, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID,
			ResponseCode: int64(res.Status), ResponseHeaders: entries(res.Header), Body: res.Body})
	}
}

// passThrough lets chromium load a page of the harness's own servers. The
// main frame's navigation to one is still the browser leaving the server
// when the agent says so (a client URI there): recorded, and the flow ends
// once the landing page has settled.
func (f *flow) passThrough(ev *fetch.EventRequestPaused, req agent.FetchRequest) {
	if req.Document {
		f.takeStart()
		if dep, err := f.a.Depart(req); err == nil && dep != nil {
			f.finish(&ending{dep: dep, landing: true})
		} else {
			f.setLastMain(nil) // a page the agent did not fetch
		}
	}
	call(f, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
}

// answered notes a response before chromium gets it: a 3xx for the via of
// the request that follows it, the main frame's document for the page the
// planner reads. A main-frame redirect to a Location no URL parser accepts
// is a departure all the same (as agent.Navigate reports it).
func (f *flow) answered(ev *fetch.EventRequestPaused, req agent.FetchRequest, res agent.FetchResult, main bool) {
	loc := res.Header.Get("Location")
	if !agent.IsRedirect(res.Status) || loc == "" {
		if main {
			f.setLastMain(&answer{status: res.Status, header: res.Header, body: res.Body})
		}
		return
	}
	f.mu.Lock()
	f.redirects[ev.RequestID] = res.Status
	f.mu.Unlock()
	if !main {
		return
	}
	base, err := url.Parse(ev.Request.URL)
	if err != nil {
		return
	}
	if _, _, err := agent.Resolve(base, loc); err != nil {
		via := "redirect " + strconv.Itoa(res.Status)
		f.finish(&ending{dep: &agent.Departure{URL: &url.URL{}, RawURL: strings.TrimSpace(loc), Method: http.MethodGet,
			Via: via, Status: res.Status, Unparsable: true}})
	}
}

func (f *flow) setLastMain(a *answer) {
	f.mu.Lock()
	f.lastMain = a
	f.mu.Unlock()
}

// startOverride makes the flow's first main-frame request the start
// navigation as given: chromium navigates with GET, the start may be a
// form POST.
func (f *flow) startOverride(req *agent.FetchRequest) {
	s := f.takeStart()
	if s == nil || s.Method == "" || strings.EqualFold(s.Method, http.MethodGet) {
		return
	}
	req.Method, req.Body = strings.ToUpper(s.Method), []byte(s.Body)
	if s.Body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
}

// takeStart returns the start navigation, once.
func (f *flow) takeStart() *interact.Start {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.start
	f.start = nil
	return s
}

// viaOf says what caused a request, in the agent's words: the start, a
// redirect (its status), the flow's own navigation, what the page asked
// for (a form, a link, a script, a refresh), or what a page loads.
func (f *flow) viaOf(ev *fetch.EventRequestPaused, main bool) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st, ok := f.redirects[ev.RedirectedRequestID]; ok && ev.RedirectedRequestID != "" {
		return "redirect " + strconv.Itoa(st)
	}
	switch {
	case main:
	case ev.ResourceType == network.ResourceTypeDocument:
		return agent.ViaBrowserSubframe
	case ev.ResourceType == network.ResourceTypeXHR || ev.ResourceType == network.ResourceTypeFetch ||
		ev.ResourceType == network.ResourceTypeEventSource:
		return agent.ViaBrowserXHR
	default:
		return agent.ViaBrowserSubresource
	}
	nav, own := f.asked, f.via
	f.asked, f.via = asked{}, ""
	switch {
	case f.start != nil:
		return "start"
	case own != "":
		return own
	case nav.url != "" && sameDocument(nav.url, ev.Request.URL):
		if v := reasons[nav.reason]; v != "" {
			return v
		}
	}
	if strings.EqualFold(ev.Request.Method, http.MethodPost) {
		return agent.ViaForm // only a form posts a navigation
	}
	return agent.ViaBrowserNavigation
}

// reasons are chromium's causes of a navigation in the HTML reader's words.
var reasons = map[page.ClientNavigationReason]string{
	page.ClientNavigationReasonFormSubmissionGet:  agent.ViaForm,
	page.ClientNavigationReasonFormSubmissionPost: agent.ViaForm,
	page.ClientNavigationReasonMetaTagRefresh:     "meta refresh",
	page.ClientNavigationReasonHTTPHeaderRefresh:  "meta refresh",
	page.ClientNavigationReasonScriptInitiated:    "script",
	page.ClientNavigationReasonAnchorClick:        "link",
}

// sameDocument compares two URLs without their fragments.
func sameDocument(a, b string) bool {
	cut := func(s string) string { s, _, _ = strings.Cut(s, "#"); return s }
	return cut(a) == cut(b)
}

// body is the request's body: chromium sends it with the event, unless it
// is long.
func (f *flow) body(ev *fetch.EventRequestPaused) []byte {
	r := ev.Request
	if !r.HasPostData {
		return nil
	}
	var b []byte
	for _, e := range r.PostDataEntries {
		b = append(b, e.Bytes...)
	}
	if len(b) == 0 && ev.NetworkID != "" {
		if res, err := call(f, network.GetRequestPostData, network.GetRequestPostDataParams{RequestID: ev.NetworkID}); err == nil {
			b = res.PostData
		}
	}
	return b
}

// headerOf reads chromium's request headers (one value per name, several
// joined by newlines).
func headerOf(h network.Headers) http.Header {
	out := http.Header{}
	for k, v := range h {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		for _, line := range strings.Split(s, "\n") {
			out.Add(k, line)
		}
	}
	return out
}

// unforwarded are the response headers chromium does not get: they
// describe the agent's connection, not the answer (RFC 9110 §7.6.1), and
// the body is handed over whole.
var unforwarded = map[string]bool{"Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Transfer-Encoding": true, "Trailer": true, "Upgrade": true, "Content-Length": true}

// entries are the response headers for chromium: Location and every
// Set-Cookie included, so that it follows redirects and its scripts see
// the cookies.
func entries(h http.Header) []*fetch.HeaderEntry {
	var out []*fetch.HeaderEntry
	for k, vs := range h {
		if unforwarded[textproto.CanonicalMIMEHeaderKey(k)] {
			continue
		}
		for _, v := range vs {
			out = append(out, &fetch.HeaderEntry{Name: k, Value: v})
		}
	}
	return out
}
