package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/target"
)

// registerRequestSteps binds the steps of the request features: parameters,
// response_type, scope and error responses.
func registerRequestSteps(sc *registrar) {
	sc.Given(`^an authorization request from the implicit client for response_type "token"$`, plainTokenRequest)
	sc.Given(`^the target offers response_type "token"$`, offersPlainToken)
	sc.Given(`^an authorization request from the client that is not allowed the implicit grant$`, requestFromCodeOnlyClient)
	sc.Given(`^an authorization request from the unregistered client "([^"]*)"$`, requestFromUnregisteredClient)
	sc.Given(`^spaces in the request are written as "(\+|%20)"$`, spacesWrittenAs)
	sc.Given(`^the request asks for the response type "([^"]*)"$`, asksResponseType)
	sc.Given(`^the request asks for the implicit grant$`, asksImplicitGrant)
	sc.Given(`^the request is sent as a form-encoded POST$`, sentAsPost)
	sc.Given(`^the request carries "([a-z_]+)" with an empty value$`, paramEmpty)
	sc.Given(`^the request carries no "([a-z_]+)"$`, paramOmitted)
	sc.Given(`^the request also carries "([a-z_]+)" with the value "([^"]*)"$`, paramAdded)
	sc.Given(`^the request parameters are sent in reverse order$`, paramsReversed)
	sc.Given(`^the scope tokens are sent in reverse order$`, scopeReversed)
	sc.Given(`^the response_type is "([^"]*)"$`, responseTypeIs)
	sc.Given(`^"([a-z_]+)" is sent twice, first as (the client's value|"[^"]*") and then as (the client's value|"[^"]*")$`, paramTwice)
	sc.Given(`^the server advertises the response type "([^"]*)" in its metadata, in either word order$`, advertisesComposite)
	sc.Given(`^the server does not advertise the response type "([^"]*)" in its metadata$`, doesNotAdvertise)
	sc.Given(`^the request goes to the authorization endpoint URL with its own query$`, endpointWithQuery)
	sc.Given(`^the request asks for an ID token: the scope includes "openid" and a nonce is sent$`, asksForIDToken)

	sc.When(`^the same request is sent again without "([a-z_]+)" in a new browser$`, againWithout)
	sc.When(`^the same request is sent again with the response_type "([^"]*)" in a new browser$`, againWithResponseType)

	sc.Then(`^both requests end the same way$`, bothEndAlike)
	sc.Then(`^the request is served, not refused$`, served)
	sc.Then(`^the request is refused, and no access token is issued$`, refused)
	sc.Then(`^the request is refused as invalid, and no access token is issued$`, repeatedParamRefused)
	sc.Then(`^the browser is never sent to the redirect URI, or only with invalid_request to exactly that URI$`, notRedirectedOrInvalidRequest)
	sc.Then(`^the request is refused as "([^"]*)" or "([^"]*)", or on an error page, and no access token is issued$`, refusedWith)
	sc.Then(`^the client is told "([^"]*)", in the fragment or the query$`, toldError)
	sc.Then(`^the authorization endpoint has no fragment, as configured or as advertised$`, endpointWithoutFragment)
}

func needRequest(w *world) error {
	if w.req == nil {
		return w.harnessErr(errors.New("no authorization request to vary (the request step must come first)"))
	}
	return nil
}

func paramEmpty(ctx context.Context, name string) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	w.req.Set(name, "")
	if name == "state" {
		w.sentState = nil
	}
	return ctx, nil
}

func paramOmitted(ctx context.Context, name string) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	if name == "scope" {
		if err := w.withoutScope(); err != nil {
			return ctx, err
		}
	}
	w.req.Del(name)
	if name == "state" {
		w.sentState = nil
	}
	return ctx, nil
}

func paramAdded(ctx context.Context, name, value string) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	w.req.Add(name, value)
	return ctx, nil
}

func paramsReversed(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	slices.Reverse(w.req.Params)
	return ctx, nil
}

func scopeReversed(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	scope, _ := w.req.Get("scope")
	tokens := strings.Fields(scope)
	if len(tokens) < 2 {
		return ctx, w.skipBecause("the implicit client's scope in the target profile has fewer than two tokens (%q), so there is no order to vary", scope)
	}
	slices.Reverse(tokens)
	w.req.Set("scope", strings.Join(tokens, " "))
	return ctx, nil
}

func responseTypeIs(ctx context.Context, rt string) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	w.req.Set("response_type", rt)
	return ctx, nil
}

