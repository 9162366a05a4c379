package steps

import (
	"context"
	"errors"
	"strings"

	"github.com/implicitspec/implicitspec/internal/check"
)

// registerScopeSteps binds the steps of 10_scope.
func registerScopeSteps(sc *registrar) {
	sc.Given(`^the request asks for the scope "(.*)"$`, asksScope)
	sc.Given(`^the request asks for the client's scope followed by "([^"]*)"$`, scopeExtended)

	sc.Then(`^the scope "([^"]*)" is refused, or left out of the scope returned with the token$`, unknownScopeNotGranted)
	sc.Then(`^the request is served with the default scope, or refused with "invalid_scope"$`, defaultScopeOrInvalid)
	sc.Then(`^the malformed scope is refused, or left out of the scope returned with the token$`, malformedScopeNotGranted)
}

func scopeExtended(ctx context.Context, extra string) (context.Context, error) {
	w := worldFrom(ctx)
	if err := needRequest(w); err != nil {
		return ctx, err
	}
	scope, _ := w.req.Get("scope")
	w.req.Set("scope", strings.TrimSpace(scope+" "+extra))
	return ctx, nil
}

// negativeAccessToken is negative for a judgement that reads the scope
// returned with an access token.
func negativeAccessToken(ctx context.Context, judge func(w *world) error) (context.Context, error) {
	if err := worldFrom(ctx).needsAccessToken(); err != nil {
		return ctx, err
	}
	return negative(ctx, judge)
}

// unknownScopeNotGranted judges SCOPE-01. An error page where a redirect
// was due is a warning, not a skip; but it counts, like a refusal, only when
// the same request without the unknown scope is served (positive control).
func unknownScopeNotGranted(ctx context.Context, scope string) (context.Context, error) {
	return negativeAccessToken(ctx, func(w *world) error {
		verdict := check.UnknownScopeNotGranted(w.id(), w.ending, scope)
		if f := (*check.Finding)(nil); errors.As(verdict, &f) && f.Warning {
			if err := w.controlled(ctx, nil); err != nil {
				return err
			}
		}
		return verdict
	})
}

func defaultScopeOrInvalid(ctx context.Context) (context.Context, error) {
	return negativeAccessToken(ctx, func(w *world) error { return check.DefaultScopeOrInvalidScope(w.id(), w.ending) })
}

func malformedScopeNotGranted(ctx context.Context) (context.Context, error) {
	return negativeAccessToken(ctx, func(w *world) error {
		sent, _ := w.req.Get("scope")
		return check.MalformedScopeNotGranted(w.id(), w.ending, sent)
	})
}

func asksScope(ctx context.Context, scope string) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Set("scope", w.scopeOf(scope))
	return ctx, nil
}
