package steps

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/resource"
)

// registerTokenSteps binds the steps of 09_token.
func registerTokenSteps(sc *registrar) {
	sc.Then(`^the client receives an access token$`, clientReceivesAccessToken)
	sc.Then(`^no access token is issued$`, noAccessToken)
	sc.Then(`^the response holds a non-empty access token$`, nonEmptyAccessToken)
	sc.Then(`^the response names the token type$`, namesTokenType)
	sc.Then(`^the access token is accepted by the userinfo endpoint$`, tokenAcceptedByUserinfo)
	sc.Then(`^the userinfo endpoint refuses a request without an access token, with a Bearer challenge$`, userinfoRefusesNoToken)
	sc.Then(`^the userinfo endpoint refuses (the access token with one character changed|a random token of the same length), with a Bearer challenge naming invalid_token$`, userinfoRefusesBadToken)

	sc.Given(`^the request also asks for offline access$`, asksOfflineAccess)
	sc.Given(`^the request names no scope at all$`, namesNoScope)

	sc.When(`^the resource owner approves (\d+) requests one after another in the same browser$`, ownerApprovesMany)

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

// ownerApprovesMany runs n flows in one browser, so a server that remembers
// the session asks for the login once; each flow has its own state.
func ownerApprovesMany(ctx context.Context, n int) (context.Context, error) {
	w := worldFrom(ctx)
	if err := w.needsAccessToken(); err != nil {
		return ctx, err
	}
	a, err := w.startBrowser(ctx)
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

func clientReceivesAccessToken(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error { return check.ClientGetsToken(w.id(), w.ending) })
}

func noAccessToken(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.NoToken(w.id(), w.ending) })
}

// accessTokenJudged wraps a Then step about the access token itself.
func accessTokenJudged(ctx context.Context, judge func(w *world) error) (context.Context, error) {
	w := worldFrom(ctx)
	if err := w.needsAccessToken(); err != nil {
		return ctx, err
	}
	return judged(ctx, judge)
}

func nonEmptyAccessToken(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error { return check.AccessToken(w.id(), w.ending) })
}

func namesTokenType(ctx context.Context) (context.Context, error) {
	return accessTokenJudged(ctx, func(w *world) error { return check.TokenType(w.id(), w.ending) })
}

func tokenAcceptedByUserinfo(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	endpoint := w.t.Profile.UserinfoEndpoint
	if endpoint == "" {
		return ctx, w.skipBecause("the target profile names no userinfo_endpoint (and discovery gave none)")
	}
	return accessTokenJudged(ctx, func(w *world) error {
		if err := check.AccessToken(w.id(), w.ending); err != nil {
			return err
		}
		token, _ := w.ending.Response().Get("access_token")
		ans, err := resource.Get(ctx, w.sideClient("userinfo"), endpoint, token)
		if err != nil {
			return w.harnessErr(err)
		}
		return check.ResourceAccepts(w.id(), endpoint, ans.Status, ans.WWWAuthenticate)
	})
}

// badTokens make, from the flow's own access token, the tokens TOK-10
// presents in its place.
var badTokens = map[string]func(own string) string{
	"the access token with one character changed": alteredToken,
	"a random token of the same length":           randomToken,
}

func userinfoRefusesNoToken(ctx context.Context) (context.Context, error) {
	// resource.Get sends no Authorization header for an empty token.
	return userinfoRefuses(ctx, "a request without an access token", func(string) string { return "" })
}

func userinfoRefusesBadToken(ctx context.Context, which string) (context.Context, error) {
	return userinfoRefuses(ctx, "a request bearing "+which, badTokens[which])
}

// userinfoRefuses presents bad(the flow's own access token) — "" for none —
// at the userinfo endpoint and judges the refusal. Its positive control is
// the flow's own token, which must be accepted there in the same scenario:
// an endpoint that refuses every token proves nothing by refusing this one.
func userinfoRefuses(ctx context.Context, what string, bad func(own string) string) (context.Context, error) {
	w := worldFrom(ctx)
	endpoint := w.t.Profile.UserinfoEndpoint
	if endpoint == "" {
		return ctx, w.skipBecause("the target profile names no userinfo_endpoint (and discovery gave none)")
	}
	return negativeAccessToken(ctx, func(w *world) error {
		own, _ := w.ending.Response().Get("access_token")
		if !check.Succeeded(w.ending) || own == "" {
			return w.skipBecause("cannot judge: the flow issued no access token to compare with (the flow %s)", w.ending.Describe())
		}
		ctl, err := resource.Get(ctx, w.sideClient("userinfo (the positive control: the flow's own access token)"), endpoint, own)
		if err != nil {
			return w.harnessErr(fmt.Errorf("the positive control (the flow's own access token): %w", err))
		}
		if check.ResourceAccepts(w.id(), endpoint, ctl.Status, ctl.WWWAuthenticate) != nil {
			return w.skipBecause("cannot judge: the userinfo endpoint refuses the flow's own access token too (HTTP %d), so refusing %s proves nothing", ctl.Status, what)
		}
		presented := bad(own)
		ans, err := resource.Get(ctx, w.sideClient("userinfo ("+what+")"), endpoint, presented)
		if err != nil {
			return w.harnessErr(err)
		}
		return check.ResourceRefuses(w.id(), endpoint, what, presented != "", ans.Status, ans.WWWAuthenticate)
	})
}

// alteredToken is token with one character changed to the next of its kind
// (letter or digit), so that only the value differs from a live token, not
// its length or alphabet. The character is taken from the middle: the last
// characters of a base64 signature may carry bits that are never decoded.
func alteredToken(token string) string {
	b := []byte(token)
	for k := range b {
		i := (len(b)/2 + k) % len(b)
		if c, ok := nextOfKind(b[i]); ok {
			b[i] = c
			return string(b)
		}
	}
	return token + "x" // no letter or digit to change (never a real token)
}

// nextOfKind is the letter or digit after c, cyclically ('z' → 'a').
func nextOfKind(c byte) (byte, bool) {
	for _, kind := range []string{"abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"} {
		if i := strings.IndexByte(kind, c); i >= 0 {
			return kind[(i+1)%len(kind)], true
		}
	}
	return c, false
}

// randomToken is a random base64url string as long as own: a well-formed
// token of the right length that the server never issued.
func randomToken(own string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, len(own))
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	for i := range b {
		b[i] = alphabet[b[i]&63]
	}
	return string(b)
}
