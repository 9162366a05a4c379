package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// registerResponseSteps binds the steps of the response features.
func registerResponseSteps(sc *godog.ScenarioContext) {
	sc.Given(`^the state is (\d+) characters long$`, stateOfLength)
	sc.Given(`^the request carries an empty state$`, emptyState)
	sc.Given(`^the request carries the state twice, as "([^"]*)" and then "([^"]*)"$`, stateTwice)
	sc.Given(`^the request asks for the response type "([^"]*)"$`, asksResponseType)
	sc.Given(`^the request asks for the implicit grant$`, asksImplicitGrant)
	sc.Given(`^the request asks for the scope "(.*)"$`, asksScope)
	sc.Given(`^the request also asks for offline access$`, asksOfflineAccess)
	sc.Given(`^the request names no scope at all$`, namesNoScope)
	sc.Given(`^the request asks for the response mode "([^"]*)"$`, asksResponseMode)
	sc.Given(`^the request asks for the response mode "([^"]*)", listed or not$`, asksUnlistedResponseMode)
	sc.Given(`^the request asks for the prompt "([^"]*)"$`, asksPrompt)

	sc.When(`^the resource owner approves (\d+) requests one after another in the same browser$`, ownerApprovesMany)

	sc.Then(`^the response holds exactly one access token, and the state is encoded within its parameter$`, stateNotInjected)
	sc.Then(`^the state comes back exactly as sent, unless the request is refused cleanly$`, stateEchoedOrRefusedCleanly)
	sc.Then(`^the response carries no state parameter at all$`, noStateParameter)
	sc.Then(`^any error response sent to the client carries the state exactly$`, anyErrorCarriesState)
	sc.Then(`^any error response sent to the client is in the fragment$`, anyErrorInFragment)
	sc.Then(`^no access token is put in the query$`, noTokenInQuery)
	sc.Then(`^the request is refused rather than the response mode ignored$`, modeRefused)
	sc.Then(`^the response arrives as a form POST to the redirect URI, every parameter a hidden input$`, formPostPage)
	sc.Then(`^the page that posts the response forbids caching$`, formPostNoStore)
	sc.Then(`^the error is posted to the redirect URI with the state$`, errorPosted)
	sc.Then(`^the response decodes as form-urlencoded UTF-8$`, fragmentDecodes)
	sc.Then(`^no character of the response is left unencoded$`, fragmentFullyEncoded)
	sc.Then(`^no response parameter appears twice$`, noRepeatedParams)
	sc.Then(`^the (response|error response) names the issuer in iss$`, issNamesIssuer)
	sc.Then(`^the access token is made of visible ASCII characters$`, tokenVSCHAR)
	sc.Then(`^the access token can be sent in an Authorization: Bearer header$`, tokenB64)
	sc.Then(`^the token type is one the client understands$`, tokenTypeKnown)
	sc.Then(`^the response says when the access token expires$`, expiresInPresent)
	sc.Then(`^the expiry, if given, is a positive whole number of seconds$`, expiresInValid)
	sc.Then(`^the access token lives no longer than an hour$`, expiresInHour)
	sc.Then(`^the expiry, if given, is not in milliseconds$`, expiresInNotMillis)
	sc.Then(`^the response says which scope was granted$`, scopeReturned)
	sc.Then(`^no refresh token is issued$`, noRefreshToken)
	sc.Then(`^no authorization code is issued$`, noCode)
	sc.Then(`^the response carries no ID token$`, noIDToken)
	sc.Then(`^every access token is different, and they are not a counter$`, tokensUnique)
	sc.Then(`^the access tokens carry at least 128 bits of entropy$`, tokensEntropy)
}

// --- Given ---

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

func asksResponseType(ctx context.Context, rt string) (context.Context, error) {
	worldFrom(ctx).req.Set("response_type", rt)
	return ctx, nil
}

func asksScope(ctx context.Context, scope string) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Set("scope", w.scopeOf(scope))
	return ctx, nil
}

