package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// antiForgery matches the names servers give their anti-CSRF form field
// (csrf_token, csrfmiddlewaretoken, _csrf, authenticity_token, xsrf…).
var antiForgery = regexp.MustCompile(`(?i)(csrf|xsrf|authenticity|forgery|verification|^_?token$)`)

// consentForged drives the flow up to the consent form, then submits that
// form in an altered way: forged by another site (how == "forged"), or from
// a browser without the resource owner's cookies (how == "cookieless").
func consentForged(ctx context.Context, how string) (context.Context, error) {
	w := worldFrom(ctx)
	a, err := w.startBrowser()
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	defer a.CloseIdleConnections()
	opts := w.env.InteractOptions(interact.Approve)
	opts.HoldConsent = true
	start := interact.Start{Method: w.req.Method, URL: w.req.URL()}
	out, err := interact.Run(ctx, a, start, opts)
	w.outcome = out
	ctx = attachEvidence(ctx, w)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	held := out.HeldConsent
	if held == nil {
		return ctx, w.skipBecause("the flow showed no consent form to forge (%s)", Ending(out).Describe())
	}
	body := held.Body
	var from *agent.Agent
	h := http.Header{}
	switch how {
	case "forged":
		ps, _ := fragment.Parse(body)
		var kept, dropped []string
		for _, p := range ps {
			if antiForgery.MatchString(p.Name) {
				dropped = append(dropped, p.Name)
				continue
			}
			kept = append(kept, url.QueryEscape(p.Name)+"="+url.QueryEscape(p.Value))
		}
		if len(dropped) == 0 {
			return ctx, w.skipBecause("the consent form has no field recognisable as an anti-forgery token (fields: %s); the replay from another browser still applies",
				strings.Join(ps.Names(), ", "))
		}
		body = strings.Join(kept, "&")
		h.Set("Origin", "https://evil.example")
		h.Set("Referer", "https://evil.example/")
		h.Set("Sec-Fetch-Site", "cross-site")
		from = a
	default: // cookieless: the same submission, from a browser that has none of the cookies
		if from, err = w.newAgent(); err != nil {
			return ctx, w.harnessErr(err)
		}
		defer from.CloseIdleConnections()
		h.Set("Origin", held.Page.URL.Scheme+"://"+held.Page.URL.Host)
		h.Set("Sec-Fetch-Site", "same-origin")
	}
	hop, err := from.Probe(ctx, held.Method, held.URL, body, h)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	e := &check.Ending{StoppedAt: hop.URL, Status: hop.Status}
	if hop.Location != "" {
		// Follow what the server answered, the resource owner refusing any
		// new consent page: only a token issued for the forged form counts.
		via := fmt.Sprintf("redirect %d", hop.Status)
		next, nerr := from.Navigate(ctx, http.MethodGet, resolveAgainst(hop.URL, hop.Location), "", via)
		switch {
		case nerr != nil:
			return ctx, w.harnessErr(nerr)
		case next.Departure != nil:
			if next.Departure.Via == via && next.Departure.Status == 0 {
				next.Departure.Status = hop.Status // the probe's redirect led straight out
			}
			e = Ending(&interact.Outcome{Kind: interact.Redirected, Departure: next.Departure})
		default:
			e = &check.Ending{StoppedAt: next.Page.URL.String(), Status: next.Page.Status}
			if carriesTokenForm(string(next.Page.Body)) {
				e.Reason = "the page holds a form carrying an access_token"
			}
		}
	} else if carriesTokenForm(hop.BodyExcerpt) {
		e.Reason = "the page holds a form carrying an access_token"
	}
	w.ending = e
	w.agent = from
	return attachEvidence(ctx, w), nil
}

// carriesTokenForm: a form_post page handing an access token to the client.
func carriesTokenForm(body string) bool {
	b := strings.ToLower(body)
	return strings.Contains(b, `name="access_token"`) || strings.Contains(b, `name=access_token`)
}

func resolveAgainst(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

func consentForgedBySite(ctx context.Context) (context.Context, error) {
	return consentForged(ctx, "forged")
}

func consentFromOtherBrowser(ctx context.Context) (context.Context, error) {
	return consentForged(ctx, "cookieless")
}

func forgedConsentNoToken(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.ForgedConsentRefused(w.id(), w.ending) })
}
