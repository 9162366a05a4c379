package steps

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/idtoken"
	"github.com/implicitspec/implicitspec/internal/target"
)

// registerOIDCSteps binds the steps of the OpenID Connect implicit feature
// (catalogue rows OIDC-01 … OIDC-09).
func registerOIDCSteps(sc *godog.ScenarioContext) {
	sc.Given(`^the request asks for the prompt "([^"]*)"$`, asksPrompt)
	sc.Given(`^an OpenID Connect request for "(id_token token|id_token)" from the implicit client$`, oidcRequestFor)
	sc.Given(`^the OpenID Connect request carries no nonce$`, oidcNoNonce)
	sc.Given(`^the OpenID Connect request's redirect URI is the registered one over plain http$`, oidcPlainHTTPRedirectURI)
	sc.Given(`^the OpenID Connect request's scope leaves out "openid"$`, oidcScopeWithoutOpenID)

	sc.When(`^the browser sends the request without a session at the server$`, oidcSendWithoutSession)

	sc.Then(`^neither an ID token nor an access token is issued$`, oidcNoTokens)
	sc.Then(`^no ID token is issued$`, oidcNoIDToken)
	sc.Then(`^the ID token carries the nonce sent$`, oidcNonceEchoed)
	sc.Then(`^the ID token's at_hash matches the access token$`, oidcAtHashMatches)
	sc.Then(`^the ID token carries no at_hash$`, oidcNoAtHash)
	sc.Then(`^the ID token is signed with a key of the server's JWKS$`, oidcSigned)
	sc.Then(`^the ID token names the issuer, the client as audience, and a lifetime that has not ended$`, oidcClaimsValid)
	sc.Then(`^the response carries neither an access token nor a code$`, oidcIDTokenOnly)
	sc.Then(`^no token is put in the query of the redirect URI$`, oidcNothingInQuery)
	sc.Then(`^the client receives one of the errors "([^"]*)" in the fragment, with the state exactly$`, oidcPromptNoneError)
}

func oidcRequestFor(ctx context.Context, responseType string) (context.Context, error) {
	w := worldFrom(ctx)
	if ok, why := w.t.Offers(responseType); !ok {
		return ctx, w.skipBecause("%s", why)
	}
	c := w.t.Profile.Clients.Implicit
	newRequest(w, c, c.RedirectURIs[0], responseType)
	return ctx, nil
}

func oidcNoNonce(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Del("nonce")
	w.nonce = nil
	return ctx, nil
}

// oidcPlainHTTPRedirectURI turns the registered https redirect URI into its
// http form. A registered http URI on a loopback host is what native clients
// may use (OpenID Connect Core §3.2.2.1), so there is nothing to probe.
func oidcPlainHTTPRedirectURI(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	u, err := url.Parse(w.redirectURI)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	switch {
	case u.Scheme == "https":
		w.redirectURI = "http" + strings.TrimPrefix(w.redirectURI, "https")
	case u.Scheme == "http" && target.IsLoopback(u.Hostname()):
		return ctx, w.skipBecause("the implicit client's redirect URI is a loopback http URI, which native clients may use; there is no http form of a web redirect URI to probe")
	}
	w.req.Set("redirect_uri", w.redirectURI)
	return ctx, nil
}

func oidcScopeWithoutOpenID(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	scope, _ := w.req.Get("scope")
	rest := slices.DeleteFunc(strings.Fields(scope), func(s string) bool { return s == "openid" })
	if len(rest) == 0 {
		w.req.Del("scope")
	} else {
		w.req.Set("scope", strings.Join(rest, " "))
	}
	return ctx, nil
}

// oidcSendWithoutSession runs the request in a fresh browser (no cookies, so
// no session). Should the server show its login page anyway, the resource
// owner signs in and approves, and the check judges what that led to.
func oidcSendWithoutSession(ctx context.Context) (context.Context, error) {
	return ownerDecides(ctx, "approves")
}

func oidcNoTokens(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.NoToken(w.id(), w.ending) })
}

func oidcNoIDToken(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.NoIDToken(w.id(), w.ending) })
}

func oidcNonceEchoed(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if w.nonce == nil {
			return w.harnessErr(errors.New("the scenario sent no nonce to compare with"))
		}
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		return check.Nonce(w.id(), tok, *w.nonce)
	})
}

func oidcAtHashMatches(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		accessToken, _ := w.ending.Response().Get("access_token")
		return check.AtHash(w.id(), tok, accessToken)
	})
}

func oidcNoAtHash(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		return check.NoAtHash(w.id(), tok)
	})
}

func oidcSigned(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		if err := check.IDTokenSignedForClient(w.id(), tok); err != nil {
			return err
		}
		jwksURI := w.meta().JWKSURI()
		if jwksURI == "" {
			return w.skipBecause("the discovery document names no jwks_uri, so the ID token's signature cannot be verified")
		}
		jwks, err := idtoken.FetchJWKS(ctx, w.sideClient("JWKS"), jwksURI)
		var te *idtoken.TransportError
		switch {
		case errors.As(err, &te):
			return w.harnessErr(err)
		case err != nil:
			return check.Fail(w.id(), "the ID token's signature cannot be verified: %v", err)
		}
		return check.IDTokenSignature(w.id(), tok, jwks)
	})
}

func oidcClaimsValid(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		issuer := w.t.Issuer()
		if issuer == "" {
			return w.skipBecause("the target profile names no issuer (and no discovery document gave one), so iss cannot be judged")
		}
		return check.IDTokenClaims(w.id(), tok, issuer, w.client.ClientID, time.Now())
	})
}

func oidcIDTokenOnly(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.IDTokenOnly(w.id(), w.ending) })
}

func oidcNothingInQuery(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.OIDCNothingInQuery(w.id(), w.ending) })
}

func oidcPromptNoneError(ctx context.Context, codes string) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		sent, err := sentState(w)
		if err != nil {
			return err
		}
		var list []string
		for c := range strings.SplitSeq(codes, ",") {
			list = append(list, strings.TrimSpace(c))
		}
		return check.PromptNoneError(w.id(), w.ending, list, sent, w.outcome.LoginShown)
	})
}

func asksPrompt(ctx context.Context, prompt string) (context.Context, error) {
	worldFrom(ctx).req.Set("prompt", prompt)
	return ctx, nil
}