// asksImplicitGrant names the response type under test explicitly: the
// request is the baseline, for a client whose grants are the question.
func asksImplicitGrant(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	w.req.Set("response_type", w.rt)
	return ctx, nil
}

func asksPrompt(ctx context.Context, prompt string) (context.Context, error) {
	worldFrom(ctx).req.Set("prompt", prompt)
	return ctx, nil
}

func namesNoScope(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if err := w.withoutScope(); err != nil {
		return ctx, err
	}
	w.req.Del("scope")
	return ctx, nil
}

func asksOfflineAccess(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	scopes, _ := w.meta().ScopesSupported()
	var offline string
	for _, s := range []string{"offline_access", "offline"} {
		if slices.Contains(scopes, s) {
			offline = s
			break
		}
	}
	if offline == "" {
		return ctx, w.skipBecause("the target's metadata lists no offline_access (or offline) scope in scopes_supported")
	}
	scope, _ := w.req.Get("scope")
	w.req.Set("scope", strings.TrimSpace(scope+" "+offline))
	return ctx, nil
}

func asksResponseMode(ctx context.Context, mode string) (context.Context, error) {
	w := worldFrom(ctx)
	if mode == "form_post" {
		if modes, ok := w.meta().ResponseModes(); ok && !slices.Contains(modes, "form_post") {
			return ctx, w.skipBecause("the target's metadata lists response_modes_supported %q without form_post", modes)
		}
	}
	w.req.Set("response_mode", mode)
	return ctx, nil
}

// asksUnlistedResponseMode asks for the mode whatever the metadata lists:
// for the scenario that judges the metadata itself (META-02), where a mode
// served but not listed is the finding, not a reason to skip.
func asksUnlistedResponseMode(ctx context.Context, mode string) (context.Context, error) {
	worldFrom(ctx).req.Set("response_mode", mode)
	return ctx, nil
}

// --- When ---

// ownerApprovesMany runs n flows in one browser, so a server that remembers
// the session asks for the login once; each flow has its own state.
func ownerApprovesMany(ctx context.Context, n int) (context.Context, error) {
	w := worldFrom(ctx)
	if err := w.needsAccessToken(); err != nil {
		return ctx, err
	}
	a, err := w.startBrowser()
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.many.ran = true
	for i := range n {
		state := authz.RandomState()
		w.req.Set("state", state)
		w.sentState = &state
		out, err := w.runFlow(ctx, a, w.req, interact.Approve)
		if err != nil {
			return ctx, w.harnessErr(err)
		}
		w.outcome, w.ending = out, w.endingOf(out, w.req)
		if err := check.ClientGetsToken(w.id(), w.ending); err != nil {
			msg := err.Error()
			var f *check.Finding
			if errors.As(err, &f) {
				msg = f.Msg
			}
			w.many.flowErr = fmt.Errorf("flow %d of %d: %s", i+1, n, msg)
			break
		}
		tok, _ := w.ending.TokenParams().Get("access_token")
		w.many.tokens = append(w.many.tokens, tok)
	}
	return ctx, nil
}

// --- Then ---

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

func anyErrorCarriesState(ctx context.Context) (context.Context, error) {
	return withState(ctx, judged, func(w *world, sent string) error {
		if err := errorRedirect(w); err != nil {
			return err
		}
		return check.ErrorCarriesState(w.id(), w.ending, sent)
	})
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

// formPostJudgeable skips when the target shows no sign of supporting
// form_post: it answered without a POST and its metadata does not list it.
func formPostJudgeable(w *world) error {
	modes, _ := w.meta().ResponseModes()
	if w.ending.Method != "POST" && !slices.Contains(modes, "form_post") {
		return w.skipBecause("the target answered response_mode=form_post without a form POST, and its metadata does not list form_post (an optional extension)")
	}
	return nil
}

func formPostPage(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := formPostJudgeable(w); err != nil {
			return err
		}
		p := w.outcome.Page
		if p == nil {
			return check.Fail(w.id(), "no page was seen before the response left: %s", w.ending.Describe())
		}
		return check.FormPostPage(w.id(), w.ending, w.redirectURI, p.Status, p.Header.Get("Content-Type"), p.Body)
	})
}

