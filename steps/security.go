package steps

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// registerSecuritySteps binds the steps of the security features.
func registerSecuritySteps(sc *registrar) {
	sc.Given(`^the request parameter "([a-z_]+)" is "([^"]*)"$`, requestParamIs)

	sc.When(`^a client connects to the authorization endpoint offering only TLS 1\.0 and TLS 1\.1$`, offerLegacyTLS)
	sc.When(`^a script on "([^"]*)" sends the authorization request with (GET|OPTIONS)$`, crossOriginProbe)
	sc.When(`^the login page is opened with "([^"]*)" added to its address, and the resource owner signs in and approves$`, loginWithParam)
	sc.When(`^the authorization request is sent to the plain-http address of the same host$`, sendToHTTPVariant)

	sc.Then(`^every request the browser made to the server used https$`, allHTTPS)
	sc.Then(`^that address serves no sign-in page and sends nothing to the client$`, httpVariantServesNothing)
	sc.Then(`^the server refuses the connection$`, legacyTLSRefused)
	sc.Then(`^every page the browser was shown refuses to be framed by other sites$`, framingRefused)
	sc.Then(`^every page the browser was shown restricts framing with a Content Security Policy$`, frameAncestorsCSP)
	sc.Then(`^every page the browser was shown keeps its address from other sites$`, referrerRestricted)
	sc.Then(`^no page the browser was shown loads content from other sites$`, noThirdPartyContent)
	sc.Then(`^the redirect carrying the access token forbids caching$`, tokenRedirectNotCached)
	sc.Then(`^the response grants that origin no cross-origin access$`, noCORS)
	sc.Then(`^the credentials posted to the login form are not re-posted by a redirect$`, noRepostAfterLogin)
	sc.Then(`^no page the browser was shown contains the markup unescaped$`, markupEscaped)
	sc.Then(`^the browser is not sent to "([^"]*)"$`, notSentTo)

	sc.When(`^the resource owner signs in, and another site forges the consent form without its anti-forgery field$`, consentForgedBySite)
	sc.When(`^the resource owner signs in, and the consent form is submitted from a browser without the resource owner's cookies$`, consentFromOtherBrowser)

	sc.Then(`^the forged consent issues no access token$`, forgedConsentNoToken)
}

// securityProbe is what the security steps keep for their scenario.
type securityProbe struct {
	payloads   map[string]string // parameter -> markup sent in it
	negotiated uint16            // TLS version a legacy-only handshake reached (0: refused)
	probed     bool
	probe      agent.Hop
	origin     string
}

// flowJudged wraps a Then step over the browser's exchanges.
func flowJudged(ctx context.Context, judge func(w *world, xs []agent.Hop) error) (context.Context, error) {
	return judged(ctx, func(w *world) error { return overExchanges(w, judge) })
}

// flowNegative is flowJudged for a check whose pass is an absence (no
// markup reflected, nothing served): marked negative in the report.
func flowNegative(ctx context.Context, judge func(w *world, xs []agent.Hop) error) (context.Context, error) {
	return negative(ctx, func(w *world) error { return overExchanges(w, judge) })
}

// everyPageJudged is flowJudged for a check that reads every page of the
// flow, the login page among them: a browser that started signed in never
// saw it (freshOnly).
func everyPageJudged(ctx context.Context, judge func(w *world, xs []agent.Hop) error) (context.Context, error) {
	return flowJudged(ctx, func(w *world, xs []agent.Hop) error {
		if err := w.freshOnly("the check reads every page of the flow"); err != nil {
			return err
		}
		return judge(w, xs)
	})
}

// everyPageNegative is everyPageJudged for a check whose pass is an absence.
func everyPageNegative(ctx context.Context, judge func(w *world, xs []agent.Hop) error) (context.Context, error) {
	return flowNegative(ctx, func(w *world, xs []agent.Hop) error {
		if err := w.freshOnly("the check reads every page of the flow"); err != nil {
			return err
		}
		return judge(w, xs)
	})
}

func overExchanges(w *world, judge func(w *world, xs []agent.Hop) error) error {
	if w.agent == nil {
		return w.harnessErr(errors.New("no browser ran the flow"))
	}
	return judge(w, w.agent.Exchanges())
}

func requestParamIs(ctx context.Context, name, value string) (context.Context, error) {
	w := worldFrom(ctx)
	s := &w.sec
	w.req.Set(name, value)
	switch name {
	case "redirect_uri":
		w.redirectURI = value
	case "state":
		w.sentState = &value
	}
	s.payloads[name] = value
	return ctx, nil
}

func offerLegacyTLS(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	ep := w.t.Profile.AuthorizationEndpoint
	if u, err := url.Parse(ep); err != nil || u.Scheme != "https" {
		return ctx, w.skipBecause("the authorization endpoint is not https (%s), so there is no TLS to judge; scenario SEC-01 'Every page of the flow is served over https' reports it", ep)
	}
	_, rec := w.side("TLS probe")
	v, err := rec.LegacyTLS(ctx, ep, w.t.Limits.Timeout)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.sec.negotiated, w.sec.probed = v, true
	return ctx, nil
}

