// Package suite runs the features against a target and turns godog's run
// into verdicts: which requirements failed, which only warn, which could not
// be judged, and the exit code a CI job gates on.
package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/implicitspec/implicitspec/features"
	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/redact"
	"github.com/implicitspec/implicitspec/internal/target"
	"github.com/implicitspec/implicitspec/steps"
)

// Config is one run.
type Config struct {
	Target      *target.Target // after Preflight: its response type under test is the one the flow scenarios use
	Tags        string         // godog tag expression (old syntax: "," or, "&&" and, "~" not)
	Format      string         // godog formatters, "name" or "name:file", comma separated; "" = pretty
	Output      io.Writer      // where godog writes formatters without a file; nil = io.Discard
	Strict      bool           // @should failures fail the run
	BCP         bool           // @bcp scenarios (RFC 9700's strict readings) are judged; otherwise they only inform
	Concurrency int
	NoColors    bool
	// Progress, when set, is called as each scenario is judged, one call
	// at a time.
	Progress func(done, total int, r Result)
	// Throttled, when set, is told each 429 or 503 with Retry-After a
	// scenario meets, before the wait (the console's line); it may be
	// called from several scenarios at once.
	Throttled func(scenario string, t agent.Throttle)
	// Instrument, when set, adds to each scenario's context after the
	// steps are bound: tests use it to make a step panic, to prove that a
	// harness crash is never reported as the server's failure.
	Instrument func(*godog.ScenarioContext)
	// TestingT, when set, runs each scenario as a subtest of it (named by
	// the scenario), so that go test -run selects and isolates scenarios.
	// godog then fails a subtest on any step error, whatever the level.
	TestingT *testing.T
}

// Verdict is the outcome of one scenario.
type Verdict string

const (
	Passed  Verdict = "passed"
	Failed  Verdict = "failed"
	Warned  Verdict = "warning" // a @should scenario failed, run not strict
	Info    Verdict = "info"    // a @bcp scenario failed, run not judging the BCP: reported, never fails the run
	Skipped Verdict = "skipped"
	Errored Verdict = "error"   // the harness could not judge: cannot-judge, a harness error, a panic
	Waived  Verdict = "waived"  // a deviation accepted in the --expect file, not yet expired
	NotRun  Verdict = "not run" // the run was interrupted (Ctrl-C, --deadline) before it was judged
)

// Verdicts lists every verdict, in the order reports show them.
var Verdicts = []Verdict{Failed, Errored, Warned, Info, Waived, Skipped, NotRun, Passed}

// Result is one scenario's verdict.
type Result struct {
	URI     string // the feature file, e.g. "07_state.feature"
	Feature string // the feature's name
	Name    string
	Tags    []string
	IDs     []string
	Level   string
	Verdict Verdict
	// Message says why, for every verdict but Passed: the finding (clause,
	// expected, seen), the skip's reason, what could not be judged.
	Message string
	// Clause is the clause of the requirement the scenario checks (its
	// first ID): for a failure, the finding's own.
	Clause string
	// Waiver is the accepted deviation that made the verdict Waived; Was is
	// the verdict it replaced.
	Waiver *Waiver
	Was    Verdict
	Steps  []Step
	// Evidence is every exchange the scenario made, secrets masked.
	Evidence evidence.Evidence
	Started  time.Time
	Duration time.Duration
	// ResponseType is the response_type the scenario's request asked for;
	// UsesRT says it was the run's response type under test (such a
	// scenario is repeated for each offered type by --response-type all).
	ResponseType string
	UsesRT       bool
	// Negative: the scenario judged a refusal or an absence (its pass
	// counts only with a served positive control).
	Negative bool
}

// Step is one step of a scenario, as run.
type Step struct {
	Keyword string // "Given ", "When ", …
	Text    string
	Status  string // passed, failed, skipped, undefined, pending, not run
	Error   string
}

// Waiver is a deviation a person accepted (--expect), until Expires.
type Waiver struct {
	Reason     string
	AcceptedBy string
	Expires    string // YYYY-MM-DD; "" never
}

