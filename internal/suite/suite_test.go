package suite_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

var update = flag.Bool("update", false, "rewrite docs/fault-matrix.md from the fault matrix")

// referenceEnv starts the embedded reference server with the faults and
// returns the environment for a run against it.
func referenceEnv(t *testing.T, faults ...refserver.Fault) *suiteEnv {
	t.Helper()
	return referenceEnvWith(t, refserver.Options{Faults: faults})
}

// referenceEnvWith is referenceEnv for any options of the server.
func referenceEnvWith(t *testing.T, opts refserver.Options) *suiteEnv {
	t.Helper()
	tg, stop, err := referenceTarget(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if err := tg.Preflight(context.Background(), ""); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	return &suiteEnv{cfg: suite.Config{Target: tg, Format: "progress", Concurrency: 1}}
}

// referenceTarget starts the embedded reference server with opts and
// returns the target for it, not yet proven by the preflight; stop shuts
// the server down.
func referenceTarget(opts refserver.Options) (tg *target.Target, stop func(), err error) {
	srv, err := refserver.Start(opts)
	if err != nil {
		return nil, nil, fmt.Errorf("start reference server: %w", err)
	}
	stop = func() { srv.Close() }
	p, err := profile.Parse(srv.ProfileYAML(), "", os.LookupEnv)
	if err == nil {
		tg, err = target.New(context.Background(), p, target.DefaultLimits())
	}
	if err == nil {
		stop = func() { tg.Close(); srv.Close() }
	}
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("reference target: %w", err)
	}
	return tg, stop, nil
}

type suiteEnv struct{ cfg suite.Config }

func newEnv(t *testing.T, p *profile.Profile) *suiteEnv {
	t.Helper()
	tg, err := target.New(context.Background(), p, target.DefaultLimits())
	if err != nil {
		t.Fatalf("target: %v", err)
	}
	if err := tg.Preflight(context.Background(), ""); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	return &suiteEnv{cfg: suite.Config{Target: tg, Format: "progress", Concurrency: 1}}
}

func (e *suiteEnv) run(t *testing.T, strict, bcp bool) *suite.Report {
	t.Helper()
	cfg := e.cfg
	cfg.Strict, cfg.BCP = strict, bcp
	cfg.Tags = os.Getenv("IMPLICITSPEC_TAGS")
	rep, err := suite.Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return rep
}

// godogFlags are godog's own flags (-godog.tags, -godog.concurrency, …)
// for TestFeatures.
var godogFlags godog.Options

func init() { godog.BindFlags("godog.", flag.CommandLine, &godogFlags) }

// TestFeatures runs every scenario as a subtest (godog's TestingT), against
// the embedded reference server or against the profile named by
// IMPLICITSPEC_TARGET, so that go test selects and isolates scenarios:
//
//	go test ./internal/suite -run 'TestFeatures/A_plain_state_is_echoed_exactly'
//	go test ./internal/suite -run TestFeatures -godog.tags=@STATE-03
//
// A subtest fails on any finding. Against IMPLICITSPEC_TARGET the @should
// scenarios run only with IMPLICITSPEC_STRICT=1 and the @bcp ones only with
// IMPLICITSPEC_BCP=1 (the CLI reports them as warnings and notes instead);
// IMPLICITSPEC_TAGS selects too. The reference server must pass everything.
func TestFeatures(t *testing.T) {
	var env *suiteEnv
	tags := os.Getenv("IMPLICITSPEC_TAGS")
	if godogFlags.Tags != "" {
		tags = godogFlags.Tags
	}
	if target := os.Getenv("IMPLICITSPEC_TARGET"); target != "" {
		p, err := profile.Load(target, os.LookupEnv)
		if err != nil {
			t.Fatal(err)
		}
		env = newEnv(t, p)
		if os.Getenv("IMPLICITSPEC_STRICT") == "" {
			tags = andTag(tags, "~@should")
		}
		if os.Getenv("IMPLICITSPEC_BCP") == "" {
			tags = andTag(tags, "~@bcp")
		}
	} else {
		env = referenceEnv(t)
	}
	cfg := env.cfg
	cfg.Strict, cfg.BCP, cfg.Tags, cfg.TestingT = true, true, tags, t
	if godogFlags.Concurrency > 1 {
		cfg.Concurrency = godogFlags.Concurrency
	}
	rep, err := suite.Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, r := range rep.Results {
		switch r.Verdict {
		case suite.Failed, suite.Errored:
			t.Logf("%s: %s\n%s", r.Name, r.Message, r.Evidence.Text())
		case suite.Skipped:
			t.Logf("skipped %q: %s", r.Name, r.Message)
		}
	}
}

