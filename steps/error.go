package steps

import (
	"context"

	"github.com/implicitspec/implicitspec/internal/check"
)

// registerErrorSteps binds the steps of 11_error.
func registerErrorSteps(sc *registrar) {
	sc.Then(`^the client receives the error "([^"]*)"$`, clientReceivesError)
	sc.Then(`^the error code is one of the registered codes$`, errorCodeRegistered)
	sc.Then(`^the error code is a single code of the allowed characters$`, errorCodeCharacters)
	sc.Then(`^error_description and error_uri use only the allowed characters$`, errorTextCharacters)
	sc.Then(`^the error response carries no parameters other than error, error_description, error_uri, state and iss$`, errorParamsOnly)
	sc.Then(`^the error response carries no access token, code or ID token$`, noCredentialBesideError)
	sc.Then(`^no page of the flow answered with a server error \(HTTP 5xx\)$`, noServerError)
}

// judgedError wraps a Then step about an error response: a flow that brought
// the client none (a page instead, or a token) leaves nothing to judge here —
// whether it should have is judged by the scenarios of that probe.
func judgedError(ctx context.Context, judge func(id string, e *check.Ending) error) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if !check.HasErrorResponse(w.ending) {
			return w.skipBecause("the flow brought the client no error response to judge (%s)", w.ending.Describe())
		}
		return judge(w.id(), w.ending)
	})
}

func errorCodeRegistered(ctx context.Context) (context.Context, error) {
	return judgedError(ctx, check.ErrorCodeRegistered)
}

func errorCodeCharacters(ctx context.Context) (context.Context, error) {
	return judgedError(ctx, check.ErrorCodeCharacters)
}

func errorTextCharacters(ctx context.Context) (context.Context, error) {
	return judgedError(ctx, check.ErrorTextCharacters)
}

func errorParamsOnly(ctx context.Context) (context.Context, error) {
	return judgedError(ctx, check.ErrorParamsOnly)
}

func noCredentialBesideError(ctx context.Context) (context.Context, error) {
	return judgedError(ctx, check.NoCredentialBesideError)
}

func noServerError(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		return check.NoServerError(w.id(), w.agent.Hops())
	})
}

// errorRedirect skips the scenario when the flow did not end in an error
// response sent to the client: an error page is a lawful answer too, and
// then there is nothing for the step to judge.
func errorRedirect(w *world) error {
	if _, ok := w.ending.ErrorParams(); ok {
		return nil
	}
	if check.ClientGetsToken(w.id(), w.ending) == nil {
		return w.skipBecause("the server served the request instead of answering with an error")
	}
	return w.skipBecause("the server sent no error response to the client: the flow %s", w.ending.Describe())
}

func clientReceivesError(ctx context.Context, code string) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.ErrorCode(w.id(), w.ending, code) })
}
