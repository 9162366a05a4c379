package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/report"
	"github.com/implicitspec/implicitspec/internal/resource"
)

// Initialize binds every step to its handler for one scenario.
func Initialize(sc *godog.ScenarioContext, env *Env) {
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		tags := make([]string, len(s.Tags))
		for i, t := range s.Tags {
			tags[i] = t.Name
		}
		w := &world{env: env}
		w.ids, w.level = Tags(tags)
		return context.WithValue(ctx, worldKey{}, w), nil
	})

	for _, register := range []func(*godog.ScenarioContext){
		registerCoreSteps, registerRedirectSteps, registerResponseSteps, registerSecuritySteps, registerOIDCSteps,
		registerRequestSteps,
	} {
		register(sc)
	}
}

// registerCoreSteps binds the steps of the first features: the baseline
// request, the flow, and the core judgements.
func registerCoreSteps(sc *godog.ScenarioContext) {
	sc.Given(`^an authorization request from the implicit client$`, requestFromImplicitClient)
	sc.Given(`^an authorization request from the client that is not allowed the implicit grant$`, requestFromCodeOnlyClient)
	sc.Given(`^an authorization request from the unregistered client "([^"]*)"$`, requestFromUnregisteredClient)
	sc.Given(`^the state is "(.*)"$`, stateIs)
	sc.Given(`^spaces in the request are written as "(\+|%20)"$`, spacesWrittenAs)
	sc.Given(`^the request carries no state$`, noState)
	sc.Given(`^the redirect URI is the registered one followed by "([^"]*)"$`, redirectURIWithSuffix)

	sc.When(`^the resource owner signs in and (approves|denies) the request$`, ownerDecides)

	sc.Then(`^the client receives an access token$`, clientReceivesAccessToken)
	sc.Then(`^the browser is never sent to the redirect URI$`, neverRedirected)
	sc.Then(`^no access token is issued$`, noAccessToken)
	sc.Then(`^the client receives the error "([^"]*)"$`, clientReceivesError)
	sc.Then(`^the browser is sent to the registered redirect URI exactly$`, sentToRegisteredURI)
	sc.Then(`^the state in the response is exactly the one sent$`, stateEchoed)
	sc.Then(`^the state comes back exactly as sent, unless the request is refused as invalid$`, stateEchoedOrRefused)
	sc.Then(`^the response carries no state$`, noStateReturned)
	sc.Then(`^the error response carries the state exactly$`, errorCarriesState)
	sc.Then(`^the response is in the fragment of the redirect URI$`, responseInFragment)
	sc.Then(`^the query of the redirect URI is exactly the registered one$`, queryAsRegistered)
	sc.Then(`^the response holds a non-empty access token$`, nonEmptyAccessToken)
	sc.Then(`^the response names the token type$`, namesTokenType)
	sc.Then(`^the access token is accepted by the userinfo endpoint$`, tokenAcceptedByUserinfo)
}

// --- Given: the request ---

func newRequest(w *world, clientID string, redirectURIs []string, scope string) {
	redirect := ""
	if len(redirectURIs) > 0 {
		redirect = redirectURIs[0]
	}
	state := authz.RandomState()
	w.req = authz.Baseline(w.env.Profile.AuthorizationEndpoint, clientID, redirect, scope, state)
	w.redirectURI = redirect
	w.sentState = &state
}

func requestFromImplicitClient(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	c := w.env.Profile.Clients.Implicit
	w.client = c
	newRequest(w, c.ClientID, c.RedirectURIs, c.Scope)
	return ctx, nil
}

func requestFromCodeOnlyClient(ctx context.Context) (context.Context, error) {
	return requestFromOptionalClient(ctx, worldFrom(ctx).env.Profile.Clients.CodeOnly,
		"client that is registered but not allowed the implicit grant (clients.code_only)")
}

func requestFromUnregisteredClient(ctx context.Context, clientID string) (context.Context, error) {
	w := worldFrom(ctx)
	c := w.env.Profile.Clients.Implicit
	w.client = c
	newRequest(w, clientID, c.RedirectURIs, c.Scope)
	return ctx, nil
}

func stateIs(ctx context.Context, state string) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Set("state", state)
	w.sentState = &state
	return ctx, nil
}

func spacesWrittenAs(ctx context.Context, how string) (context.Context, error) {
	worldFrom(ctx).req.SpaceAsPercent = how == "%20"
	return ctx, nil
}

func noState(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Del("state")
	w.sentState = nil
	return ctx, nil
}

func redirectURIWithSuffix(ctx context.Context, suffix string) (context.Context, error) {
	w := worldFrom(ctx)
	w.redirectURI += suffix
	w.req.Set("redirect_uri", w.redirectURI)
	return ctx, nil
}

// --- When: the flow ---

func ownerDecides(ctx context.Context, decision string) (context.Context, error) {
	w := worldFrom(ctx)
	decide := interact.Approve
	if decision == "denies" {
		decide = interact.Deny
	}
	a, err := w.startBrowser()
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	out, err := w.runFlow(ctx, a, w.req, decide)
	ctx = attachEvidence(ctx, w)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.outcome = out
	w.ending = Ending(out)
	return attachEvidence(ctx, w), nil
}

// pageBytes is how much of each page the browser keeps as evidence.
const pageBytes = 256 << 10

// newAgent is a fresh browser for this scenario: its own cookie jar, and the
// URI the request names counted as the client's, registered or not — the
// browser must never contact it, and a redirect to it is what is judged.
func (w *world) newAgent() (*agent.Agent, error) {
	cfg := w.env.AgentConfig()
	// Whole pages, not excerpts: the security checks read every page's
	// markup (a reflected parameter may sit far down the page).
	cfg.ExcerptBytes = pageBytes
	a, err := agent.New(cfg)
	if err != nil {
		return nil, err
	}
	// A deliberately malformed redirect URI that cannot be parsed is not
	// marked (MarkClientURI ignores it): no navigation can reach it either.
	if w.redirectURI != "" {
		a.MarkClientURI(w.redirectURI)
	}
	return a, nil
}

