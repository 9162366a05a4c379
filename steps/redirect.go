package steps

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/registration"
)

// registerRedirectSteps binds the steps of the redirect features.
func registerRedirectSteps(sc *registrar) {
	sc.Given(`^the redirect URI is the registered one followed by "([^"]*)"$`, redirectURIWithSuffix)

	sc.Then(`^the browser is never sent to the redirect URI$`, neverRedirected)
	sc.Then(`^the browser is never sent to the unregistered redirect URI, not even with an error$`, redirectURIValidatedFirst)
	sc.Then(`^the browser is sent to the registered redirect URI exactly$`, sentToRegisteredURI)

	sc.Given(`^an authorization request from the client with several registered redirect URIs$`, requestFromTwoURIsClient)
	sc.Given(`^an authorization request from the client registered with a query in its redirect URI$`, requestFromWithQueryClient)
	sc.Given(`^an authorization request from the native client with a loopback redirect URI$`, requestFromNativeClient)
	sc.Given(`^an authorization request from a client with a redirect URI registered with a trailing slash$`, requestFromSlashClient)
	sc.Given(`^an authorization request from a client with a redirect URI registered with percent-encoding$`, requestFromPercentClient)
	sc.Given(`^the redirect URI is the registered one with (.+)$`, redirectURIVariant)
	sc.Given(`^the request carries no redirect_uri$`, noRedirectURI)
	sc.Given(`^the request carries no client_id$`, noClientID)
	sc.Given(`^the client_id is the registered one in other case$`, clientIDOtherCase)
	sc.Given(`^the resource owner has already signed in and approved the implicit client in this browser$`, priorConsent)
	sc.Given(`^the request asks the server not to interact with the resource owner \(prompt=none\)$`, promptNone)

	sc.When(`^the resource owner (approves|denies) the request in the same browser$`, ownerDecidesSameBrowser)
	sc.When(`^the request is sent in the same browser$`, sentInSameBrowser)

	sc.Given(`^a registration of a web client for the implicit grant with the redirect URI "([^"]*)"$`, registrationWithURI)
	sc.Given(`^a registration of a web client for the implicit grant without redirect URIs$`, registrationWithoutURIs)

	sc.When(`^the client registers$`, clientRegisters)

	sc.Then(`^the registration is refused as invalid$`, registrationRefused)
	sc.Then(`^the browser is not sent to a registered redirect URI instead$`, noFallback)
	sc.Then(`^the response goes to the one registered redirect URI, or the browser is not redirected at all$`, atRegisteredOrNotRedirected)
	sc.Then(`^the client receives an access token at that redirect URI$`, tokenAtThatURI)

	sc.Given(`^the OpenID Connect request names no redirect URI$`, noRedirectURI)
}

// requestFromOptionalClient builds the baseline request for an optional
// client of the profile, or skips the scenario, saying which is missing.
func requestFromOptionalClient(ctx context.Context, c *profile.Client, missing string) (context.Context, error) {
	w := worldFrom(ctx)
	if c == nil {
		return ctx, w.skipBecause("the target profile names no %s", missing)
	}
	useClient(w, c)
	return ctx, nil
}

func requestFromTwoURIsClient(ctx context.Context) (context.Context, error) {
	return requestFromOptionalClient(ctx, worldFrom(ctx).t.Profile.Clients.TwoURIs,
		"client with several registered redirect URIs (clients.two_uris)")
}

func requestFromWithQueryClient(ctx context.Context) (context.Context, error) {
	return requestFromOptionalClient(ctx, worldFrom(ctx).t.Profile.Clients.WithQuery,
		"client registered with a query in its redirect URI (clients.with_query)")
}

func requestFromNativeClient(ctx context.Context) (context.Context, error) {
	return requestFromOptionalClient(ctx, worldFrom(ctx).t.Profile.Clients.Native,
		"native client with a loopback redirect URI (clients.native)")
}

func requestFromSlashClient(ctx context.Context) (context.Context, error) {
	return requestWithURIFor(ctx, "its trailing slash removed", "with a trailing slash after a path segment")
}

func requestFromPercentClient(ctx context.Context) (context.Context, error) {
	return requestWithURIFor(ctx, "the hex digits of its percent-encoding in other case", "with percent-encoding")
}

// requestWithURIFor picks the first registered redirect URI, of any implicit
// client of the profile, that the change can be made to, and makes the
// request with it; skipped when there is none.
func requestWithURIFor(ctx context.Context, change, what string) (context.Context, error) {
	w := worldFrom(ctx)
	cs := w.t.Profile.Clients
	for _, c := range []*profile.Client{cs.Implicit, cs.TwoURIs, cs.WithQuery} {
		if c == nil {
			continue
		}
		for _, u := range c.RedirectURIs {
			if _, err := authz.RedirectVariant(u, change); err == nil {
				newRequest(w, c, u, w.t.ResponseType)
				w.usesRT = true
				return ctx, nil
			}
		}
	}
	return ctx, w.skipBecause("no implicit client of the target profile has a redirect URI registered %s", what)
}

