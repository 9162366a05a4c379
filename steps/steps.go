package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/target"
)

// Initialize binds every step to its handler for one scenario of a run
// against t.
func Initialize(sc *godog.ScenarioContext, t *target.Target) {
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		tags := make([]string, len(s.Tags))
		for i, tag := range s.Tags {
			tags[i] = tag.Name
		}
		w := &world{t: t, sec: securityProbe{payloads: map[string]string{}}}
		w.ids, w.level = Tags(tags)
		texts := make([]string, len(s.Steps))
		for i, st := range s.Steps {
			texts[i] = st.Text
		}
		w.browser = BrowserFor(texts) // browser.go
		return context.WithValue(ctx, worldKey{}, w), nil
	})

	bindSteps(sc) // bindings.go: the patterns compiled once per process
}

// registerCoreSteps binds the steps every area shares: the baseline
// request and the flow.
func registerCoreSteps(sc *registrar) {
	sc.Given(`^an authorization request from the implicit client$`, requestFromImplicitClient)

	sc.When(`^the resource owner signs in and (approves|denies) the request$`, ownerDecides)
}

// newRequest makes the scenario's request the baseline of client c at its
// registered redirect URI uri for response type rt (target.Baseline).
func newRequest(w *world, c *profile.Client, uri, rt string) {
	r := w.t.Baseline(c, uri, rt)
	w.client, w.registered, w.rt = c, uri, rt
	if w.controlClient == nil {
		w.controlClient = c
	}
	w.usesRT = false // set by the steps that ask for the response type under test
	w.req = r.Request
	w.redirectURI = uri
	w.sentState = &r.State
	w.nonce = nil
	if r.Nonce != "" {
		w.nonce = &r.Nonce
	}
}

// useClient makes the scenario's request the baseline of client c at its
// first registered redirect URI, for the response type under test.
func useClient(w *world, c *profile.Client) {
	newRequest(w, c, c.RedirectURIs[0], w.t.ResponseType)
	w.usesRT = true
}

func requestFromImplicitClient(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	useClient(w, w.t.Profile.Clients.Implicit)
	return ctx, nil
}

func decisionOf(words string) interact.Decision {
	if words == "denies" {
		return interact.Deny
	}
	return interact.Approve
}

func ownerDecides(ctx context.Context, decision string) (context.Context, error) {
	w := worldFrom(ctx)
	a, err := w.startBrowser(ctx)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	return w.flow(ctx, a, decisionOf(decision))
}

// flow runs the scenario's request in browser a and keeps how it ended.
func (w *world) flow(ctx context.Context, a *agent.Agent, d interact.Decision) (context.Context, error) {
	if w.req == nil {
		return ctx, w.harnessErr(errors.New("no authorization request to send (no Given request step)"))
	}
	w.decision = d
	out, err := w.runFlow(ctx, a, w.req, d)
	if out != nil {
		w.outcome = out
	}
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.ending = w.endingOf(out, w.req)
	return ctx, nil
}

// endingOf is how a flow of request req ended, for the checks.
func (w *world) endingOf(out *interact.Outcome, req *authz.Request) *check.Ending {
	rt, _ := req.Get("response_type")
	return target.EndingOf(out, rt)
}

// runFlow drives one authorization request through browser a, the resource
// owner deciding d. Scenarios that need several flows (a second request in
// the same session, many tokens) call it again with the same or a new agent.
func (w *world) runFlow(ctx context.Context, a *agent.Agent, req *authz.Request, d interact.Decision) (*interact.Outcome, error) {
	// The browser is done after this flow; closing its connections lets the
	// target (and the embedded server) shut down promptly.
	defer a.CloseIdleConnections()
	start := interact.Start{Method: req.Method, URL: req.URL()}
	if req.Method == "POST" {
		start = interact.Start{Method: "POST", URL: req.Endpoint, Body: req.Encode()}
	}
	return interact.Run(ctx, a, start, w.t.InteractOptions(d))
}

func (w *world) doneSteps() []string {
	if w.outcome == nil {
		return nil
	}
	return w.outcome.Steps
}

// judged wraps a Then step: the flow must have run, and a denial must have
// been made when the scenario's resource owner denies (catalogue §1.1: a
// denial is judged only after a consent page was shown and its deny control
// pressed); then the check decides. A pass counts only when the positive
// control — the same client's request without the tampering, for the same
// response type — is served in this run (catalogue §1.1): on a server that
// refuses everything, a refusal, a missing redirect, a missing token or an
// error response proves nothing. A failure stands on its own.
func judged(ctx context.Context, judge func(w *world) error) (context.Context, error) {
	w := worldFrom(ctx)
	if w.decision == interact.Deny && w.ending != nil && (w.outcome == nil || !w.outcome.Denied) {
		return ctx, w.skipBecause("no consent page with a deny control was shown (the flow %s): the resource owner could not deny, "+
			"so there is no denial to judge (a first-party client, or a consent the server remembers)", w.ending.Describe())
	}
	return judgedAnyDecision(ctx, judge)
}

// judgedAnyDecision is judged without the denial's precondition: for the
// no-redirect rule, which holds however far the flow got.
func judgedAnyDecision(ctx context.Context, judge func(w *world) error) (context.Context, error) {
	w := worldFrom(ctx)
	if w.ending == nil {
		return ctx, w.harnessErr(errors.New("the flow did not run (no When step)"))
	}
	return ctx, w.controlled(ctx, judge(w))
}

// negative wraps a Then step whose pass condition is a refusal or an
// absence ("refused", "not redirected", "no token", "error X"): judged, and
// marked as such in the report.
func negative(ctx context.Context, judge func(w *world) error) (context.Context, error) {
	worldFrom(ctx).negative = true
	return judged(ctx, judge)
}

// negativeAnyDecision is negative for the no-redirect rule.
func negativeAnyDecision(ctx context.Context, judge func(w *world) error) (context.Context, error) {
	worldFrom(ctx).negative = true
	return judgedAnyDecision(ctx, judge)
}

// controlled returns verdict, unless it is a pass whose positive control
// was refused: then the scenario is skipped, since that pass proves nothing.
// A verdict that is already a skip or a harness error is returned as it is.
func (w *world) controlled(ctx context.Context, verdict error) error {
	if verdict != nil || w.skip != "" || w.harness != nil {
		return verdict
	}
	c := w.controlClient
	if c == nil {
		return w.harnessErr(errors.New("no client to run the positive control with (no Given request step)"))
	}
	uri := w.registered
	if c != w.client {
		uri = c.RedirectURIs[0]
	}
	p, err := w.t.Control(ctx, c, uri, w.rt)
	if err != nil {
		return w.harnessErr(fmt.Errorf("the positive control (the unmodified request): %w", err))
	}
	if !p.OK {
		w.evidence = append(w.evidence, p.Evidence.Clone()) // the report masks in place; the control is shared
		return w.skipBecause("the unmodified request is refused too (client %q, redirect URI %q, response_type=%q: %s): this refusal proves nothing",
			c.ClientID, uri, w.rt, p.Describe)
	}
	return nil
}

func sentState(w *world) (string, error) {
	if w.sentState == nil {
		return "", w.harnessErr(errors.New("the scenario sent no state to compare with"))
	}
	return *w.sentState, nil
}

// withState wraps a Then step that compares with the state sent.
func withState(ctx context.Context, wrap func(context.Context, func(*world) error) (context.Context, error),
	judge func(w *world, sent string) error) (context.Context, error) {
	return wrap(ctx, func(w *world) error {
		sent, err := sentState(w)
		if err != nil {
			return err
		}
		return judge(w, sent)
	})
}