func formPostNoStore(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		if err := formPostJudgeable(w); err != nil {
			return err
		}
		// The page holding the form, whatever its method (FP-01 judges that).
		if !formDeparture(w) || w.outcome.Page == nil {
			return check.Fail(w.id(), "expected a page that posts the response, got %s", w.ending.Describe())
		}
		return check.NoStore(w.id(), w.outcome.Page.Header.Values("Cache-Control"))
	})
}

func errorPosted(ctx context.Context) (context.Context, error) {
	return withState(ctx, judged, func(w *world, sent string) error {
		if err := formPostJudgeable(w); err != nil {
			return err
		}
		return check.ErrorPosted(w.id(), w.ending, sent)
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

func tokenVSCHAR(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error { return check.TokenVSCHAR(w.id(), w.ending) })
}

func tokenB64(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error { return check.TokenB64(w.id(), w.ending) })
}

func tokenTypeKnown(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error { return check.TokenTypeKnown(w.id(), w.ending) })
}

func expiresInPresent(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error { return check.ExpiresInPresent(w.id(), w.ending) })
}

func expiresInValid(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error { return check.ExpiresInValid(w.id(), w.ending) })
}

func expiresInHour(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error {
		return check.ExpiresInAtMost(w.id(), w.ending, 3600, "a token held by a browser should be short-lived")
	})
}

func expiresInNotMillis(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error {
		return check.ExpiresInAtMost(w.id(), w.ending, 31536000, "more than a year, likely milliseconds instead of seconds")
	})
}

func scopeReturned(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error {
		if check.ClientGetsToken(w.id(), w.ending) != nil && w.ending.TokenParams().Count("access_token") == 0 {
			// §3.3 lets the server refuse a request without scope (invalid_scope).
			return w.skipBecause("the target granted nothing to a request without scope: the flow %s", w.ending.Describe())
		}
		return check.ScopeReturned(w.id(), w.ending)
	})
}

func noRefreshToken(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		scope, _ := w.req.Get("scope")
		offline := slices.ContainsFunc(strings.Fields(scope), func(s string) bool { return strings.HasPrefix(s, "offline") })
		if offline && check.ClientGetsToken(w.id(), w.ending) != nil && len(w.ending.TokenParams().All("refresh_token")) == 0 {
			// A client may not be allowed offline access; refusing it is fine.
			return w.skipBecause("the target did not serve the request for offline access: the flow %s", w.ending.Describe())
		}
		return check.Absent(w.id(), w.ending, "refresh_token", "the implicit grant must not issue one")
	})
}

func noCode(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		return check.Absent(w.id(), w.ending, "code", "response_type=token asks for an access token only")
	})
}

func noIDToken(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		return check.Absent(w.id(), w.ending, "id_token", "response_type=token asks for an access token only")
	})
}

func manyTokens(ctx context.Context, judge func(w *world, tokens []string) error) (context.Context, error) {
	w := worldFrom(ctx)
	if !w.many.ran {
		return ctx, w.harnessErr(errors.New("no tokens were collected (no When step)"))
	}
	if w.many.flowErr != nil {
		return ctx, check.Fail(w.id(), "%v", w.many.flowErr)
	}
	return ctx, judge(w, w.many.tokens)
}

func tokensUnique(ctx context.Context) (context.Context, error) {
	return manyTokens(ctx, func(w *world, tokens []string) error { return check.TokensUnique(w.id(), tokens) })
}

func tokensEntropy(ctx context.Context) (context.Context, error) {
	return manyTokens(ctx, func(w *world, tokens []string) error { return check.TokenEntropy(w.id(), tokens) })
}

// formDeparture: the flow left the server by submitting a form (the page
// holding it is the one whose caching FP-* judge). It compares the agent's
// Via value, not the words of the ending's description.
func formDeparture(w *world) bool {
	return w.outcome != nil && w.outcome.Departure != nil && w.outcome.Departure.Via == agent.ViaForm
}