// paramTwice sends name twice, at the position of the first, with the
// values the step names ("the client's value" is the one the request holds).
func paramTwice(ctx context.Context, name, first, second string) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	own, ok := w.req.Get(name)
	if !ok {
		return ctx, w.skipBecause("the request has no %s to repeat (the target profile gives none)", name)
	}
	value := func(v string) string {
		if v == "the client's value" {
			return own
		}
		return strings.Trim(v, `"`)
	}
	var out []authz.Param
	for _, p := range w.req.Params {
		if p.Name == name {
			out = append(out, authz.Param{Name: name, Value: value(first)}, authz.Param{Name: name, Value: value(second)})
			continue
		}
		out = append(out, p)
	}
	w.req.Params = out
	w.repeated = name
	return ctx, nil
}

func advertisesComposite(ctx context.Context, rt string) (context.Context, error) {
	w := worldFrom(ctx)
	_, ok := w.meta().ResponseTypes()
	switch {
	case !ok:
		return ctx, w.skipBecause("the target publishes no response_types_supported metadata, so whether it offers response_type %q is unknown", rt)
	case !w.meta().ListsResponseType(rt):
		return ctx, w.skipBecause("the target's metadata does not offer response_type %q in any word order", rt)
	}
	return ctx, nil
}

func doesNotAdvertise(ctx context.Context, rt string) (context.Context, error) {
	w := worldFrom(ctx)
	_, ok := w.meta().ResponseTypes()
	switch {
	case !ok:
		return ctx, w.skipBecause("the target publishes no response_types_supported metadata, so it does not say whether it supports response_type %q", rt)
	case w.meta().ListsResponseType(rt):
		return ctx, w.skipBecause("the target's metadata offers response_type %q", rt)
	}
	return ctx, nil
}

func asksForIDToken(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	scope, _ := w.req.Get("scope")
	if !slices.Contains(strings.Fields(scope), "openid") {
		w.req.Set("scope", strings.TrimSpace("openid "+scope))
	}
	w.req.Set("nonce", authz.RandomString(24))
	return ctx, nil
}

func againWithout(ctx context.Context, name string) (context.Context, error) {
	return again(ctx, fmt.Sprintf("the request without %s", name), func(r *authz.Request) { r.Del(name) })
}

func againWithResponseType(ctx context.Context, rt string) (context.Context, error) {
	return again(ctx, fmt.Sprintf("response_type=%q", rt), func(r *authz.Request) { r.Set("response_type", rt) })
}

// again runs a copy of the scenario's request, varied by vary, in a new
// browser with the same decision, and keeps its ending for the comparison.
func again(ctx context.Context, label string, vary func(*authz.Request)) (context.Context, error) {
	w := worldFrom(ctx)
	if w.ending == nil || w.req == nil {
		return ctx, w.harnessErr(errors.New("the first request has not run (the When step must come first)"))
	}
	first := "the first request"
	if rt, ok := w.req.Get("response_type"); ok {
		first = fmt.Sprintf("response_type=%q", rt)
	}
	for _, p := range w.req.Params {
		if p.Value == "" {
			first = fmt.Sprintf("the request with %s=", p.Name)
		}
	}
	req := *w.req
	req.Params = slices.Clone(w.req.Params)
	vary(&req)
	a, err := w.anotherBrowser(ctx) // "a new browser" like the first: signed in the same way
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	out, err := w.runFlow(ctx, a, &req, interact.Approve)
	w.evidence = append(w.evidence, evidence.FromHops("the second request ("+label+")", a.Hops(), w.t.Redactor()))
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.cmp = comparison{second: w.endingOf(out, &req), firstLabel: first, secondLabel: label}
	return ctx, nil
}

// bothEndAlike: two requests that must be treated alike. When both are
// refused alike, the positive control decides whether that means anything.
func bothEndAlike(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		if w.cmp.second == nil {
			return w.harnessErr(errors.New("the second request has not run"))
		}
		return check.SameOutcome(w.id(), w.ending, w.cmp.second, w.cmp.firstLabel, w.cmp.secondLabel)
	})
}

func served(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.Served(w.id(), w.ending) })
}

func refused(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.Refused(w.id(), w.ending) })
}

// repeatedParamRefused (AEP-05, STATE-07): the same judgement of the same
// answer, whichever parameter was sent twice.
func repeatedParamRefused(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		if w.repeated == "" {
			return w.harnessErr(errors.New("the scenario sent no parameter twice"))
		}
		return check.RepeatedParamRefused(w.id(), w.ending, w.repeated)
	})
}