func crossOriginProbe(ctx context.Context, origin, method string) (context.Context, error) {
	w := worldFrom(ctx)
	s := &w.sec
	a, err := w.startBrowser(ctx)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	defer a.CloseIdleConnections()
	h := http.Header{}
	h.Set("Origin", origin)
	if method == http.MethodOptions {
		h.Set("Access-Control-Request-Method", http.MethodGet)
		h.Set("Access-Control-Request-Headers", "authorization")
	}
	hop, err := a.Probe(ctx, method, w.req.URL(), "", h)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	s.probe, s.probed, s.origin = hop, true, origin
	w.ending = &check.Ending{StoppedAt: hop.URL, Status: hop.Status}
	return ctx, nil
}

// loginWithParam starts the request, stops at the first page (the login
// page), opens it again with extra added to its query, and goes on from
// there as the resource owner would.
func loginWithParam(ctx context.Context, extra string) (context.Context, error) {
	w := worldFrom(ctx)
	a, err := w.startBrowser(ctx)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	defer a.CloseIdleConnections()
	res, err := a.Navigate(ctx, "GET", w.req.URL(), "", "start")
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	if res.Page == nil {
		return ctx, w.skipBecause("the authorization request did not stop on a login page (it %s)", res.Departure.Via)
	}
	login := *res.Page.URL
	login.Fragment, login.RawFragment = "", ""
	if login.RawQuery != "" {
		login.RawQuery += "&"
	}
	login.RawQuery += extra
	out, err := interact.Run(ctx, a, interact.Start{Method: "GET", URL: login.String()}, w.t.InteractOptions(interact.Approve))
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.outcome, w.ending = out, w.endingOf(out, w.req)
	return ctx, nil
}

// sendToHTTPVariant sends the request, as the resource owner's browser
// would, to the http origin of the endpoint's host that the profile allows
// (allowed_origins), and follows what it answers.
func sendToHTTPVariant(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	p := w.t.Profile
	ep, err := url.Parse(p.AuthorizationEndpoint)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	if ep.Scheme != "https" {
		return ctx, w.skipBecause("the authorization endpoint itself is plain http; scenario 'Every page of the flow is served over https' reports it")
	}
	variant := ""
	for _, o := range p.AllowedOrigins {
		if u, err := url.Parse(o); err == nil && u.Scheme == "http" && strings.EqualFold(u.Hostname(), ep.Hostname()) {
			variant = strings.TrimSuffix(o, "/")
			break
		}
	}
	if variant == "" {
		return ctx, w.skipBecause("the target profile allows no plain-http origin on the endpoint's host %s (allowed_origins), so its http address is not probed", ep.Hostname())
	}
	target := variant + ep.EscapedPath()
	if q := strings.SplitN(w.req.URL(), "?", 2); len(q) == 2 {
		target += "?" + q[1]
	}
	a, err := w.startBrowser(ctx)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	defer a.CloseIdleConnections()
	res, err := a.Navigate(ctx, http.MethodGet, target, "", "start")
	if err != nil {
		var ae *agent.Error
		if errors.As(err, &ae) && ae.Kind != agent.KindTimeout && ae.Kind != agent.KindCanceled {
			// Refused or reset: the http address serves nothing, as required.
			w.ending = &check.Ending{Reason: "the plain-http address refused the request: " + ae.Error()}
			return ctx, nil
		}
		return ctx, w.harnessErr(err)
	}
	out := &interact.Outcome{Kind: interact.Stopped, Page: res.Page, Departure: res.Departure}
	if res.Departure != nil {
		out.Kind = interact.Redirected
	}
	w.ending = w.endingOf(out, w.req)
	return ctx, nil
}

func httpVariantServesNothing(ctx context.Context) (context.Context, error) {
	return everyPageNegative(ctx, func(w *world, xs []agent.Hop) error {
		return check.HTTPVariantServesNothing(w.id(), xs, w.ending)
	})
}

func allHTTPS(ctx context.Context) (context.Context, error) {
	return everyPageJudged(ctx, func(w *world, xs []agent.Hop) error { return check.AllHTTPS(w.id(), xs) })
}

func legacyTLSRefused(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	s := &w.sec
	if !s.probed {
		return ctx, w.harnessErr(errors.New("no TLS probe ran (no When step)"))
	}
	return ctx, check.ModernTLS(w.id(), s.negotiated)
}

func framingRefused(ctx context.Context) (context.Context, error) {
	return everyPageJudged(ctx, func(w *world, xs []agent.Hop) error { return check.FramingRefused(w.id(), xs) })
}

func frameAncestorsCSP(ctx context.Context) (context.Context, error) {
	return everyPageJudged(ctx, func(w *world, xs []agent.Hop) error { return check.FrameAncestorsCSP(w.id(), xs) })
}

func referrerRestricted(ctx context.Context) (context.Context, error) {
	return everyPageJudged(ctx, func(w *world, xs []agent.Hop) error { return check.ReferrerRestricted(w.id(), xs) })
}

