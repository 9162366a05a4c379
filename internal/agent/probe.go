package agent

import (
	"context"
	"errors"
	"io"
	"net/http"
)

// Probe sends exactly one request, as a script or a form on another page
// would (its own method, form body and headers), and follows nothing. The target
// must be an allowed origin and not a client URI; the hop is recorded like
// any other, and the response's cookies are not stored (a probe is not a
// navigation). The returned Hop is the recorded one. A throttled answer is
// waited out and the probe sent once more, as any request (polite.go).
func (a *Agent) Probe(ctx context.Context, method, rawURL, body string, header http.Header) (Hop, error) {
	var hop Hop
	err := a.cfg.Polite.twice(ctx, rawURL, func(ctx context.Context) (err error) {
		hop, err = a.probeOnce(ctx, method, rawURL, body, header)
		return err
	})
	return hop, err
}

func (a *Agent) probeOnce(ctx context.Context, method, rawURL, body string, header http.Header) (Hop, error) {
	raw, target, err := Resolve(nil, rawURL)
	if err != nil {
		return Hop{}, &Error{Kind: KindInvalidURL, URL: noFragment(rawURL), Err: err}
	}
	if dep := a.departure(target, raw, method, "", "probe", 0); dep != nil {
		return Hop{}, &Error{Kind: KindInvalidURL, URL: withoutFragment(target).String(),
			Err: errors.New("a probe may only be sent to an allowed origin of the server")}
	}
	reqURL := withoutFragment(target)
	reqURL.RawQuery = escapeQuery(reqURL.RawQuery)
	hop := Hop{Method: method, URL: reqURL.String(), RequestBody: body, Via: "probe", Sent: true}
	if err := a.cfg.Polite.pace(ctx, hop.URL); err != nil {
		return Hop{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	req, err := a.newRequest(rctx, method, reqURL, body, body != "")
	if err != nil {
		return Hop{}, &Error{Kind: KindInvalidURL, URL: hop.URL, Err: err}
	}
	for name, vs := range header {
		for _, v := range vs {
			req.Header.Add(name, v)
		}
	}
	hop.RequestHeader = req.Header.Clone()
	resp, err := a.tr.RoundTrip(req)
	if err != nil {
		e := classify(err, ctx, rctx, hop.URL)
		hop.Err = e.Err.Error()
		a.record(hop)
		return hop, e
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, a.cfg.MaxBody))
	a.fillHop(&hop, resp, data)
	a.cfg.Polite.mark(ctx, &hop)
	noteBody(a.cfg.Secrets, data)
	a.record(hop)
	return hop, nil
}