// notRedirectedOrInvalidRequest (AEP-05): a redirect_uri sent twice with
// the same registered value leaves the URI in no doubt, so invalid_request
// at exactly that URI is a lawful answer besides the no-redirect rule
// (RFC 6749 §4.2.2.1).
func notRedirectedOrInvalidRequest(ctx context.Context) (context.Context, error) {
	return negativeAnyDecision(ctx, func(w *world) error {
		return check.NotRedirectedOrInvalidRequestAt(w.id(), w.ending, w.registered)
	})
}

func refusedWith(ctx context.Context, a, b string) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.RefusedWith(w.id(), w.ending, a, b) })
}

func toldError(ctx context.Context, code string) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.ToldError(w.id(), w.ending, code) })
}

func endpointWithoutFragment(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	p := w.t.Profile
	endpoints := map[string]string{"in the target profile": p.AuthorizationEndpoint}
	w.note("the target profile", "the authorization endpoint in use (the profile's, else the discovery document's): "+p.AuthorizationEndpoint)
	if v := w.meta().AuthorizationEndpoint(); v != "" {
		endpoints["in the metadata"] = v
		w.metaJudged = true
	}
	return ctx, check.EndpointWithoutFragment(w.id(), endpoints)
}

// endpointWithQuery sends the request to the endpoint URL that carries a
// query of its own: the profile's, else the metadata's (on an origin the
// browser may visit).
func endpointWithQuery(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	p := w.t.Profile
	candidates := []string{p.AuthorizationEndpoint}
	if v := w.meta().AuthorizationEndpoint(); v != "" {
		candidates = append(candidates, v)
	}
	for _, ep := range candidates {
		if strings.Contains(ep, "?") && !strings.Contains(ep, "#") && slices.ContainsFunc(p.Origins(), func(o string) bool { return strings.HasPrefix(ep, o+"/") }) {
			w.req.Endpoint = ep
			return ctx, nil
		}
	}
	return ctx, w.skipBecause("the authorization endpoint URL has no query of its own, in the target profile or the metadata")
}

// sentAsPost sends the authorization request as the body of a POST
// (application/x-www-form-urlencoded) to the endpoint.
func sentAsPost(ctx context.Context) (context.Context, error) {
	worldFrom(ctx).req.Method = "POST"
	return ctx, nil
}

func asksResponseType(ctx context.Context, rt string) (context.Context, error) {
	worldFrom(ctx).req.Set("response_type", rt)
	return ctx, nil
}

// asksImplicitGrant names the response type under test explicitly: the
// request is the baseline, for a client whose grants are the question.
func asksImplicitGrant(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Set("response_type", w.rt)
	return ctx, nil
}

// plainTokenRequest is the plain OAuth 2.0 request (response_type=token,
// no nonce), whatever the target offers: the scenarios about plain token
// itself (RT-03, META-01, TOK-07) judge how it is answered. Their positive
// control is still the response type under test.
func plainTokenRequest(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	c := w.t.Profile.Clients.Implicit
	plain := w.t.Baseline(c, c.RedirectURIs[0], target.Token)
	newRequest(w, c, c.RedirectURIs[0], w.t.ResponseType)
	w.req, w.sentState, w.nonce = plain.Request, &plain.State, nil
	return ctx, nil
}

// offersPlainToken skips a scenario about the plain token response on a
// target that does not serve it (RFC 6749 §4.2.2.1 lets a server refuse a
// grant it does not support; RT-03 and META-01 judge that refusal).
func offersPlainToken(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if ok, why := w.t.Offers(target.Token); !ok {
		return ctx, w.skipBecause("%s", why)
	}
	return ctx, nil
}

// requestFromCodeOnlyClient: the client is the tampering, so the positive
// control is the implicit client's request.
func requestFromCodeOnlyClient(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	w.controlClient = w.t.Profile.Clients.Implicit
	return requestFromOptionalClient(ctx, w.t.Profile.Clients.CodeOnly,
		"client that is registered but not allowed the implicit grant (clients.code_only)")
}

func requestFromUnregisteredClient(ctx context.Context, clientID string) (context.Context, error) {
	w := worldFrom(ctx)
	useClient(w, w.t.Profile.Clients.Implicit)
	w.req.Set("client_id", clientID)
	return ctx, nil
}

func spacesWrittenAs(ctx context.Context, how string) (context.Context, error) {
	worldFrom(ctx).req.SpaceAsPercent = how == "%20"
	return ctx, nil
}