// RunInfo describes the run, for the reports' headers.
type RunInfo struct {
	Version       string
	Target        string // the profile's name
	Issuer        string
	Endpoint      string // the authorization endpoint
	ResponseType  string // the response type under test ("all": each offered one)
	Offered       []string
	ProfileDigest string // sha256 of the profile as read
	Flags         []string
	Started       time.Time
	Finished      time.Time
	// Stopped says why the run ended before every scenario was judged:
	// the preflight's reason (exit 2), an interrupt or the deadline.
	Stopped string
	// Preparation is the evidence of discovery and the preflight.
	Preparation evidence.Evidence
	Warnings    []string
	// PasswordLogins is how many times the run submitted the resource
	// owner's password: the preflight's sign-in and every one after it
	// (target.PasswordLogins when the scenarios ended). A vendor IdP counts
	// them; --fresh-login makes one per scenario that reaches a login page.
	PasswordLogins int
}

// Report is the whole run.
type Report struct {
	Info    RunInfo
	Results []Result
	// Stale are the --expect entries that matched no scenario.
	Stale []string
	// Strict and BCP are the gate's flags the verdicts were made under.
	Strict, BCP bool
}

// ErrNothingSelected is returned when a tag expression selects no scenario:
// a green run that checked nothing must not look like a pass.
var ErrNothingSelected = errors.New("the tag expression selects no scenario")

// Scenario is one selected scenario, before it runs.
type Scenario struct {
	URI     string
	Feature string
	Name    string
	Tags    []string
	IDs     []string
	Level   string
	Steps   []Step // keyword and text; Status empty
}

// Key names the scenario uniquely in a run (scenario names are unique).
func (s Scenario) Key() string { return s.URI + "\x00" + s.Name }

// Scenarios lists the scenarios the tag expression selects, in the order of
// the features.
func Scenarios(tags string) ([]Scenario, error) {
	if err := ValidateTags(tags); err != nil {
		return nil, err
	}
	ts := godog.TestSuite{Options: &godog.Options{Tags: tags, FS: features.FS, Paths: featurePaths()}}
	feats, err := ts.RetrieveFeatures()
	if err != nil {
		return nil, err
	}
	var out []Scenario
	for _, f := range feats {
		keywords := stepKeywords(f.GherkinDocument)
		for _, p := range f.Pickles {
			sc := Scenario{URI: p.Uri, Name: p.Name}
			if f.GherkinDocument != nil && f.GherkinDocument.Feature != nil {
				sc.Feature = f.GherkinDocument.Feature.Name
			}
			for _, t := range p.Tags {
				sc.Tags = append(sc.Tags, t.Name)
			}
			sc.IDs, sc.Level = steps.Tags(sc.Tags)
			for _, st := range p.Steps {
				kw := ""
				if len(st.AstNodeIds) > 0 {
					kw = keywords[st.AstNodeIds[0]]
				}
				sc.Steps = append(sc.Steps, Step{Keyword: kw, Text: st.Text})
			}
			out = append(out, sc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return featureLess(out[i].URI, out[j].URI) })
	return out, nil
}

// stepKeywords maps each step's AST id to its keyword ("Given ", "And ").
func stepKeywords(doc *messages.GherkinDocument) map[string]string {
	kw := map[string]string{}
	if doc == nil || doc.Feature == nil {
		return kw
	}
	add := func(sts []*messages.Step) {
		for _, st := range sts {
			kw[st.Id] = st.Keyword
		}
	}
	for _, ch := range doc.Feature.Children {
		switch {
		case ch.Background != nil:
			add(ch.Background.Steps)
		case ch.Scenario != nil:
			add(ch.Scenario.Steps)
		case ch.Rule != nil:
			for _, rc := range ch.Rule.Children {
				if rc.Background != nil {
					add(rc.Background.Steps)
				}
				if rc.Scenario != nil {
					add(rc.Scenario.Steps)
				}
			}
		}
	}
	return kw
}

// featurePaths lists the feature files in the flow's order.
func featurePaths() []string {
	entries, err := fs.Glob(features.FS, "*.feature")
	if err != nil || len(entries) == 0 {
		return []string{"."}
	}
	sort.SliceStable(entries, func(i, j int) bool { return featureLess(entries[i], entries[j]) })
	return entries
}

// featureLess orders feature files by their leading number, then name:
// "2b_…" after "2_…", "10_…" after "9_…".
func featureLess(a, b string) bool {
	na, ra := leadingNumber(a)
	nb, rb := leadingNumber(b)
	if na != nb {
		return na < nb
	}
	return ra < rb
}

func leadingNumber(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:]
}

