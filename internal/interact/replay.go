package interact

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// antiForgery matches the names servers give their anti-CSRF form field
// (csrf_token, csrfmiddlewaretoken, _csrf, authenticity_token, xsrf…).
var antiForgery = regexp.MustCompile(`(?i)(csrf|xsrf|authenticity|forgery|verification|^_?token$)`)

// WithoutAntiForgery is the form body with every field that looks like an
// anti-forgery token left out, as another site forging the form would send
// it; dropped names them, fields lists every field of the body.
func WithoutAntiForgery(body string) (forged string, dropped, fields []string) {
	var kept []string
	for _, pair := range strings.Split(body, "&") {
		if pair == "" {
			continue
		}
		rawName, _, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			name = rawName
		}
		fields = append(fields, name)
		if antiForgery.MatchString(name) {
			dropped = append(dropped, name)
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(kept, "&"), dropped, fields
}

// Replay sends a held submission again, as a script or another browser would
// (its own headers), then lets the browser carry on only where a browser
// goes by itself — redirects, and self-submitting forms such as a form_post
// page — never pressing anything for the resource owner: only a token issued
// for the replayed submission itself reaches the client. The Outcome is
// read like Run's.
func Replay(ctx context.Context, a *agent.Agent, sub Submission, header http.Header) (*Outcome, error) {
	hop, err := a.Probe(ctx, sub.Method, sub.URL, sub.Body, header)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Kind: Stopped, Steps: []string{fmt.Sprintf("replayed the consent submission (%s %s)", sub.Method, shortURL(sub.URL))}}
	var res agent.Result
	if hop.Location == "" {
		u, _ := url.Parse(hop.URL)
		res.Page = &agent.Page{URL: u, Status: hop.Status, Header: hop.Header, Body: []byte(hop.BodyExcerpt)}
	} else {
		via := fmt.Sprintf("redirect %d", hop.Status)
		raw, _, rerr := agent.Resolve(mustParse(hop.URL), hop.Location)
		if rerr != nil {
			raw = hop.Location
		}
		if res, err = a.Navigate(ctx, http.MethodGet, raw, "", via); err != nil {
			return nil, err
		}
		if d := res.Departure; d != nil && d.Via == via && d.Status == 0 {
			d.Status = hop.Status // the replay's own redirect led straight out
		}
	}
	// A browser submits a self-submitting form (form_post) by itself.
	for i := 0; res.Page != nil && res.Page.IsHTML() && i < 3; i++ {
		f := parseDocument(res.Page.Body).selfSubmitting()
		if f == nil {
			break
		}
		s, serr := f.submit(res.Page.URL, res.Page.URL, nil, nil)
		if serr != nil {
			break
		}
		out.Steps = append(out.Steps, fmt.Sprintf("submitted self-submitting form (%s %s)", s.method, shortURL(s.url)))
		if res, err = a.Navigate(ctx, s.method, s.url, s.body, "form"); err != nil {
			return nil, err
		}
	}
	if d := res.Departure; d != nil {
		out.Departure, out.Kind = d, departureKind(d)
		return out, nil
	}
	out.Page, out.Reason = res.Page, "the replayed submission ended on a page of the server"
	return out, nil
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{}
	}
	return u
}
