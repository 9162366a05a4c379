// Package steps binds the Gherkin steps to the engine. Steps stay thin: parse
// the step's words, call the engine, turn its answer into pass or fail.
package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/target"
)

// world is one scenario's whole state. It travels in the context.Context
// under one key, never in a package variable: scenarios run concurrently.
type world struct {
	t     *target.Target
	ids   []string // requirement IDs from the scenario's tags
	level string   // must, should, may, bcp

	// The request, and what it started from before any tampering: its
	// client, that client's registered redirect URI and the response type
	// under test. A negative verdict's positive control is the baseline
	// request of controlClient (the client itself, unless the client is
	// the tampering) at registered, for rt.
	client        *profile.Client
	controlClient *profile.Client
	registered    string
	rt            string
	usesRT        bool // the request asks for the run's response type under test
	req           *authz.Request
	redirectURI   string  // the redirect_uri the request names ("" when omitted)
	sentState     *string // nil when the request carries none
	nonce         *string // nil when the request carries none
	repeated      string  // the parameter the request sends twice

	decision interact.Decision
	// browser is the browser the scenario's flows start in (browser.go);
	// signedIn: one of them started from a copy of the run's sign-in.
	browser  Browser
	signedIn bool
	agent    *agent.Agent
	outcome  *interact.Outcome
	ending   *check.Ending
	skip     string // why the scenario was skipped
	harness  error  // why the harness could not judge
	negative bool   // the scenario judged a refusal or an absence
	// evidence holds the exchanges made beside the flow's browser: other
	// browsers (a second request, a refused positive control) and side
	// requests (userinfo, JWKS, registration), in the order they were made.
	evidence []evidence.Group
	// sides are the recorders of the side requests, each with the index of
	// its group in evidence, filled when the outcome is read.
	sides []sideRequest
	// metaRead: the scenario read the discovery document; metaJudged: it
	// judged it. Either shows discovery's exchanges in the evidence (see
	// ScenarioOutcome).
	metaRead, metaJudged bool

	cmp  comparison // a second request (AEP-03, RT-02)
	many manyFlows  // tokens of several flows (TOK-08)
	sec  securityProbe
	reg  *registrationProbe
	oidc oidcSessions  // sign-ins of OpenID Connect scenarios (OIDC-10 … OIDC-12)
	land *landingState // the real browser's flow of a step-4 scenario (callback.go)
}

// comparison is the second flow of a scenario that compares two requests.
type comparison struct {
	second                  *check.Ending
	firstLabel, secondLabel string
}

// manyFlows are the tokens of the flows of one browser.
type manyFlows struct {
	ran     bool
	tokens  []string
	flowErr error // a flow that issued no token
}

type worldKey struct{}

func worldFrom(ctx context.Context) *world {
	w, _ := ctx.Value(worldKey{}).(*world)
	return w
}

// id is the requirement the scenario's findings cite: its first ID tag.
func (w *world) id() string {
	if len(w.ids) == 0 {
		return "?"
	}
	return w.ids[0]
}

var idTag = regexp.MustCompile(`^@([A-Z]+-\d\d)$`)

// Tags splits a scenario's tags into requirement IDs and a level.
func Tags(tags []string) (ids []string, level string) {
	level = "must"
	for _, t := range tags {
		if m := idTag.FindStringSubmatch(t); m != nil {
			ids = append(ids, m[1])
			continue
		}
		switch t {
		case "@must", "@should", "@may", "@bcp":
			level = strings.TrimPrefix(t, "@")
		}
	}
	return ids, level
}

// HarnessError marks a scenario the harness could not judge: the target was
// unreachable, the login was rejected, a page could not be read.
type HarnessError struct{ Err error }

func (e *HarnessError) Error() string { return "cannot judge: " + e.Err.Error() }
func (e *HarnessError) Unwrap() error { return e.Err }

// SkipError is a scenario skipped for a reason (the profile lacks an
// optional part). It wraps godog.ErrSkip so godog reports it as skipped.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }
func (e *SkipError) Unwrap() error { return godog.ErrSkip }

// Outcome is how a scenario ended, for the run's report.
type Outcome struct {
	IDs      []string
	Level    string
	Skip     string
	Harness  error
	Evidence evidence.Evidence
	// ResponseType is the response type of the scenario's request ("" when
	// it sent none); UsesRT says it was the run's response type under test.
	ResponseType string
	UsesRT       bool
	// Negative: the scenario judged a refusal or an absence, which counts
	// only with a positive control that succeeded.
	Negative bool
}

