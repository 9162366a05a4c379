// Package steps binds the Gherkin steps to the engine. Steps stay thin: parse
// the step's words, call the engine, turn its answer into pass or fail.
package steps

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/redact"
	"github.com/implicitspec/implicitspec/internal/report"
)

// Env is what every scenario of a run shares. It is read-only once the run
// starts: scenarios run concurrently.
type Env struct {
	Profile  *profile.Profile
	RootCAs  *x509.CertPool
	Insecure bool
	Timeout  time.Duration // per request
	MaxHops  int
	MaxBody  int64
	// HTTP is the client used to call resource servers (not the browser).
	HTTP *http.Client
}

// AgentConfig is the browser configuration for one scenario.
func (e *Env) AgentConfig() agent.Config {
	var clientURIs []string
	for _, c := range e.Profile.Clients.All() {
		clientURIs = append(clientURIs, c.RedirectURIs...)
	}
	return agent.Config{
		MaxHops:            e.MaxHops,
		Timeout:            e.Timeout,
		MaxBody:            e.MaxBody,
		RootCAs:            e.RootCAs,
		InsecureSkipVerify: e.Insecure,
		AllowedOrigins:     e.Profile.Origins(),
		ClientURIs:         clientURIs,
	}
}

// InteractOptions tells the person at the browser who they are and what
// to decide.
func (e *Env) InteractOptions(d interact.Decision) interact.Options {
	p := e.Profile
	return interact.Options{
		Username: p.ResourceOwner.Username,
		Password: p.ResourceOwner.Password,
		Hints: interact.Hints{
			UsernameField: p.Interaction.UsernameField,
			PasswordField: p.Interaction.PasswordField,
			Approve:       p.Interaction.Approve,
			Deny:          p.Interaction.Deny,
		},
		Decision: d,
	}
}

// Redactor masks this target's secrets.
func (e *Env) Redactor() *redact.Redactor { return redact.New(e.Profile.ResourceOwner.Password) }

// world is one scenario's state. It travels in the context.Context, never in
// a package variable: scenarios run concurrently.
type world struct {
	env    *Env
	ids    []string // requirement IDs from the scenario's tags
	level  string   // must, should, may, bcp
	client *profile.Client
	req    *authz.Request
	// redirectURI is the redirect_uri the request names ("" when omitted).
	redirectURI string
	sentState   *string
	agent       *agent.Agent
	outcome     *interact.Outcome
	ending      *check.Ending
	skip        string // why the scenario was skipped
	harness     error  // why the harness could not judge
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
	Evidence string
}

// ScenarioOutcome reads the scenario's outcome from its context (the suite's
// After hook calls it: godog hands a later hook no error for a skip).
func ScenarioOutcome(ctx context.Context) (Outcome, bool) {
	w := worldFrom(ctx)
	if w == nil {
		return Outcome{}, false
	}
	o := Outcome{IDs: w.ids, Level: w.level, Skip: w.skip, Harness: w.harness}
	if w.agent != nil {
		o.Evidence = report.Transcript(w.agent.Hops(), w.doneSteps(), w.env.Redactor())
	}
	return o, true
}

// harness records and returns a harness failure.
func (w *world) harnessErr(err error) error {
	// A flow that showed the scenario cannot be judged (runFlow) is a skip.
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
