package suite_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
)

// A crash in a step is the harness's fault: Errored and exit 2, never a
// failure of the server (which would send a team hunting a defect that is
// not there).
func TestPanicIsErrored(t *testing.T) {
	env := referenceEnv(t)
	cfg := env.cfg
	cfg.Tags = "@STATE-01"
	cfg.Instrument = func(sc *godog.ScenarioContext) {
		sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
			if strings.HasPrefix(st.Text, "the state in the response") {
				var m map[string]int
				m["boom"]++ // a nil map write: the kind of bug a step can have
			}
			return ctx, nil
		})
	}
	rep, err := suite.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 {
		t.Fatalf("%d results, want 1", len(rep.Results))
	}
	r := rep.Results[0]
	if r.Verdict != suite.Errored || !strings.Contains(r.Message, "assignment to entry in nil map") {
		t.Errorf("verdict %s (%s), want %s with the panic's message", r.Verdict, r.Message, suite.Errored)
	}
	if rep.ExitCode() != suite.ExitCannot {
		t.Errorf("exit %d, want %d", rep.ExitCode(), suite.ExitCannot)
	}
}

// Ctrl-C (or --deadline) mid-run: what was judged stays judged, the rest is
// Not run, nothing is a failure, and the run says where it stopped.
func TestInterruptedRunIsNotRun(t *testing.T) {
	env := referenceEnv(t, mustFault(t, "state-dropped-on-success"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := env.cfg
	cfg.Tags = "@redirect-uri,@state"
	cfg.Progress = func(done, total int, r suite.Result) {
		if done == 3 {
			cancel()
		}
	}
	rep, err := suite.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	notRun := rep.Count(suite.NotRun)
	if notRun == 0 {
		t.Errorf("after an interrupt: none of %d not run", len(rep.Results))
	}
	judged := len(rep.Results) - notRun
	if judged < 3 || judged > 4 {
		t.Errorf("%d judged, want the 3 before the interrupt (or 4: one in flight)", judged)
	}
	for _, r := range rep.Results {
		if r.Verdict == suite.Errored {
			t.Errorf("%q: %s after the interrupt: %s", r.Name, r.Verdict, r.Message)
		}
	}
	want := "interrupted after "
	if !strings.HasPrefix(rep.Info.Stopped, want) || !strings.HasSuffix(rep.Info.Stopped, "/"+strconv.Itoa(len(rep.Results))) {
		t.Errorf("Stopped = %q, want %q…/%d", rep.Info.Stopped, want, len(rep.Results))
	}
	if rep.ExitCode() == suite.ExitPass {
		t.Errorf("an interrupted run exits %d", rep.ExitCode())
	}
}

func mustFault(t *testing.T, name string) refserver.Fault {
	t.Helper()
	f, ok := refserver.LookupFault(name)
	if !ok {
		t.Fatalf("no fault %q", name)
	}
	return f
}

func TestValidateTags(t *testing.T) {
	tests := []struct {
		expr string
		want string // "" = valid
	}{
		{"", ""},
		{"@STATE-01", ""},
		{"@state,@redirect-uri", ""},
		{"@must&&~@RT-04", ""},
		{"~@SEC-1", "no scenario is tagged @SEC-1 (nearest: @SEC-01"},
		{"@must&&~@STAET-01", "nearest: @STATE-01"},
		{"@state,", "empty term"},
		{"not @state", "old syntax"},
		{"@state and @must", "old syntax"},
		{"@state or @must", "old syntax"},
		{"@state @must", "more than one tag"},
		{"state", "is not a tag"},
	}
	for _, tt := range tests {
		err := suite.ValidateTags(tt.expr)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.expr, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q: error %v, want one containing %q", tt.expr, err, tt.want)
		}
	}
}

func TestScenariosInFlowOrder(t *testing.T) {
	scs, err := suite.Scenarios("")
	if err != nil {
		t.Fatal(err)
	}
	first, last := scs[0].URI, scs[len(scs)-1].URI
	if !strings.HasPrefix(first, "01_") || !strings.HasPrefix(last, "16_") {
		t.Errorf("features in order %s … %s, want 01_… first and 16_… last", first, last)
	}
	seen := map[string]bool{}
	for _, sc := range scs {
		if seen[sc.Key()] {
			t.Errorf("scenario %q twice in %s: names must be unique", sc.Name, sc.URI)
		}
		seen[sc.Key()] = true
		for _, st := range sc.Steps {
			if strings.TrimSpace(st.Keyword) == "" {
				t.Errorf("%q: step %q has no keyword", sc.Name, st.Text)
			}
		}
	}
}

func TestConsoleSummary(t *testing.T) {
	rep := &suite.Report{Results: []suite.Result{
		{Name: "a failure", IDs: []string{"STATE-01"}, Level: "must", Verdict: suite.Failed, Message: "RFC 6749 §4.2.2 (STATE-01): state not echoed"},
		{Name: "skip one", IDs: []string{"RDR-02"}, Level: "must", Verdict: suite.Skipped, Message: "no second client"},
		{Name: "skip two", IDs: []string{"RDR-03"}, Level: "must", Verdict: suite.Skipped, Message: "no second client"},
		{Name: "skip three", IDs: []string{"RT-03"}, Level: "must", Verdict: suite.Skipped, Message: "token is offered"},
		{Name: "a warning", IDs: []string{"STATE-06"}, Level: "should", Verdict: suite.Warned, Message: "refused without state"},
		{Name: "a pass", IDs: []string{"AEP-01"}, Level: "must", Verdict: suite.Passed},
	}}
	var b bytes.Buffer
	suite.Console{}.Summary(&b, rep)
	out := b.String()
	for _, want := range []string{"SKIPPED      3 scenarios, for 2 reasons:", "    2 × no second client", "    1 × token is offered",
		"FAILED       [STATE-01 must] a failure", "verdict: FAIL (exit 1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "skip one") {
		t.Errorf("without -v skipped scenarios are not listed one by one:\n%s", out)
	}
	if strings.Index(out, "FAILED") < strings.Index(out, "WARNING") || strings.Index(out, "FAILED") < strings.Index(out, "SKIPPED") {
		t.Errorf("failures must come last, after warnings and skips:\n%s", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour without Colour:\n%q", out)
	}
	b.Reset()
	suite.Console{Verbose: true}.Summary(&b, rep)
	if !strings.Contains(b.String(), "[RDR-02 must] skip one") {
		t.Errorf("-v lists each skipped scenario:\n%s", b.String())
	}
}

// The fault matrix runs, per fault, only what the fault could make fail.
// It still sees every scenario of the fault's own requirements (so a fault
// that breaks nothing, and a scenario no fault breaks, still show), on both
// kinds of primary response type.
func TestCheaperMatrixKeepsItsChecks(t *testing.T) {
	all, err := suite.Scenarios("")
	if err != nil {
		t.Fatal(err)
	}
	for _, primary := range []string{"token", "id_token token"} {
		for _, f := range refserver.Faults() {
			tags := faultTags(f, primary)
			sel, err := suite.Scenarios(tags)
			if err != nil {
				t.Fatalf("fault %s: tags %q: %v", f.Fault, tags, err)
			}
			got := map[string]bool{}
			for _, sc := range sel {
				got[sc.Key()] = true
			}
			for _, sc := range all {
				if slices.ContainsFunc(sc.IDs, func(id string) bool { return slices.Contains(f.Requirements, id) }) && !got[sc.Key()] {
					t.Errorf("primary %q, fault %s: its own scenario %q is not run", primary, f.Fault, sc.Name)
				}
			}
		}
	}
	// A scenario that no fault's run made fail is reported, run or not.
	rep := &suite.Report{Results: []suite.Result{{Name: "proven"}, {Name: "never failed"}, {Name: "never run by a fault"}}}
	if got := unproven(rep, map[string][]string{"proven": {"some-fault"}}); !slices.Equal(got, []string{"never failed", "never run by a fault"}) {
		t.Errorf("unproven = %q", got)
	}
}

// A warning-grade finding (check.Warn) inside a @must scenario is a warning,
// and a failure under --strict, like a failed @should scenario.
func TestWarningGradeFinding(t *testing.T) {
	for _, strict := range []bool{false, true} {
		env := referenceEnv(t)
		cfg := env.cfg
		cfg.Tags = "@STATE-01"
		cfg.Strict = strict
		cfg.Instrument = func(sc *godog.ScenarioContext) {
			sc.StepContext().After(func(ctx context.Context, st *godog.Step, _ godog.StepResultStatus, err error) (context.Context, error) {
				if strings.HasPrefix(st.Text, "the state in the response") {
					return ctx, check.Warn("STATE-01", "graded a warning by the catalogue")
				}
				return ctx, err
			})
		}
		rep, err := suite.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		want, exit := suite.Warned, suite.ExitPass
		if strict {
			want, exit = suite.Failed, suite.ExitFail
		}
		if len(rep.Results) != 1 || rep.Results[0].Verdict != want {
			t.Fatalf("strict=%v: results %+v, want one %s", strict, rep.Results, want)
		}
		if !strings.Contains(rep.Results[0].Message, "(STATE-01): graded a warning") {
			t.Errorf("message %q", rep.Results[0].Message)
		}
		if rep.ExitCode() != exit {
			t.Errorf("strict=%v: exit %d, want %d", strict, rep.ExitCode(), exit)
		}
	}
}
