package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/idtoken"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/target"
)

// registerOIDCSteps binds the steps of the OpenID Connect implicit feature
// (catalogue rows OIDC-01 … OIDC-13).
func registerOIDCSteps(sc *registrar) {
	sc.Given(`^the request asks for the prompt "([^"]*)"$`, asksPrompt)
	sc.Given(`^an OpenID Connect request for "(id_token token|id_token)" from the implicit client$`, oidcRequestFor)
	sc.Given(`^the OpenID Connect request carries no nonce$`, oidcNoNonce)
	sc.Given(`^the OpenID Connect request's redirect URI is the registered one over plain http$`, oidcPlainHTTPRedirectURI)
	sc.Given(`^the OpenID Connect request's scope leaves out "openid"$`, oidcScopeWithoutOpenID)
	sc.Given(`^an OpenID Connect request from the implicit client$`, oidcRequestOffered)
	sc.Given(`^the resource owner has signed in at the server in this browser$`, oidcSignedIn)
	sc.Given(`^(\d+) seconds have passed since the sign-in$`, oidcSecondsPass)
	sc.Given(`^the request sets max_age to (\d+) seconds?$`, oidcMaxAge)

	sc.When(`^the browser sends the request without a session at the server$`, oidcSendWithoutSession)
	sc.When(`^the resource owner signs in again in a fresh browser and approves a new request$`, oidcSecondSignIn)

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
	sc.Then(`^the resource owner is asked to sign in again, or the client receives login_required$`, oidcFreshLogin)
	sc.Then(`^the ID token carries auth_time, the time of that fresh sign-in$`, oidcAuthTime)
	sc.Then(`^both ID tokens name the same sub$`, oidcSameSub)
	sc.Then(`^the userinfo endpoint, asked with the access token, names the ID token's sub$`, oidcUserinfoSub)
	sc.Then(`^the ID token's kid, if it has one, names a key of the server's JWKS$`, oidcKidKnown)
	sc.Then(`^the ID token's iat is not more than (\d+) minutes ahead of the harness clock$`, oidcIatNotAhead)
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
		jwks, _, err := w.jwksFor(ctx, tok, "the ID token's signature cannot be verified")
		if err != nil {
			return err
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
		if err := w.freshOnly("the check reads whether the login page was shown"); err != nil {
			return err
		}
		return check.PromptNoneError(w.id(), w.ending, list, sent, w.outcome.LoginShown)
	})
}

func asksPrompt(ctx context.Context, prompt string) (context.Context, error) {
	worldFrom(ctx).req.Set("prompt", prompt)
	return ctx, nil
}

// oidcSessions are the sign-ins an OpenID Connect scenario made before or
// beside its judged flow.
type oidcSessions struct {
	// priorIat is the iat of the ID token of the browser's first sign-in
	// (oidcSignedIn), nil when there was none or it had no number.
	priorIat *float64
	// second is how the second sign-in, in a fresh browser, ended (OIDC-12).
	second *check.Ending
}

// jwksFor fetches the server's JWKS to check tok with, and once more when
// the key set does not list tok's kid: OpenID Connect Core §10.1.1, "The
// verifier knows to go back to the jwks_uri location to re-retrieve the keys
// when it sees an unfamiliar kid value" (a key rotated in since). doing says
// what a key set that cannot be had prevents, for the finding.
func (w *world) jwksFor(ctx context.Context, tok *idtoken.Token, doing string) (jwks []byte, refetched bool, err error) {
	jwksURI := w.meta().JWKSURI()
	if jwksURI == "" {
		return nil, false, w.skipBecause("the discovery document names no jwks_uri, so %s", strings.TrimPrefix(doing, "the "))
	}
	fetch := func(label string) ([]byte, error) {
		jwks, err := idtoken.FetchJWKS(ctx, w.sideClient(label), jwksURI)
		var te *idtoken.TransportError
		switch {
		case errors.As(err, &te):
			return nil, w.harnessErr(err)
		case err != nil:
			return nil, check.Fail(w.id(), "%s: %v", doing, err)
		}
		return jwks, nil
	}
	if jwks, err = fetch("JWKS"); err != nil {
		return nil, false, err
	}
	if known, kerr := tok.KidKnown(jwks); kerr != nil || known {
		return jwks, false, nil
	}
	jwks, err = fetch("JWKS, fetched again for an unfamiliar kid")
	return jwks, true, err
}