func noThirdPartyContent(ctx context.Context) (context.Context, error) {
	return everyPageJudged(ctx, func(w *world, xs []agent.Hop) error {
		return check.NoThirdPartyContent(w.id(), xs, w.t.Profile.Origins())
	})
}

func tokenRedirectNotCached(ctx context.Context) (context.Context, error) {
	return flowJudged(ctx, func(w *world, xs []agent.Hop) error {
		seen, err := check.TokenRedirectsNotCached(w.id(), xs)
		if err == nil && !seen {
			return w.skipBecause("no redirect of the flow carried an access token (%s)", w.ending.Describe())
		}
		return err
	})
}

func noCORS(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	s := &w.sec
	if !s.probed {
		return ctx, w.harnessErr(errors.New("no cross-origin request was sent (no When step)"))
	}
	return ctx, check.NoCORS(w.id(), s.probe.Method, s.origin, s.probe.Header)
}

func noRepostAfterLogin(ctx context.Context) (context.Context, error) {
	return everyPageJudged(ctx, func(w *world, xs []agent.Hop) error {
		pw := w.t.Profile.ResourceOwner.Password
		for _, x := range xs {
			if x.Method != http.MethodPost {
				continue
			}
			if carriesValue(x.RequestBody, pw) {
				return check.NoRepostAfterLogin(w.id(), x)
			}
		}
		return w.skipBecause("the browser posted no login form with the password (a remembered session, or a login that is not a form)")
	})
}

func carriesValue(body, value string) bool {
	if value == "" {
		return false
	}
	ps, _ := fragment.Parse(body)
	for _, p := range ps {
		if p.Value == value {
			return true
		}
	}
	return false
}

func markupEscaped(ctx context.Context) (context.Context, error) {
	s := &worldFrom(ctx).sec
	return everyPageNegative(ctx, func(w *world, xs []agent.Hop) error {
		if len(s.payloads) == 0 {
			return w.harnessErr(errors.New("the scenario sent no markup to look for"))
		}
		for _, name := range []string{"client_id", "redirect_uri", "scope", "state", "response_type"} {
			p, ok := s.payloads[name]
			if !ok {
				continue
			}
			if err := check.Escaped(w.id(), name, markupOf(p), xs); err != nil {
				return err
			}
		}
		return nil
	})
}

// markupOf is the part of a payload that must never appear verbatim: from
// its first '<' on (a redirect URI payload carries a harmless prefix).
func markupOf(p string) string {
	if i := strings.IndexByte(p, '<'); i >= 0 {
		return p[i:]
	}
	return p
}

func notSentTo(ctx context.Context, foreign string) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		if err := check.NotToOrigin(w.id(), "added", w.ending, foreign); err != nil {
			return err
		}
		return nil
	})
}

// consentForged drives the flow up to the consent form, then submits that
// form in an altered way: forged by another site (how == "forged"), or from
// a browser without the resource owner's cookies (how == "cookieless").
func consentForged(ctx context.Context, how string) (context.Context, error) {
	w := worldFrom(ctx)
	a, err := w.startBrowser(ctx)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	defer a.CloseIdleConnections()
	opts := w.t.InteractOptions(interact.Approve)
	opts.HoldConsent = true
	out, err := interact.Run(ctx, a, interact.Start{Method: w.req.Method, URL: w.req.URL()}, opts)
	w.outcome = out
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	held := out.HeldConsent
	if held == nil {
		return ctx, w.skipBecause("the flow showed no consent form to forge (%s)", w.endingOf(out, w.req).Describe())
	}
	sub, from, h := *held, a, http.Header{}
	switch how {
	case "forged":
		var dropped, fields []string
		sub.Body, dropped, fields = interact.WithoutAntiForgery(held.Body)
		if len(dropped) == 0 {
			// Quoted: the names come from the server's page (one line, as text).
			return ctx, w.skipBecause("the consent form has no field recognisable as an anti-forgery token (fields: %q); the replay from another browser still applies",
				fields)
		}
		h.Set("Origin", "https://evil.example")
		h.Set("Referer", "https://evil.example/")
		h.Set("Sec-Fetch-Site", "cross-site")
	default: // cookieless: the same submission, from a browser that has none of the cookies
		if from, err = w.newAgent(); err != nil {
			return ctx, w.harnessErr(err)
		}
		// The other browser becomes the flow's: keep what the resource
		// owner's did.
		w.evidence = append(w.evidence, evidence.FromHops("the resource owner's browser, up to the consent form", a.Hops(), w.t.Redactor()))
		defer from.CloseIdleConnections()
		h.Set("Origin", held.Page.URL.Scheme+"://"+held.Page.URL.Host)
		h.Set("Sec-Fetch-Site", "same-origin")
	}
	replayed, err := interact.Replay(ctx, from, sub, h)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	w.ending, w.agent = w.endingOf(replayed, w.req), from
	return ctx, nil
}

func consentForgedBySite(ctx context.Context) (context.Context, error) {
	return consentForged(ctx, "forged")
}

func consentFromOtherBrowser(ctx context.Context) (context.Context, error) {
	return consentForged(ctx, "cookieless")
}

func forgedConsentNoToken(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error { return check.ForgedConsentRefused(w.id(), w.ending) })
}
