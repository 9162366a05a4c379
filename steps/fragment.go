package steps

import (
	"context"
	"fmt"

	"github.com/implicitspec/implicitspec/internal/check"
)

// registerFragmentSteps binds the steps of the response encoding and where it goes (09_token, 12_form_post).
func registerFragmentSteps(sc *registrar) {
	sc.Then(`^the response is in the fragment of the redirect URI$`, responseInFragment)
	sc.Then(`^the query of the redirect URI is exactly the registered one$`, queryAsRegistered)
	sc.Then(`^any error response sent to the client is in the fragment$`, anyErrorInFragment)
	sc.Then(`^no access token is put in the query$`, noTokenInQuery)
	sc.Then(`^the request is refused rather than the response mode ignored$`, modeRefused)
	sc.Then(`^the response decodes as form-urlencoded UTF-8$`, fragmentDecodes)
	sc.Then(`^no character of the response is left unencoded$`, fragmentFullyEncoded)
	sc.Then(`^no response parameter appears twice$`, noRepeatedParams)
	sc.Then(`^the (response|error response) names the issuer in iss$`, issNamesIssuer)
}

func anyErrorInFragment(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := errorRedirect(w); err != nil {
			return err
		}
		return check.ErrorInFragment(w.id(), w.ending)
	})
}

func noTokenInQuery(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.NoTokenInQuery(w.id(), w.ending) })
}

func modeRefused(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		mode, _ := w.req.Get("response_mode")
		return check.NotServed(w.id(), w.ending, fmt.Sprintf("response_mode=%s", mode))
	})
}

// encodedResponse skips when nothing was sent to the client: a server may
// refuse the non-ASCII state on an error page (STATE-08), and then there is
// no encoding to judge.
func encodedResponse(w *world) error {
	if !w.ending.Left {
		return w.skipBecause("the server sent nothing to the client, so there is no encoding to judge: the flow %s", w.ending.Describe())
	}
	return nil
}

func fragmentDecodes(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := encodedResponse(w); err != nil {
			return err
		}
		return check.FragmentDecodes(w.id(), w.ending)
	})
}

func fragmentFullyEncoded(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := encodedResponse(w); err != nil {
			return err
		}
		return check.FragmentFullyEncoded(w.id(), w.ending)
	})
}

func noRepeatedParams(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.NoRepeatedParams(w.id(), w.ending) })
}

func issNamesIssuer(ctx context.Context, which string) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		var ps = w.ending.TokenParams()
		if which == "error response" {
			var ok bool
			if ps, ok = w.ending.ErrorParams(); !ok {
				return check.Fail(w.id(), "expected an error response sent to the client, but the flow %s", w.ending.Describe())
			}
		} else if !check.Succeeded(w.ending) {
			return check.ClientGetsToken(w.id(), w.ending) // not a token response
		}
		advertised := w.meta().IssParameterSupported()
		_, present := ps.Get("iss")
		if !advertised && !present {
			return w.skipBecause("the %s carries no iss and the target's metadata does not advertise authorization_response_iss_parameter_supported", which)
		}
		issuer := w.t.Issuer()
		if issuer == "" {
			return w.skipBecause("the target profile names no issuer to compare iss with")
		}
		return check.Iss(w.id(), ps, issuer, advertised, which)
	})
}

func responseInFragment(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.InFragment(w.id(), w.ending) })
}

func queryAsRegistered(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.QueryAsRegistered(w.id(), w.ending, w.redirectURI) })
}