// Run runs the selected scenarios. The error is for a run that could not
// start (bad tags, nothing selected); verdicts are in the Report. When ctx
// ends (Ctrl-C, --deadline), the scenarios not yet judged are Not run and
// Info.Stopped says why.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	sel, err := Scenarios(cfg.Tags)
	if err != nil {
		return nil, err
	}
	if len(sel) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrNothingSelected, cfg.Tags)
	}
	format, out := cfg.Format, cfg.Output
	if format == "" {
		format = "none"
	}
	if out == nil {
		out = io.Discard
	}
	col := newCollector(cfg, sel)
	ts := godog.TestSuite{
		Name: "implicitspec",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			steps.Initialize(sc, cfg.Target)
			if cfg.Instrument != nil {
				cfg.Instrument(sc)
			}
			sc.Before(col.before)
			sc.StepContext().After(col.afterStep)
			sc.After(col.after)
		},
		Options: &godog.Options{
			Format:         format,
			Output:         out,
			Strict:         true, // an undefined step must never pass
			Tags:           cfg.Tags,
			Concurrency:    max(cfg.Concurrency, 1),
			FS:             features.FS,
			Paths:          runOrder(sel, cfg.Concurrency), // the flow's order, so the console reads as the flow goes; @slow first when concurrent (order.go)
			NoColors:       cfg.NoColors,
			DefaultContext: ctx,
			TestingT:       cfg.TestingT,
		},
	}
	status := ts.Run()
	cfg.Target.CloseIdleConnections()
	if status == 2 && ctx.Err() == nil {
		return nil, fmt.Errorf("godog refused the options (format %q, tags %q)", format, cfg.Tags)
	}
	rep := col.report(ctx)
	rep.redact(cfg.Target.Redactor())
	rep.Info.PasswordLogins = cfg.Target.PasswordLogins()
	return rep, nil
}

// collector turns each scenario's end into its Result, once.
type collector struct {
	cfg      Config
	selected []Scenario
	byKey    map[string]Scenario
	mu       sync.Mutex
	res      map[string]Result
	done     int
}

func newCollector(cfg Config, sel []Scenario) *collector {
	c := &collector{cfg: cfg, selected: sel, byKey: map[string]Scenario{}, res: map[string]Result{}}
	for _, sc := range sel {
		c.byKey[sc.Key()] = sc
	}
	return c
}

// scenarioLog is what the collector keeps of one running scenario; it
// travels in the scenario's context.
type scenarioLog struct {
	started time.Time
	steps   []Step
	limited atomic.Pointer[agent.Throttle] // the first request given up on as rate-limited
}

type logKey struct{}

func (c *collector) before(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	l := &scenarioLog{started: time.Now()}
	ctx = agent.OnThrottle(ctx, func(t agent.Throttle) {
		if t.GaveUp {
			l.limited.CompareAndSwap(nil, &t)
		}
		if c.cfg.Throttled != nil {
			c.cfg.Throttled(sc.Name, t)
		}
	})
	return context.WithValue(ctx, logKey{}, l), nil
}

func (c *collector) afterStep(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
	if l, ok := ctx.Value(logKey{}).(*scenarioLog); ok {
		s := Step{Text: st.Text, Status: status.String()}
		if err != nil {
			s.Error = err.Error()
		}
		l.steps = append(l.steps, s)
	}
	return ctx, nil
}