// andTag adds a term to a tag expression (godog's old syntax).
func andTag(expr, term string) string {
	if expr == "" {
		return term
	}
	return expr + "&&" + term
}

// TestFaultMatrix proves every scenario can fail: each fault switch of the
// reference server must fail at least one scenario, only scenarios tagged
// with the requirements the fault names, and never leave the harness unable
// to judge; every scenario must be failed by some fault.
func TestFaultMatrix(t *testing.T) {
	if os.Getenv("IMPLICITSPEC_TAGS") != "" {
		t.Skip("the fault matrix needs every scenario")
	}
	if testing.Short() {
		t.Skip("the fault matrix runs the suite once per fault: not in -short")
	}
	all := referenceEnv(t).run(t, true, true)
	faults := refserver.Faults()
	reports := runFaults(t, faults, refserver.Config{})
	broken := map[string][]string{} // scenario -> faults that fail it
	var rows []string
	for i, f := range faults {
		failed := judgeFault(t, f, reports[i], refserver.Config{}.Primary())
		for _, name := range failed {
			broken[name] = append(broken[name], string(f.Fault))
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s | %s |", f.Fault, strings.Join(f.Requirements, ", "), f.Description, strings.Join(failed, "<br>")))
	}
	if unbroken := unproven(all, broken); len(unbroken) > 0 {
		t.Errorf("no fault makes these scenarios fail, so nothing shows they can: %s", strings.Join(unbroken, "; "))
	}
	checkGolden(t, filepath.Join("..", "..", "docs", "fault-matrix.md"), matrixDoc(rows))
	checkGolden(t, filepath.Join("..", "..", "docs", "requirements.md"), traceability(t, all, broken))
}

// traceability renders requirement -> clause -> level -> scenarios -> the
// faults that prove each, and the rows without a scenario with the reason.
func traceability(t *testing.T, all *suite.Report, broken map[string][]string) string {
	t.Helper()
	byID := map[string][]suite.Result{}
	for _, r := range all.Results {
		for _, id := range r.IDs {
			if check.Lookup(id).ID == "" {
				t.Errorf("scenario %q is tagged %s, which is not in the catalogue", r.Name, id)
			}
			byID[id] = append(byID[id], r)
		}
	}
	var b strings.Builder
	b.WriteString("# Requirements traceability\n\n" +
		"Generated by `go test ./internal/suite -run TestFaultMatrix -update` from the requirement catalogue\n" +
		"(`internal/check/catalogue.go`, transcribed from the shared catalogue), the features and the fault matrix;\n" +
		"the test fails when it drifts. Each scenario is listed with its level tag and the reference-server faults\n" +
		"shown to make it fail.\n\n" +
		"| ID | clause | catalogue level | scenarios (level) | proven able to fail by |\n|---|---|---|---|---|\n")
	covered, uncovered, pending := 0, 0, 0
	for _, req := range check.Catalogue() {
		scen, faults := []string{}, []string{}
		for _, r := range byID[req.ID] {
			scen = append(scen, fmt.Sprintf("%s (%s)", r.Name, r.Level))
			faults = append(faults, "`"+strings.Join(broken[r.Name], "`, `")+"`")
		}
		why, listed := req.NotCoverable, req.NotCoverable != ""
		switch {
		case len(scen) > 0 && listed:
			t.Errorf("%s has scenarios and also a NotCoverable reason in internal/check/catalogue.go (%s)", req.ID, why)
		case len(scen) > 0:
			covered++
		case listed:
			uncovered++
			scen, faults = []string{"not covered: " + why}, []string{"—"}
		default:
			pending++
			scen, faults = []string{"not yet covered"}, []string{"—"}
			t.Errorf("%s (%s) has no scenario and no NotCoverable reason in internal/check/catalogue.go", req.ID, req.Summary)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", req.ID, req.Clause, req.Level,
			strings.Join(scen, "<br>"), strings.Join(faults, "<br>"))
	}
	fmt.Fprintf(&b, "\n%d of %d rows covered by scenarios, %d not coverable (reason given), %d not yet covered.\n",
		covered, len(check.Catalogue()), uncovered, pending)
	return b.String()
}

// runFaults runs the whole suite once per fault, as many runs at once as
// there are cores: each run has its own server, browser and godog suite. The
// runs only write godog's output to io.Discard, so the process-wide variables
// godog sets for its formatters cannot change a verdict. cfg is the kind of
// server each run plays.
func runFaults(t *testing.T, faults []refserver.FaultInfo, cfg refserver.Config) []*suite.Report {
	t.Helper()
	reports := make([]*suite.Report, len(faults))
	errs := make([]error, len(faults))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range faults {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			reports[i], errs[i] = runAgainst(refserver.Options{Faults: []refserver.Fault{f.Fault}, Config: cfg}, faultTags(f, cfg.Primary()))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("fault %s: %v", faults[i].Fault, err)
		}
	}
	return reports
}