// startBrowser gives the scenario its browser: a fresh one, whose hops are
// the scenario's evidence.
func (w *world) startBrowser() (*agent.Agent, error) {
	a, err := w.newAgent()
	if err == nil {
		w.agent = a
	}
	return a, err
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
	out, err := interact.Run(ctx, a, start, w.env.InteractOptions(d))
	if err != nil {
		return out, err
	}
	if why := unofferedTokenRefusal(w.ids, w.env.Profile, req, Ending(out)); why != "" {
		return out, w.skipBecause("%s", why)
	}
	return out, nil
}

// attachEvidence attaches the redacted transcript for Cucumber JSON.
func attachEvidence(ctx context.Context, w *world) context.Context {
	if w.agent == nil {
		return ctx
	}
	text := report.Transcript(w.agent.Hops(), w.doneSteps(), w.env.Redactor())
	return godog.Attach(ctx, godog.Attachment{Body: []byte(text), FileName: "transcript.txt", MediaType: "text/plain"})
}

func (w *world) doneSteps() []string {
	if w.outcome == nil {
		return nil
	}
	return w.outcome.Steps
}

// Ending turns the browser's outcome into what the checks judge.
func Ending(o *interact.Outcome) *check.Ending {
	e := &check.Ending{Reason: o.Reason, Title: o.Title}
	if d := o.Departure; d != nil {
		e.Left = true
		e.Method = d.Method
		e.Target = d.RawURL
		e.ToClient = d.ClientURI
		e.Via = describeVia(d)
		q, f, has := fragment.FromURL(d.RawURL)
		e.Query, _ = fragment.Parse(q)
		var probs []fragment.Problem
		e.Fragment, probs = fragment.Parse(f)
		e.HasFragment = has
		e.Problems = append(e.Problems, probs...)
		if d.Method == "POST" {
			e.Form, probs = fragment.Parse(d.Body)
			e.Problems = append(e.Problems, probs...)
		}
		return e
	}
	if p := o.Page; p != nil {
		e.StoppedAt = p.URL.String()
		e.Status = p.Status
	}
	return e
}

func describeVia(d *agent.Departure) string {
	switch {
	case d.Unparsable:
		return fmt.Sprintf("HTTP %d redirect to a Location no URL parser accepts", d.Status)
	case strings.HasPrefix(d.Via, "redirect"):
		return fmt.Sprintf("HTTP %d redirect", d.Status)
	case d.Via == "form":
		return fmt.Sprintf("self-submitting form (%s)", d.Method)
	default:
		return d.Via
	}
}

// --- Then: the judgements ---

// judged wraps a Then step: the flow must have run, then the check decides.
func judged(ctx context.Context, judge func(w *world) error) (context.Context, error) {
	w := worldFrom(ctx)
	if w.ending == nil {
		return ctx, w.harnessErr(errors.New("the flow did not run (no When step)"))
	}
	return ctx, judge(w)
}

func clientReceivesAccessToken(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.ClientGetsToken(w.id(), w.ending) })
}

func neverRedirected(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := check.NoToken(w.id(), w.ending); err != nil {
			return err
		}
		return check.NeverRedirected(w.id(), w.ending)
	})
}

func noAccessToken(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.NoToken(w.id(), w.ending) })
}

func clientReceivesError(ctx context.Context, code string) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.ErrorCode(w.id(), w.ending, code) })
}

func sentToRegisteredURI(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.TargetIs(w.id(), w.ending, w.redirectURI) })
}

func sentState(w *world) (string, error) {
	if w.sentState == nil {
		return "", w.harnessErr(errors.New("the scenario sent no state to compare with"))
	}
	return *w.sentState, nil
}

func stateEchoed(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		sent, err := sentState(w)
		if err != nil {
			return err
		}
		return check.StateEchoed(w.id(), w.ending, sent)
	})
}

func stateEchoedOrRefused(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		sent, err := sentState(w)
		if err != nil {
			return err
		}
		return check.StateEchoedOrRefused(w.id(), w.ending, sent)
	})
}

func noStateReturned(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.NoStateInvented(w.id(), w.ending) })
}

func errorCarriesState(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		sent, err := sentState(w)
		if err != nil {
			return err
		}
		return check.ErrorCarriesState(w.id(), w.ending, sent)
	})
}

func responseInFragment(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.InFragment(w.id(), w.ending) })
}

func queryAsRegistered(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.QueryAsRegistered(w.id(), w.ending, w.redirectURI) })
}

func nonEmptyAccessToken(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.AccessToken(w.id(), w.ending) })
}

func namesTokenType(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.TokenType(w.id(), w.ending) })
}

func tokenAcceptedByUserinfo(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	endpoint := w.env.Profile.UserinfoEndpoint
	if endpoint == "" {
		return ctx, w.skipBecause("the target profile names no userinfo_endpoint (and discovery gave none)")
	}
	return judged(ctx, func(w *world) error {
		if err := check.AccessToken(w.id(), w.ending); err != nil {
			return err
		}
		token, _ := w.ending.Response().Get("access_token")
		ans, err := resource.Get(ctx, w.env.HTTP, endpoint, token)
		if err != nil {
			return w.harnessErr(err)
		}
		return check.ResourceAccepts(w.id(), endpoint, ans.Status, ans.WWWAuthenticate)
	})
}