func (c *collector) after(ctx context.Context, sc *godog.Scenario, err error) (context.Context, error) {
	o, _ := steps.ScenarioOutcome(ctx)
	key := sc.Uri + "\x00" + sc.Name
	info := c.byKey[key]
	r := Result{URI: sc.Uri, Feature: info.Feature, Name: sc.Name, Tags: info.Tags, IDs: o.IDs, Level: o.Level,
		Evidence: o.Evidence, ResponseType: o.ResponseType, UsesRT: o.UsesRT, Negative: o.Negative}
	if l, ok := ctx.Value(logKey{}).(*scenarioLog); ok {
		r.Started, r.Duration = l.started, time.Since(l.started)
		r.Steps = mergeSteps(info.Steps, l.steps)
	}
	r.Verdict, r.Message, r.Clause = c.judge(ctx, o, err)
	if r.Clause == "" && len(r.IDs) > 0 {
		r.Clause = check.Lookup(r.IDs[0]).Clause
	}
	c.mu.Lock()
	c.res[key] = r
	c.done++
	done := c.done
	if c.cfg.Progress != nil {
		c.cfg.Progress(done, len(c.selected), r)
	}
	c.mu.Unlock()
	return ctx, nil
}

// judge makes the scenario's verdict. Only a *check.Finding is a failure of
// the target; any other error (a step the suite cannot match, a panic, a
// harness error) means the harness could not judge.
func (c *collector) judge(ctx context.Context, o steps.Outcome, err error) (Verdict, string, string) {
	var f *check.Finding
	switch {
	case ctx.Err() != nil:
		return NotRun, "not judged: " + stopReason(ctx), ""
	case rateLimited(ctx) != "":
		// A limit of the operator's, not an answer of the server: whatever
		// a step made of the failed request, nothing was judged.
		return Errored, rateLimited(ctx), ""
	case o.Harness != nil:
		return Errored, o.Harness.Error(), ""
	case o.Skip != "":
		return Skipped, o.Skip, ""
	case err == nil:
		return Passed, "", ""
	case errors.Is(err, godog.ErrSkip):
		return Skipped, strings.TrimPrefix(err.Error(), "skipped: "), ""
	case errors.Is(err, godog.ErrUndefined), errors.Is(err, godog.ErrPending), errors.Is(err, godog.ErrAmbiguous):
		return Errored, "harness error: " + err.Error(), ""
	case !errors.As(err, &f):
		return Errored, "harness error, not a finding about the target: " + err.Error(), ""
	}
	v := Failed
	switch {
	case (o.Level == "should" || f.Warning) && !c.cfg.Strict:
		v = Warned
	case o.Level == "bcp" && !c.cfg.BCP:
		// RFC 6749 allows what RFC 9700 discourages: a server that offers
		// the implicit grant is not wrong under RFC 6749, --strict or not.
		v = Info
	}
	return v, err.Error(), f.Clause
}

// rateLimited is the reason a scenario could not be judged when one of its
// requests was given up on as rate-limited (agent.Polite), else "".
func rateLimited(ctx context.Context) string {
	l, ok := ctx.Value(logKey{}).(*scenarioLog)
	if !ok {
		return ""
	}
	if t := l.limited.Load(); t != nil {
		return "rate-limited: " + t.URL + ": " + t.Why
	}
	return ""
}

// stopReason says why ctx ended.
func stopReason(ctx context.Context) string { return "the run was " + stopWord(ctx) }

func stopWord(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return "stopped by its deadline"
	}
	return "interrupted"
}

// mergeSteps gives every step of the scenario its status: those godog did
// not run (after a failure or a skip) are "not run".
func mergeSteps(all, ran []Step) []Step {
	out := make([]Step, len(all))
	copy(out, all)
	for i := range out {
		if i < len(ran) && ran[i].Text == out[i].Text {
			out[i].Status, out[i].Error = ran[i].Status, ran[i].Error
		} else {
			out[i].Status = "not run"
		}
	}
	return out
}