// ScenarioOutcome reads the scenario's outcome from its context (the suite's
// After hook calls it: godog hands a later hook no error for a skip).
func ScenarioOutcome(ctx context.Context) (Outcome, bool) {
	w := worldFrom(ctx)
	if w == nil {
		return Outcome{}, false
	}
	o := Outcome{IDs: w.ids, Level: w.level, Skip: w.skip, Harness: w.harness,
		UsesRT: w.usesRT, Negative: w.negative}
	if w.req != nil {
		o.ResponseType, _ = w.req.Get("response_type")
	}
	o.Evidence.ResponseType = o.ResponseType
	if w.agent != nil {
		o.Evidence.Groups = append(o.Evidence.Groups, evidence.FromHops("the flow", w.agent.Hops(), w.t.Redactor()))
		o.Evidence.Actions = w.doneSteps()
		if w.signedIn {
			o.Evidence.Actions = append([]string{"was signed in already: the browser started from a copy of the cookies of the run's one sign-in (--fresh-login signs in here)"},
				o.Evidence.Actions...)
		}
	}
	o.Evidence.Groups = append(o.Evidence.Groups, w.extraGroups()...)
	// The discovery document was fetched once for the run: a scenario that
	// judged it, or read nothing else, shows where it came from.
	if w.metaJudged || (w.metaRead && len(o.Evidence.Groups) == 0) {
		if g, ok := w.t.Discovery(); ok {
			o.Evidence.Groups = append(o.Evidence.Groups, g)
		}
	}
	return o, true
}

// sideRequest is the recorder of one side request and where its group
// sits in the scenario's evidence.
type sideRequest struct {
	at  int
	rec *agent.Recorder
}

// side gives a side request labelled label ("userinfo", "JWKS",
// "registration", "TLS probe") its client, whose exchanges become the
// evidence group of that label, in the order the requests were made, and
// whose answers' secrets the run's redactor learns.
func (w *world) side(label string) (*http.Client, *agent.Recorder) {
	hc, rec := w.t.Recorded()
	w.sides = append(w.sides, sideRequest{at: len(w.evidence), rec: rec})
	w.evidence = append(w.evidence, evidence.Group{Label: label})
	return hc, rec
}

// sideClient is side's client.
func (w *world) sideClient(label string) *http.Client {
	hc, _ := w.side(label)
	return hc
}

// note adds to the evidence what the scenario read without a request (the
// target profile), so that a verdict made without one still says on what.
func (w *world) note(label, what string) {
	w.evidence = append(w.evidence, evidence.Group{Label: label, Note: what})
}

// meta is the discovery document, read by the scenario.
func (w *world) meta() profile.Metadata {
	w.metaRead = true
	return w.t.Meta()
}

// extraGroups are the evidence groups beside the flow's browser, side
// requests filled from their recorders; a side request that sent nothing
// leaves no group.
func (w *world) extraGroups() []evidence.Group {
	groups := slices.Clone(w.evidence)
	for _, s := range w.sides {
		groups[s.at] = evidence.FromHops(groups[s.at].Label, s.rec.Hops(), w.t.Redactor())
	}
	return slices.DeleteFunc(groups, func(g evidence.Group) bool { return len(g.Exchanges) == 0 && g.Note == "" })
}

// harness records and returns a harness failure.
func (w *world) harnessErr(err error) error {
	// A flow that showed the scenario cannot be judged is a skip.
	if se := (*SkipError)(nil); errors.As(err, &se) {
		return se
	}
	var he *HarnessError
	if !errors.As(err, &he) {
		he = &HarnessError{Err: err}
	}
	w.harness = he
	return he
}

func (w *world) skipBecause(format string, args ...any) error {
	w.skip = fmt.Sprintf(format, args...)
	return &SkipError{Reason: w.skip}
}

// requestType is the response_type the scenario's request asks for.
func (w *world) requestType() string {
	if w.req == nil {
		return ""
	}
	rt, _ := w.req.Get("response_type")
	return rt
}

// scopeOf is scope as the request can send it: an OpenID Connect request
// keeps the openid scope (OpenID Connect Core §3.1.2.1: "OpenID Connect
// requests MUST contain the openid scope value"), so that what the scenario
// varies is the rest of the scope, not whether the request is OpenID Connect.
func (w *world) scopeOf(scope string) string {
	if target.IsOpenIDConnect(w.requestType()) {
		return target.WithOpenID(scope)
	}
	return scope
}

// withoutScope skips a scenario about a request without scope when the
// request is OpenID Connect, which cannot go without the openid scope.
func (w *world) withoutScope() error {
	if rt := w.requestType(); target.IsOpenIDConnect(rt) {
		return w.skipBecause("an OpenID Connect request (response_type %q, the response type under test) must carry the openid scope "+
			"(OpenID Connect Core §3.1.2.1), so a request without scope cannot be made with it", rt)
	}
	return nil
}

// needsAccessToken skips a scenario about the access token when the
// request's response type issues none (response_type=id_token: Multiple
// Response Type Encoding Practices §3).
func (w *world) needsAccessToken() error {
	if rt := w.requestType(); !target.IssuesAccessToken(rt) && target.IsOpenIDConnect(rt) {
		return w.skipBecause("the response type under test, %q, issues no access token (Multiple Response Type Encoding Practices §3): this scenario is about the access token", rt)
	}
	return nil
}