func redirectURIVariant(ctx context.Context, change string) (context.Context, error) {
	w := worldFrom(ctx)
	if w.req == nil {
		return ctx, w.harnessErr(errors.New("no authorization request to change (no Given request step)"))
	}
	uri, err := authz.RedirectVariant(w.redirectURI, change)
	var na *authz.NotApplicable
	switch {
	case errors.As(err, &na):
		return ctx, w.skipBecause("the registered redirect URI %q cannot be given %s: %s", w.redirectURI, change, na.Reason)
	case err != nil:
		return ctx, w.harnessErr(err)
	}
	w.redirectURI = uri
	w.req.Set("redirect_uri", uri)
	return ctx, nil
}

func noRedirectURI(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Del("redirect_uri")
	w.redirectURI = ""
	return ctx, nil
}

func noClientID(ctx context.Context) (context.Context, error) {
	worldFrom(ctx).req.Del("client_id")
	return ctx, nil
}

func clientIDOtherCase(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	id := w.client.ClientID
	other := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsUpper(r):
			return unicode.ToLower(r)
		case unicode.IsLower(r):
			return unicode.ToUpper(r)
		}
		return r
	}, id)
	if other == id {
		return ctx, w.skipBecause("the client_id %q has no letter whose case could change", id)
	}
	w.req.Set("client_id", other)
	return ctx, nil
}

// priorConsent runs a valid flow of the implicit client in a new browser,
// which the scenario then keeps: the resource owner is signed in and has
// approved the client once. If that flow does not reach the client, the
// condition cannot be set up and the scenario is skipped (AEP-01 judges it).
func priorConsent(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	c := w.t.Profile.Clients.Implicit
	a, err := w.startBrowser(ctx)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	req := w.t.Baseline(c, c.RedirectURIs[0], w.t.ResponseType)
	out, err := w.runFlow(ctx, a, req.Request, interact.Approve)
	if err != nil {
		return ctx, w.harnessErr(fmt.Errorf("the valid flow before the probe: %w", err))
	}
	if e := w.endingOf(out, req.Request); !check.Succeeded(e) {
		return ctx, w.skipBecause("a valid request of the implicit client did not reach the client (%s), so no consented session could be set up", e.Describe())
	}
	return ctx, nil
}

// ownerDecidesSameBrowser runs the request in the scenario's browser, kept
// from an earlier flow (a fresh one if there is none).
func ownerDecidesSameBrowser(ctx context.Context, decision string) (context.Context, error) {
	w := worldFrom(ctx)
	if w.agent == nil {
		return ownerDecides(ctx, decision)
	}
	if w.redirectURI != "" {
		w.agent.MarkClientURI(w.redirectURI)
	}
	return w.flow(ctx, w.agent, decisionOf(decision))
}

func promptNone(ctx context.Context) (context.Context, error) {
	worldFrom(ctx).req.Set("prompt", "none")
	return ctx, nil
}

// sentInSameBrowser sends a request that asks for no interaction; should a
// page ask anyway, the resource owner approves.
func sentInSameBrowser(ctx context.Context) (context.Context, error) {
	return ownerDecidesSameBrowser(ctx, "approves")
}

func noFallback(ctx context.Context) (context.Context, error) {
	return negativeAnyDecision(ctx, func(w *world) error {
		var registered []string
		for _, c := range w.t.Profile.Clients.All() {
			registered = append(registered, c.RedirectURIs...)
		}
		return check.NoFallback(w.id(), w.ending, registered)
	})
}

func atRegisteredOrNotRedirected(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		return check.AtURIOrNotRedirected(w.id(), w.ending, w.registered)
	})
}

// tokenAtThatURI: a token at exactly the redirect URI sent. A server that
// refuses the implicit grant to native clients (RFC 8252 §8.2: NOT
// RECOMMENDED for them) is skipped, as the catalogue says: when no token
// comes, the positive control — the same client at its registered URI — is
// consulted, and if that gets no token either, the client gets none at all.
func tokenAtThatURI(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		err := check.TokenAt(w.id(), w.ending, w.redirectURI)
		if err == nil || check.ClientGetsToken(w.id(), w.ending) == nil {
			return err // no token, or a token elsewhere
		}
		p, cerr := w.t.Control(ctx, w.client, w.registered, w.rt)
		if cerr != nil {
			return w.harnessErr(fmt.Errorf("the control request with the registered URI: %w", cerr))
		}
		if !p.OK {
			return w.skipBecause("the native client gets no token even at its registered URI %q: the server refuses it the implicit grant (%s)", w.registered, p.Describe)
		}
		return err
	})
}