// report gathers the verdicts in the selection's order; a scenario that
// never ended (the run was stopped) is Not run.
func (c *collector) report(ctx context.Context) *Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	rep := &Report{Strict: c.cfg.Strict, BCP: c.cfg.BCP}
	for _, sc := range c.selected {
		r, ok := c.res[sc.Key()]
		if !ok {
			r = Result{URI: sc.URI, Feature: sc.Feature, Name: sc.Name, Tags: sc.Tags, IDs: sc.IDs, Level: sc.Level,
				Verdict: NotRun, Message: "not judged: " + stopReason(ctx), Steps: mergeSteps(sc.Steps, nil)}
			if len(sc.IDs) > 0 {
				r.Clause = check.Lookup(sc.IDs[0]).Clause
			}
		}
		rep.Results = append(rep.Results, r)
	}
	if n := rep.Count(NotRun); n > 0 {
		rep.Info.Stopped = fmt.Sprintf("%s after %d/%d", stopWord(ctx), len(c.selected)-n, len(c.selected))
	}
	return rep
}

// redact masks every secret the run saw in everything the report holds.
func (r *Report) redact(red *redact.Redactor) {
	for i := range r.Results {
		res := &r.Results[i]
		res.Message = red.String(res.Message)
		for j := range res.Steps {
			res.Steps[j].Error = red.String(res.Steps[j].Error)
		}
		res.Evidence.Redact(red)
	}
}

// Count returns how many scenarios got the verdict.
func (r *Report) Count(v Verdict) int {
	n := 0
	for _, res := range r.Results {
		if res.Verdict == v {
			n++
		}
	}
	return n
}

// Exit codes.
const (
	ExitPass   = 0 // every MUST-level scenario passed
	ExitFail   = 1 // at least one requirement failed
	ExitCannot = 2 // the harness could not judge
)

// ExitCode: a definite failure outranks scenarios that could not be judged
// or were not run; stale --expect entries are an error under --strict.
func (r *Report) ExitCode() int {
	switch {
	case r.Info.Stopped != "" && len(r.Results) == 0:
		return ExitCannot // the preflight stopped the run
	case len(r.Results) == 0:
		return ExitCannot
	case r.Count(Failed) > 0:
		return ExitFail
	case r.Count(Errored) > 0, r.Count(NotRun) > 0:
		return ExitCannot
	case r.Strict && len(r.Stale) > 0:
		return ExitCannot
	}
	return ExitPass
}

// Gates says whether the verdict fails the gate (exit 1): the one thing
// JUnit may call a failure.
func (v Verdict) Gates() bool { return v == Failed }

// RunEach runs the selected scenarios once per response type in types (the
// offered implicit types, --response-type all). Every scenario runs in the
// first run; later runs keep only the scenarios whose request used the
// response type under test, so each of those is judged once per type and
// named with it.
func RunEach(ctx context.Context, cfg Config, types []string) (*Report, error) {
	all := &Report{Strict: cfg.Strict, BCP: cfg.BCP}
	for i, rt := range types {
		c := cfg
		c.Target = cfg.Target.WithResponseType(rt)
		c.Progress = eachProgress(cfg.Progress, i, rt)
		rep, err := Run(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("response_type %q: %w", rt, err)
		}
		for _, r := range rep.Results {
			switch {
			case r.UsesRT:
				r.Name = nameFor(r.Name, rt)
			case i > 0:
				continue // judged in the first run; this type changes nothing for it
			}
			all.Results = append(all.Results, r)
		}
		all.Info.PasswordLogins = rep.Info.PasswordLogins // the target's count: all runs so far
		if rep.Info.Stopped != "" {
			all.Info.Stopped = fmt.Sprintf("%s (response_type %q, %d of %d types)", rep.Info.Stopped, rt, i+1, len(types))
			break
		}
	}
	return all, nil
}

func nameFor(name, rt string) string { return fmt.Sprintf("%s [response_type=%s]", name, rt) }

// eachProgress reports a scenario of the run for rt under the name RunEach
// gives it, and not at all when that run's verdict is dropped.
func eachProgress(p func(int, int, Result), i int, rt string) func(int, int, Result) {
	if p == nil {
		return nil
	}
	return func(done, total int, r Result) {
		switch {
		case r.UsesRT:
			r.Name = nameFor(r.Name, rt)
		case i > 0:
			return
		}
		p(done, total, r)
	}
}
