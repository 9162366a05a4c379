package steps

import (
	"context"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/idtoken"
)

// registerOIDCSteps binds the steps of the OpenID Connect implicit feature
// (catalogue rows OIDC-01 … OIDC-09).
func registerOIDCSteps(sc *godog.ScenarioContext) {
	sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) {
		return context.WithValue(ctx, oidcKey{}, &oidcState{}), nil
	})

	sc.Given(`^an OpenID Connect request for "(id_token token|id_token)" from the implicit client$`, oidcRequestFor)
	sc.Given(`^the OpenID Connect request carries no nonce$`, oidcNoNonce)
	sc.Given(`^the OpenID Connect request names no redirect URI$`, noRedirectURI)
	sc.Given(`^the OpenID Connect request's redirect URI is the registered one over plain http$`, oidcPlainHTTPRedirectURI)
	sc.Given(`^the OpenID Connect request's scope leaves out "openid"$`, oidcScopeWithoutOpenID)
	sc.Given(`^the OpenID Connect request asks for (response_mode|prompt) "([^"]*)"$`, oidcAsksFor)
	sc.Given(`^the OpenID Connect request's state is a random value of (\d+) characters$`, oidcLongState)

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

// oidcState is what an OpenID Connect scenario adds to the world.
type oidcState struct {
	responseType string
	nonce        *string // nil when the request carries none
}

type oidcKey struct{}

func oidcFrom(ctx context.Context) *oidcState {
	o, _ := ctx.Value(oidcKey{}).(*oidcState)
	return o
}

// --- Given ---

func oidcRequestFor(ctx context.Context, responseType string) (context.Context, error) {
	w := worldFrom(ctx)
	if why := w.responseTypeOffered(responseType); why != "" {
		return ctx, w.skipBecause("%s", why)
	}
	c := w.env.Profile.Clients.Implicit
	w.client = c
	newRequest(w, c.ClientID, c.RedirectURIs, withOpenID(c.Scope))
	w.req.Set("response_type", responseType)
	nonce := authz.RandomString(24)
	w.req.Add("nonce", nonce)
	o := oidcFrom(ctx)
	o.responseType, o.nonce = responseType, &nonce
	return ctx, nil
}

// responseTypeOffered says why the target does not offer responseType to
// the implicit client ("" when it does): the profile's response_types, else
// the discovery document's response_types_supported (order-insensitive,
// RFC 6749 §3.1.1).
func (w *world) responseTypeOffered(responseType string) string {
	p := w.env.Profile
	listed, source := p.ResponseTypes, "the target profile's response_types"
	if len(listed) == 0 {
		raw, _ := p.Metadata["response_types_supported"].([]any)
		if raw == nil {
			return "the target offers no OpenID Connect implicit flow: neither response_types in the target profile nor response_types_supported in a discovery document"
		}
		for _, v := range raw {
			if s, ok := v.(string); ok {
				listed = append(listed, s)
			}
		}
		source = "response_types_supported of " + p.MetadataURL
	}
	for _, l := range listed {
		if sameWords(l, responseType) {
			return ""
		}
	}
	return "response_type \"" + responseType + "\" is not offered (" + source + ": " + strings.Join(listed, ", ") + ")"
}

func sameWords(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// withOpenID is the client's scope with "openid" first (OpenID Connect Core
// §3.1.2.1: "OpenID Connect requests MUST contain the openid scope value").
func withOpenID(scope string) string {
	if slices.Contains(strings.Fields(scope), "openid") {
		return scope
	}
	return strings.TrimSpace("openid " + scope)
}

func oidcNoNonce(ctx context.Context) (context.Context, error) {
	worldFrom(ctx).req.Del("nonce")
	oidcFrom(ctx).nonce = nil
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
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return ctx, w.skipBecause("the implicit client's redirect URI is a loopback http URI, which native clients may use; there is no http form of a web redirect URI to probe")
	}
	w.req.Set("redirect_uri", w.redirectURI)
	return ctx, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

func oidcAsksFor(ctx context.Context, name, value string) (context.Context, error) {
	worldFrom(ctx).req.Set(name, value)
	return ctx, nil
}

func oidcLongState(ctx context.Context, n int) (context.Context, error) {
	w := worldFrom(ctx)
	state := authz.RandomString(n)
	w.req.Set("state", state)
	w.sentState = &state
	return ctx, nil
}

// --- When ---

// oidcSendWithoutSession runs the request in a fresh browser (no cookies, so
// no session). Should the server show its login page anyway, the resource
// owner signs in and approves, and the check judges what that led to.
func oidcSendWithoutSession(ctx context.Context) (context.Context, error) {
	return ownerDecides(ctx, "approves")
}

// --- Then ---

func oidcNoTokens(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.NoToken(w.id(), w.ending) })
}

func oidcNoIDToken(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.NoIDToken(w.id(), w.ending) })
}

func oidcNonceEchoed(ctx context.Context) (context.Context, error) {
	o := oidcFrom(ctx)
	return judged(ctx, func(w *world) error {
		if o.nonce == nil {
			return w.harnessErr(errors.New("the scenario sent no nonce to compare with"))
		}
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		return check.Nonce(w.id(), tok, *o.nonce)
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
		jwksURI, _ := w.env.Profile.Metadata["jwks_uri"].(string)
		if jwksURI == "" {
			return w.skipBecause("the discovery document names no jwks_uri, so the ID token's signature cannot be verified")
		}
		jwks, err := idtoken.FetchJWKS(ctx, w.env.HTTP, jwksURI)
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
		issuer, _ := w.env.Profile.Metadata["issuer"].(string)
		if issuer == "" {
			issuer = w.env.Profile.Issuer
		}
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
	return judged(ctx, func(w *world) error { return check.OIDCNothingInQuery(w.id(), w.ending) })
}

func oidcPromptNoneError(ctx context.Context, codes string) (context.Context, error) {
	return judged(ctx, func(w *world) error {
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