// controlTags are a sampled control set that every fault's run includes:
// requirements of each area, so that a fault which breaks something far
// from its own requirements still shows as breaking what is not its own.
var controlTags = []string{"@AEP-01", "@CID-01", "@RDR-01", "@STATE-01", "@FRAG-01", "@TOK-01", "@ERR-01", "@SEC-01", "@META-01", "@OIDC-02"}

// faultTags selects the scenarios a fault could make fail, so that the
// matrix runs those rather than every scenario once per fault: the
// scenarios of its own requirements, the control set, and, where the flow
// runs with an OpenID Connect type, what asks for that same type (the
// @oidc feature; every scenario for a fault of the OpenID Connect types).
// The max_age scenarios (@OIDC-11) run only for the faults that name them:
// they wait seconds for a session to age, and no other fault is meant to
// break them. The real-browser scenarios (@browser) run only for the faults
// of their requirements.
func faultTags(f refserver.FaultInfo, primary string) string {
	var excluded []string
	if !slices.Contains(f.Requirements, slowID) {
		excluded = append(excluded, "~@"+slowID)
	}
	if !slices.ContainsFunc(f.Requirements, func(id string) bool { return slices.Contains(browserIDs, id) }) {
		excluded = append(excluded, "~@browser")
	}
	and := strings.Join(excluded, " && ")
	if target.IsOpenIDConnect(primary) {
		switch f.Reach {
		case refserver.ReachOIDC, refserver.ReachIDTokenToken, refserver.ReachIDTokenAlone:
			return and
		}
	}
	tags := slices.Clone(controlTags)
	for _, id := range f.Requirements {
		tags = append(tags, "@"+id)
	}
	if target.IsOpenIDConnect(primary) {
		tags = append(tags, "@oidc")
	}
	expr := strings.Join(tags, ",")
	if and != "" {
		expr += " && " + and
	}
	return expr
}

// browserIDs are the requirements of the real-browser scenarios (the
// @browser feature): they start a chromium per run, so the matrix runs them
// only for the faults of these requirements.
var browserIDs = []string{"FRAG-01", "FRAG-02", "SEC-03"}

// slowID is the requirement whose scenarios wait for a session to age.
const slowID = "OIDC-11"

// unproven lists the scenarios of the full run no fault made fail.
func unproven(all *suite.Report, broken map[string][]string) []string {
	var out []string
	for _, r := range all.Results {
		if len(broken[r.Name]) == 0 {
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}

func runAgainst(opts refserver.Options, tags string) (*suite.Report, error) {
	tg, stop, err := referenceTarget(opts)
	if err != nil {
		return nil, err
	}
	defer stop()
	if err := tg.Preflight(context.Background(), ""); err != nil {
		return nil, fmt.Errorf("preflight: %w", err)
	}
	return suite.Run(context.Background(), suite.Config{Target: tg, Tags: tags, Format: "progress", Concurrency: 1, Strict: true, BCP: true})
}

func matrixDoc(rows []string) string {
	return "# Fault matrix\n\n" +
		"Generated by `go test ./internal/suite -run TestFaultMatrix -update`; the test fails when it drifts.\n\n" +
		"Each fault switch of the embedded reference server breaks one behaviour. The suite is run against the server\n" +
		"with each fault on: the scenarios listed fail, every other scenario passes. A scenario that no fault can fail\n" +
		"fails the test, and so does a fault that fails nothing or fails a scenario not tagged with its requirements.\n\n" +
		"| fault | requirements | what the server then does wrong | scenarios that fail |\n|---|---|---|---|\n" +
		strings.Join(rows, "\n") + "\n"
}

func checkGolden(t *testing.T, path, want string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Errorf("%s is out of date: run go test ./internal/suite -run TestFaultMatrix -update", path)
	}
}