// registrationProbe is a scenario's dynamic client registration (RFC 7591).
type registrationProbe struct {
	uris   []string // nil: the registration names none
	what   string   // for messages: "a web client for the implicit grant with redirect URI …"
	answer registration.Answer
	done   bool
}

// controlRedirectURI is the redirect URI of the positive control's
// registration: a web client's https URI, which every server must accept.
const controlRedirectURI = "https://client.example.com/implicitspec-cb"

func registrationWithURI(ctx context.Context, uri string) (context.Context, error) {
	worldFrom(ctx).reg = &registrationProbe{uris: []string{uri},
		what: fmt.Sprintf("a web client for the implicit grant with redirect URI %q", uri)}
	return ctx, nil
}

func registrationWithoutURIs(ctx context.Context) (context.Context, error) {
	worldFrom(ctx).reg = &registrationProbe{what: "a web client for the implicit grant without redirect URIs"}
	return ctx, nil
}

// registrationEndpoint is the target's registration_endpoint from its
// metadata, when it is on one of the target's origins.
func registrationEndpoint(p *profile.Profile) (string, string) {
	ep := p.Metadata.RegistrationEndpoint()
	if ep == "" {
		return "", "the target advertises no registration_endpoint (RFC 7591 dynamic client registration)"
	}
	u, err := url.Parse(ep)
	if err != nil || !slices.Contains(p.Origins(), profile.Origin(u)) {
		return "", "the target's registration_endpoint is not on one of the target's origins"
	}
	return ep, ""
}

func clientRegisters(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if w.reg == nil {
		return ctx, w.harnessErr(errors.New("no registration to send (no Given registration step)"))
	}
	w.metaRead = true // the endpoint is the metadata's
	ep, why := registrationEndpoint(w.t.Profile)
	if ep == "" {
		return ctx, w.skipBecause("%s", why)
	}
	ans, err := registration.Register(ctx, w.sideClient("registration"), ep, registration.WebImplicitClient(w.reg.uris, w.t.ResponseType))
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	if ans.NeedsInitialToken() {
		return ctx, w.skipBecause("the registration endpoint requires an initial access token (HTTP %d)", ans.Status)
	}
	w.reg.answer, w.reg.done = ans, true
	return ctx, nil
}

// registrationRefused judges the refusal, which counts only when the same
// registration with a valid https redirect URI is accepted (the positive
// control: a registration endpoint that refuses everything proves nothing).
func registrationRefused(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if w.reg == nil || !w.reg.done {
		return ctx, w.harnessErr(errors.New("no registration was sent (no When step)"))
	}
	w.negative = true
	if err := check.RegistrationRefused(w.id(), w.reg.answer.Status, w.reg.answer.Error, w.reg.what); err != nil {
		return ctx, err
	}
	ep, _ := registrationEndpoint(w.t.Profile)
	ans, err := registration.Register(ctx, w.sideClient("registration (the positive control: a valid one)"), ep,
		registration.WebImplicitClient([]string{controlRedirectURI}, w.t.ResponseType))
	switch {
	case err != nil:
		return ctx, w.harnessErr(fmt.Errorf("the positive control (a valid registration): %w", err))
	case !ans.Accepted():
		return ctx, w.skipBecause("a valid registration (redirect URI %q) is refused too (HTTP %d, error %q): this refusal proves nothing",
			controlRedirectURI, ans.Status, ans.Error)
	}
	return ctx, nil
}

func redirectURIWithSuffix(ctx context.Context, suffix string) (context.Context, error) {
	w := worldFrom(ctx)
	w.redirectURI += suffix
	w.req.Set("redirect_uri", w.redirectURI)
	return ctx, nil
}

func neverRedirected(ctx context.Context) (context.Context, error) {
	return negativeAnyDecision(ctx, func(w *world) error {
		if err := check.NoToken(w.id(), w.ending); err != nil {
			return err
		}
		return check.NeverRedirected(w.id(), w.ending)
	})
}

// redirectURIValidatedFirst judges RDR-24: the request's other error is no
// reason to use its unregistered redirect URI.
func redirectURIValidatedFirst(ctx context.Context) (context.Context, error) {
	return negativeAnyDecision(ctx, func(w *world) error {
		return check.RedirectURIValidatedFirst(w.id(), w.ending, w.redirectURI)
	})
}

// sentToRegisteredURI judges where the token response went: a request that
// was not served is AEP-01's failure, reported here too rather than passed.
func sentToRegisteredURI(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if !check.Succeeded(w.ending) {
			return check.ClientGetsToken(w.id(), w.ending)
		}
		return check.TargetIs(w.id(), w.ending, w.redirectURI)
	})
}