// oidcType is the OpenID Connect response type of the scenarios about
// sign-in itself, which any type carrying an ID token shows alike: the
// run's response type under test when it is one, else "id_token token" when
// the target offers it, else "id_token".
func (w *world) oidcType() (string, error) {
	if target.IsOpenIDConnect(w.t.ResponseType) {
		return w.t.ResponseType, nil
	}
	var why []string
	for _, rt := range []string{target.IDTokenToken, target.IDToken} {
		ok, reason := w.t.Offers(rt)
		if ok {
			return rt, nil
		}
		why = append(why, reason)
	}
	return "", w.skipBecause("no OpenID Connect response type is offered: %s", strings.Join(why, "; "))
}

func oidcRequestOffered(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	rt, err := w.oidcType()
	if err != nil {
		return ctx, err
	}
	c := w.t.Profile.Clients.Implicit
	newRequest(w, c, c.RedirectURIs[0], rt)
	w.usesRT = rt == w.t.ResponseType
	return ctx, nil
}

// oidcSignedIn signs the resource owner in, in a new browser the scenario
// then keeps, with a valid OpenID Connect request of the implicit client;
// then sends one more such request in it, which must be served without a
// login page. Otherwise the server keeps no session, a forced sign-in could
// not be told from its usual one, and the scenario is skipped.
func oidcSignedIn(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	rt, err := w.oidcType()
	if err != nil {
		return ctx, err
	}
	a, err := w.startBrowser(ctx)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	c := w.t.Profile.Clients.Implicit
	for i, what := range []string{"the sign-in", "the request after the sign-in"} {
		req := w.t.Baseline(c, c.RedirectURIs[0], rt).Request
		out, err := w.runFlow(ctx, a, req, interact.Approve)
		if err != nil {
			return ctx, w.harnessErr(fmt.Errorf("%s before the probe: %w", what, err))
		}
		e := w.endingOf(out, req)
		switch {
		case !check.Succeeded(e):
			return ctx, w.skipBecause("a valid OpenID Connect request of the implicit client (response_type=%q) did not reach the client in %s (%s), so no signed-in session could be set up",
				rt, what, e.Describe())
		case i == 1 && out.LoginShown:
			return ctx, w.skipBecause("the server asked for the sign-in again on a plain request right after one: it keeps no session, so a forced sign-in cannot be told from its usual one")
		case i == 0:
			if raw, ok := e.Response().Get("id_token"); ok {
				if tok, perr := idtoken.Parse(raw); perr == nil && tok.Claims.Iat != nil {
					w.oidc.priorIat = tok.Claims.Iat
				}
			}
		}
	}
	return ctx, nil
}

// oidcSecondsPass lets the sign-in age: max_age is measured in seconds.
func oidcSecondsPass(ctx context.Context, n int) (context.Context, error) {
	select {
	case <-time.After(time.Duration(n) * time.Second):
		return ctx, nil
	case <-ctx.Done():
		return ctx, worldFrom(ctx).harnessErr(ctx.Err())
	}
}

func oidcMaxAge(ctx context.Context, seconds string) (context.Context, error) {
	worldFrom(ctx).req.Set("max_age", seconds)
	return ctx, nil
}

// oidcSecondSignIn signs the resource owner in again, in a fresh browser
// (no session: a real second sign-in), with a new request of the same
// client and response type: its own state and nonce.
func oidcSecondSignIn(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if w.ending == nil {
		return ctx, w.harnessErr(errors.New("the first sign-in has not run (the When step must come first)"))
	}
	a, err := w.newAgent()
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	req := w.t.Baseline(w.client, w.registered, w.rt).Request
	out, err := w.runFlow(ctx, a, req, interact.Approve)
	w.evidence = append(w.evidence, evidence.FromHops("the second sign-in, in a fresh browser", a.Hops(), w.t.Redactor()))
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.oidc.second = w.endingOf(out, req)
	return ctx, nil
}

