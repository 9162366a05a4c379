package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/implicitspec/implicitspec/internal/callback"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// Step 4 of the flow in a real browser (features/16_browser.feature): the
// flow of clients.browser_client is played to the end in the run's chromium,
// which loads the client's page the harness serves at its redirect URI
// (internal/callback).

func registerCallbackSteps(sc *registrar) {
	sc.Given(`^an authorization request from the browser client$`, requestFromBrowserClient)
	sc.When(`^the resource owner signs in and (approves|denies) the request in a real browser$`, ownerDecidesInRealBrowser)
	sc.Then(`^the client's page reads from location\.hash the token and the state the server sent$`, pageReadsToken)
	sc.Then(`^every parameter of the fragment the server sent arrives unchanged at the client's page$`, fragmentSurvives)
	sc.Then(`^the client's web server received no token: not in a path, a query or a Referer$`, noTokenAtClientServer)
	sc.Then(`^the token redirect, or every page of the server before it, sets a referrer policy that keeps its address from other origins$`, referrerPolicyOnTokenPath)
}

// pageRead is what the client's page published (callback's page script).
type pageRead struct {
	Href      string            `json:"href"`
	Hash      string            `json:"hash"`
	Params    map[string]string `json:"params"`
	Names     []string          `json:"names"`
	Malformed []string          `json:"malformed"`
}

// landingState is the real browser's flow of a step-4 scenario.
type landingState struct {
	read     pageRead
	sent     string // the fragment of the server's token redirect
	redirect int    // index of the token redirect in the flow's exchanges
	cb       *callback.Server
	logFrom  int // the callback log's length before the flow
}

func requestFromBrowserClient(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	c := w.t.Profile.Clients.Browser
	if c == nil {
		return ctx, w.skipBecause("the target profile names no clients.browser_client (a client whose redirect URI is a loopback page the harness serves): " +
			"the real-browser scenarios need one")
	}
	if ok, why := w.t.BrowserAvailable(); !ok {
		return ctx, w.skipBecause("no real browser on this machine (%s): the real-browser scenarios need chromium", why)
	}
	useClient(w, c)
	return ctx, nil
}

func ownerDecidesInRealBrowser(ctx context.Context, decision string) (context.Context, error) {
	w := worldFrom(ctx)
	if w.req == nil {
		return ctx, w.harnessErr(errors.New("no authorization request to send (no Given request step)"))
	}
	cb, err := w.t.Callback()
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	a, err := w.startBrowser(ctx)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.decision = decisionOf(decision)
	w.land = &landingState{cb: cb, logFrom: len(cb.Log())}
	defer a.CloseIdleConnections()
	out, err := interact.Run(ctx, a, interact.Start{Method: w.req.Method, URL: w.req.URL()}, w.t.BrowserOptions(w.decision, cb))
	if out != nil {
		w.outcome = out
	}
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.ending = w.endingOf(out, w.req)
	return ctx, nil
}

// landed is judged for the step-4 scenarios: the browser must have reached
// the client's page after a token redirect, else there is nothing to judge.
func landed(ctx context.Context, judge func(w *world, l *landingState) error) (context.Context, error) {
	w := worldFrom(ctx)
	if w.ending == nil || w.land == nil {
		return ctx, w.harnessErr(errors.New("the real browser's flow did not run (no When step)"))
	}
	l := w.land
	xs := w.agent.Hops()
	red, ok := check.TokenRedirect(xs)
	if !ok {
		return ctx, w.skipBecause("the server sent the browser client no token (the flow %s): there is no step 4 to watch; "+
			"check that clients.browser_client may use response_type=%q and that its redirect URI is registered", w.ending.Describe(), w.rt)
	}
	for i, x := range xs {
		if x.URL == red.URL && x.Location == red.Location {
			l.redirect = i
		}
	}
	_, l.sent, _ = fragment.FromURL(red.Location)
	if w.outcome.Landing == nil {
		return ctx, w.controlled(ctx, check.Fail(w.id(), "the browser never loaded the client's page at %s after the token redirect (the flow %s)",
			w.registered, w.ending.Describe()))
	}
	if p := w.outcome.Landing.Published; p != "" {
		if err := json.Unmarshal([]byte(p), &l.read); err != nil {
			return ctx, w.harnessErr(fmt.Errorf("the client's page published what the harness cannot read: %w", err))
		}
	} else {
		return ctx, w.harnessErr(errors.New("the client's page ran no script (window.__implicitspec is unset): the browser did not run the harness's callback page"))
	}
	w.evidence = append(w.evidence, w.landingEvidence())
	return ctx, judge(w, l)
}

// landingEvidence is what the client's page read and the requests its
// server was sent; the report masks secrets in it as everywhere.
func (w *world) landingEvidence() evidence.Group {
	l := w.land
	g := evidence.Group{Label: "the client's page, in the real browser",
		Note: fmt.Sprintf("location.href %s; the page read from location.hash: %s",
			w.outcome.Landing.URL, strings.Join(l.read.Names, ", "))}
	for _, r := range l.cb.Log()[l.logFrom:] {
		x := evidence.Exchange{Method: r.Method, URL: l.cb.Origin() + r.Target, Sent: true, Via: "the browser, to the client's server"}
		if ref := r.Header.Get("Referer"); ref != "" {
			x.Header = append(x.Header, evidence.Pair{Name: "Referer (sent)", Value: ref})
		}
		g.Exchanges = append(g.Exchanges, x)
	}
	return g
}

func pageReadsToken(ctx context.Context) (context.Context, error) {
	return landed(ctx, func(w *world, l *landingState) error {
		sent, _ := fragment.Parse(l.sent)
		return check.PageReadToken(w.id(), sent, l.read.Params)
	})
}

func fragmentSurvives(ctx context.Context) (context.Context, error) {
	return landed(ctx, func(w *world, l *landingState) error {
		after := 0
		for _, x := range w.agent.Hops()[l.redirect+1:] {
			if x.Location != "" || !x.Sent {
				after++
			}
		}
		return check.FragmentSurvived(w.id(), l.sent, l.read.Hash, after+1)
	})
}

func noTokenAtClientServer(ctx context.Context) (context.Context, error) {
	return landed(ctx, func(w *world, l *landingState) error {
		sent, _ := fragment.Parse(l.sent)
		var secrets []string
		for _, name := range []string{"access_token", "id_token", "code"} {
			secrets = append(secrets, sent.All(name)...)
		}
		return check.NoTokenAtClientServer(w.id(), callback.Found(l.cb.Log()[l.logFrom:], secrets...))
	})
}

func referrerPolicyOnTokenPath(ctx context.Context) (context.Context, error) {
	return landed(ctx, func(w *world, l *landingState) error {
		xs := w.agent.Hops()
		return check.ReferrerPolicyOnTokenPath(w.id(), xs[:l.redirect], xs[l.redirect])
	})
}
