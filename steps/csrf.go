package steps

import (
	"context"
	"net/http"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/interact"
)

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
	opts := w.t.InteractOptions(interact.Approve)
	opts.HoldConsent = true
	out, err := interact.Run(ctx, a, interact.Start{Method: w.req.Method, URL: w.req.URL()}, opts)
	w.outcome = out
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	held := out.HeldConsent
	if held == nil {
		return ctx, w.skipBecause("the flow showed no consent form to forge (%s)", w.endingOf(out, w.req).Describe())
	}
	sub, from, h := *held, a, http.Header{}
	switch how {
	case "forged":
		var dropped, fields []string
		sub.Body, dropped, fields = interact.WithoutAntiForgery(held.Body)
		if len(dropped) == 0 {
			// Quoted: the names come from the server's page (one line, as text).
			return ctx, w.skipBecause("the consent form has no field recognisable as an anti-forgery token (fields: %q); the replay from another browser still applies",
				fields)
		}
		h.Set("Origin", "https://evil.example")
		h.Set("Referer", "https://evil.example/")
		h.Set("Sec-Fetch-Site", "cross-site")
	default: // cookieless: the same submission, from a browser that has none of the cookies
		if from, err = w.newAgent(); err != nil {
			return ctx, w.harnessErr(err)
		}
		// The other browser becomes the flow's: keep what the resource
		// owner's did.
		w.evidence = append(w.evidence, evidence.FromHops("the resource owner's browser, up to the consent form", a.Hops(), w.t.Redactor()))
		defer from.CloseIdleConnections()
		h.Set("Origin", held.Page.URL.Scheme+"://"+held.Page.URL.Host)
		h.Set("Sec-Fetch-Site", "same-origin")
	}
	replayed, err := interact.Replay(ctx, from, sub, h)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.ending, w.agent = w.endingOf(replayed, w.req), from
	return ctx, nil
}

func consentForgedBySite(ctx context.Context) (context.Context, error) {
	return consentForged(ctx, "forged")
}

func consentFromOtherBrowser(ctx context.Context) (context.Context, error) {
	return consentForged(ctx, "cookieless")
}

func forgedConsentNoToken(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.ForgedConsentRefused(w.id(), w.ending) })
}