// oidcAsked is what the scenario's request sent to ask for a fresh sign-in.
func oidcAsked(w *world) string {
	var asked []string
	for _, name := range []string{"prompt", "max_age"} {
		if v, ok := w.req.Get(name); ok {
			asked = append(asked, name+"="+v)
		}
	}
	return strings.Join(asked, "&")
}

func oidcFreshLogin(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := w.freshOnly("the check reads whether the login page was shown"); err != nil {
			return err
		}
		return check.FreshLogin(w.id(), w.ending, oidcAsked(w), w.outcome != nil && w.outcome.LoginShown)
	})
}

// oidcAuthTime judges auth_time. A server that answered login_required
// instead of a fresh sign-in issued no ID token (the scenarios of the fresh
// sign-in judge that answer). Without a fresh sign-in there is no later
// sign-in for auth_time to report, so only its presence and bounds count.
func oidcAuthTime(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if ps, ok := w.ending.ErrorParams(); ok {
			code, _ := ps.Get("error")
			return w.skipBecause("the server answered error=%s instead of a fresh sign-in, so no ID token carries auth_time", code)
		}
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		if err := w.freshOnly("the check reads whether the login page was shown"); err != nil {
			return err
		}
		var earlier *float64
		if w.outcome != nil && w.outcome.LoginShown {
			earlier = w.oidc.priorIat
		}
		return check.AuthTime(w.id(), tok, time.Now(), earlier)
	})
}

func oidcSameSub(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if w.oidc.second == nil {
			return w.harnessErr(errors.New("the second sign-in has not run"))
		}
		first, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		second, err := check.IDToken(w.id(), w.oidc.second)
		if err != nil {
			return err
		}
		return check.SameSub(w.id(), first, second)
	})
}

// oidcUserinfoSub asks the userinfo endpoint with the access token issued
// with the ID token. A refusal of the token is TOK-09's finding, not a sub
// to compare: the scenario is then skipped.
func oidcUserinfoSub(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	endpoint := w.t.Profile.UserinfoEndpoint
	if endpoint == "" {
		return ctx, w.skipBecause("the target profile names no userinfo_endpoint (and discovery gave none)")
	}
	return accessTokenJudged(ctx, func(w *world) error {
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		if err := check.AccessToken(w.id(), w.ending); err != nil {
			return err
		}
		accessToken, _ := w.ending.Response().Get("access_token")
		ui, err := idtoken.FetchUserinfo(ctx, w.sideClient("userinfo"), endpoint, accessToken)
		var te *idtoken.TransportError
		switch {
		case errors.As(err, &te):
			return w.harnessErr(err)
		case err != nil:
			return check.Fail(w.id(), "the userinfo answer cannot be read: %v", err)
		case ui.Status != http.StatusOK:
			return w.skipBecause("the userinfo endpoint refused the access token (HTTP %d), so it names no sub to compare (TOK-09 judges the refusal)", ui.Status)
		}
		return check.UserinfoSub(w.id(), tok, ui.Sub, ui.HasSub)
	})
}

func oidcKidKnown(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		if tok.Header.Kid == "" {
			return nil // §10.1: a kid is needed only beside other keys; OIDC-04 verifies the signature
		}
		jwks, refetched, err := w.jwksFor(ctx, tok, "the ID token's kid cannot be looked up")
		if err != nil {
			return err
		}
		return check.IDTokenKid(w.id(), tok, jwks, refetched)
	})
}

func oidcIatNotAhead(ctx context.Context, minutes int) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		tok, err := check.IDToken(w.id(), w.ending)
		if err != nil {
			return err
		}
		return check.IatNotAhead(w.id(), tok, time.Now(), time.Duration(minutes)*time.Minute)
	})
}
