package steps

import (
	"context"

	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
)

// registerStateSteps binds the steps of 07_state.
func registerStateSteps(sc *registrar) {
	sc.Given(`^the state is "(.*)"$`, stateIs)
	sc.Given(`^the request carries no state$`, noState)

	sc.Then(`^the state in the response is exactly the one sent$`, stateEchoed)
	sc.Then(`^the state comes back exactly as sent, unless the request is refused as invalid$`, stateEchoedOrRefused)
	sc.Then(`^the response carries no state$`, noStateReturned)
	sc.Then(`^the error response carries the state exactly$`, errorCarriesState)

	sc.Given(`^the state is (\d+) characters long$`, stateOfLength)
	sc.Given(`^the request carries an empty state$`, emptyState)
	sc.Given(`^the request carries the state twice, as "([^"]*)" and then "([^"]*)"$`, stateTwice)

	sc.Then(`^the response holds exactly one access token, and the state is encoded within its parameter$`, stateNotInjected)
	sc.Then(`^the state comes back exactly as sent, unless the request is refused cleanly$`, stateEchoedOrRefusedCleanly)
	sc.Then(`^the response carries no state parameter at all$`, noStateParameter)
	sc.Then(`^any error response sent to the client carries the state exactly$`, anyErrorCarriesState)
}

func stateOfLength(ctx context.Context, n int) (context.Context, error) {
	return stateIs(ctx, authz.RandomString(n))
}

func emptyState(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Set("state", "")
	w.sentState = nil
	return ctx, nil
}

func stateTwice(ctx context.Context, first, second string) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Set("state", first)
	w.req.Add("state", second)
	w.sentState = &first
	w.repeated = "state"
	return ctx, nil
}

func stateNotInjected(ctx context.Context) (context.Context, error) {
	return withState(ctx, judged, func(w *world, sent string) error { return check.StateNotInjected(w.id(), w.ending, sent) })
}

func stateEchoedOrRefusedCleanly(ctx context.Context) (context.Context, error) {
	return withState(ctx, negative, func(w *world, sent string) error {
		return check.StateEchoedOrRefusedCleanly(w.id(), w.ending, sent)
	})
}

func noStateParameter(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.NoStateParameter(w.id(), w.ending) })
}

func anyErrorCarriesState(ctx context.Context) (context.Context, error) {
	return withState(ctx, judged, func(w *world, sent string) error {
		if err := errorRedirect(w); err != nil {
			return err
		}
		return check.ErrorCarriesState(w.id(), w.ending, sent)
	})
}

func stateIs(ctx context.Context, state string) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Set("state", state)
	w.sentState = &state
	return ctx, nil
}

func noState(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Del("state")
	w.sentState = nil
	return ctx, nil
}

func stateEchoed(ctx context.Context) (context.Context, error) {
	return withState(ctx, judged, func(w *world, sent string) error { return check.StateEchoed(w.id(), w.ending, sent) })
}

func stateEchoedOrRefused(ctx context.Context) (context.Context, error) {
	return withState(ctx, negative, func(w *world, sent string) error {
		return check.StateEchoedOrRefused(w.id(), w.ending, sent)
	})
}

func noStateReturned(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.NoStateInvented(w.id(), w.ending) })
}

func errorCarriesState(ctx context.Context) (context.Context, error) {
	return withState(ctx, judged, func(w *world, sent string) error { return check.ErrorCarriesState(w.id(), w.ending, sent) })
}
