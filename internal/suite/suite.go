// Package suite runs the features against a target and turns godog's run
// into verdicts: which requirements failed, which only warn, which could not
// be judged, and the exit code a CI job gates on.
package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/features"
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
}

// Verdict is the outcome of one scenario.
type Verdict string

const (
	Passed  Verdict = "passed"
	Failed  Verdict = "failed"
	Warned  Verdict = "warning" // a @should scenario failed, run not strict
	Info    Verdict = "info"    // a @bcp scenario failed, run not judging the BCP: reported, never fails the run
	Skipped Verdict = "skipped"
	Errored Verdict = "error" // the harness could not judge
)

// Result is one scenario's verdict.
type Result struct {
	URI      string
	Name     string
	IDs      []string
	Level    string
	Verdict  Verdict
	Message  string
	Evidence string // redacted transcript
	// ResponseType is the response_type the scenario's request asked for;
	// UsesRT says it was the run's response type under test (such a
	// scenario is repeated for each offered type by --response-type all).
	ResponseType string
	UsesRT       bool
	// Negative: the scenario judged a refusal or an absence (its pass
	// counts only with a served positive control).
	Negative bool
}

// Report is the whole run.
type Report struct {
	Results []Result
}

// ErrNothingSelected is returned when a tag expression selects no scenario:
// a green run that checked nothing must not look like a pass.
var ErrNothingSelected = errors.New("the tag expression selects no scenario")

var tagTerm = regexp.MustCompile(`^~?@?[A-Za-z0-9_.:-]+$`)

// ValidateTags rejects expressions godog v0.16 would silently misread: the
// new "not/and/or" syntax, empty terms, trailing commas.
func ValidateTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, or := range strings.Split(expr, ",") {
		for _, term := range strings.Split(or, "&&") {
			term = strings.TrimSpace(term)
			if f := strings.Fields(term); len(f) > 1 {
				term = f[0]
			}
			if term == "" {
				return fmt.Errorf("tag expression %q has an empty term (write @a,@b for or, @a&&@b for and, ~@a for not)", expr)
			}
			if !tagTerm.MatchString(term) {
				return fmt.Errorf("tag expression %q: %q is not a tag (write @a,@b for or, @a&&@b for and, ~@a for not)", expr, term)
			}
			switch strings.ToLower(strings.TrimLeft(term, "~@")) {
			case "not", "and", "or":
				return fmt.Errorf("tag expression %q uses %q: this godog reads the old syntax (~@a for not, @a&&@b for and, @a,@b for or)", expr, term)
			}
		}
	}
	return nil
}

// ValidateFormat checks godog formatter names before anything starts, so a
// typo is a one-line error rather than godog's usage text.
func ValidateFormat(format string) error {
	known := godog.AvailableFormatters()
	for _, f := range strings.Split(format, ",") {
		name, _, _ := strings.Cut(strings.TrimSpace(f), ":")
		if _, ok := known[name]; !ok {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			sort.Strings(names)
			return fmt.Errorf("unknown format %q (known: %s; each may be name:file)", name, strings.Join(names, ", "))
		}
	}
	return nil
}

// Selected lists the scenarios the tag expression selects, as "uri: name".
func Selected(tags string) ([]string, error) {
	if err := ValidateTags(tags); err != nil {
		return nil, err
	}
	ts := godog.TestSuite{Options: &godog.Options{Tags: tags, FS: features.FS, Paths: []string{"."}}}
	feats, err := ts.RetrieveFeatures()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range feats {
		for _, p := range f.Pickles {
			out = append(out, p.Uri+": "+p.Name)
		}
	}
	return out, nil
}

// Run runs the selected scenarios. The error is for a run that could not
// start (bad tags, bad format, nothing selected); verdicts are in the Report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	sel, err := Selected(cfg.Tags)
	if err != nil {
		return nil, err
	}
	if len(sel) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrNothingSelected, cfg.Tags)
	}
	format := cfg.Format
	if format == "" {
		format = "pretty"
	}
	out := cfg.Output
	if out == nil {
		out = io.Discard
	}
	conc := cfg.Concurrency
	if conc < 1 {
		conc = 1
	}
	col := &collector{strict: cfg.Strict, bcp: cfg.BCP}
	ts := godog.TestSuite{
		Name: "implicitspec",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			steps.Initialize(sc, cfg.Target)
			sc.After(col.after)
		},
		Options: &godog.Options{
			Format:         format,
			Output:         out,
			Strict:         true, // an undefined step must never pass
			Tags:           cfg.Tags,
			Concurrency:    conc,
			FS:             features.FS,
			Paths:          []string{"."},
			NoColors:       cfg.NoColors,
			DefaultContext: ctx,
		},
	}
	status := ts.Run()
	cfg.Target.CloseIdleConnections()
	if status == 2 {
		return nil, fmt.Errorf("godog refused the options (format %q, tags %q)", format, cfg.Tags)
	}
	rep := col.report()
	if len(rep.Results) != len(sel) {
		return rep, fmt.Errorf("internal error: %d scenarios selected, %d judged", len(sel), len(rep.Results))
	}
	return rep, nil
}

type collector struct {
	strict bool
	bcp    bool
	mu     sync.Mutex
	res    []Result
}

func (c *collector) after(ctx context.Context, sc *godog.Scenario, err error) (context.Context, error) {
	o, _ := steps.ScenarioOutcome(ctx)
	r := Result{URI: sc.Uri, Name: sc.Name, IDs: o.IDs, Level: o.Level, Evidence: o.Evidence,
		ResponseType: o.ResponseType, UsesRT: o.UsesRT, Negative: o.Negative}
	var undefined bool
	if err != nil {
		// A step the suite cannot match to exactly one definition is the
		// harness's fault, never the target's.
		undefined = errors.Is(err, godog.ErrUndefined) || errors.Is(err, godog.ErrPending) || errors.Is(err, godog.ErrAmbiguous)
	}
	switch {
	case o.Harness != nil:
		r.Verdict, r.Message = Errored, o.Harness.Error()
	case o.Skip != "":
		r.Verdict, r.Message = Skipped, o.Skip
	case undefined:
		r.Verdict, r.Message = Errored, err.Error()
	case err != nil && errors.Is(err, godog.ErrSkip):
		r.Verdict, r.Message = Skipped, err.Error()
	case err != nil:
		r.Verdict, r.Message = Failed, err.Error()
		switch {
		case r.Level == "should" && !c.strict:
			r.Verdict = Warned
		case r.Level == "bcp" && !c.bcp:
			// RFC 6749 allows what RFC 9700 discourages: a server that offers
			// the implicit grant is not wrong under RFC 6749, --strict or not.
			r.Verdict = Info
		}
	default:
		r.Verdict = Passed
	}
	c.mu.Lock()
	c.res = append(c.res, r)
	c.mu.Unlock()
	return ctx, nil
}

func (c *collector) report() *Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := append([]Result(nil), c.res...)
	sort.SliceStable(res, func(i, j int) bool {
		if res[i].URI != res[j].URI {
			return res[i].URI < res[j].URI
		}
		return res[i].Name < res[j].Name
	})
	return &Report{Results: res}
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

// ExitCode: a definite failure outranks scenarios that could not be judged.
func (r *Report) ExitCode() int {
	switch {
	case len(r.Results) == 0:
		return ExitCannot
	case r.Count(Failed) > 0:
		return ExitFail
	case r.Count(Errored) > 0:
		return ExitCannot
	}
	return ExitPass
}

// WriteSummary prints the verdict of each scenario that did not simply pass,
// then the totals and the exit code.
func (r *Report) WriteSummary(w io.Writer) {
	labels := map[Verdict]string{Failed: "FAILED", Warned: "WARNING", Info: "INFO (BCP)", Skipped: "SKIPPED", Errored: "CANNOT JUDGE"}
	for _, v := range []Verdict{Failed, Errored, Warned, Info, Skipped} {
		for _, res := range r.Results {
			if res.Verdict != v {
				continue
			}
			rt := ""
			if res.ResponseType != "" {
				rt = fmt.Sprintf(", response_type=%q", res.ResponseType)
			}
			fmt.Fprintf(w, "%-12s [%s %s%s] %s\n", labels[v], strings.Join(res.IDs, " "), res.Level, rt, res.Name)
			fmt.Fprintf(w, "             %s\n", res.Message)
		}
	}
	fmt.Fprintf(w, "%d scenarios: %d passed, %d failed, %d warnings, %d BCP notes, %d skipped, %d could not be judged\n",
		len(r.Results), r.Count(Passed), r.Count(Failed), r.Count(Warned), r.Count(Info), r.Count(Skipped), r.Count(Errored))
	verdict := map[int]string{ExitPass: "PASS", ExitFail: "FAIL", ExitCannot: "CANNOT JUDGE"}[r.ExitCode()]
	fmt.Fprintf(w, "verdict: %s (exit %d)\n", verdict, r.ExitCode())
}

// RunEach runs the selected scenarios once per response type in types (the
// offered implicit types, --response-type all). Every scenario runs in the
// first run; later runs keep only the scenarios whose request used the
// response type under test, so each of those is judged once per type and
// named with it. Formatters that write to a file get one file per type
// (the type in its name, before the extension), after the first.
func RunEach(ctx context.Context, cfg Config, types []string) (*Report, error) {
	all := &Report{}
	for i, rt := range types {
		c := cfg
		c.Target = cfg.Target.WithResponseType(rt)
		if i > 0 {
			c.Format = formatFor(cfg.Format, rt)
		}
		rep, err := Run(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("response_type %q: %w", rt, err)
		}
		for _, r := range rep.Results {
			switch {
			case r.UsesRT:
				r.Name = fmt.Sprintf("%s [response_type=%s]", r.Name, rt)
			case i > 0:
				continue // judged in the first run; this type changes nothing for it
			}
			all.Results = append(all.Results, r)
		}
	}
	return all, nil
}

// formatFor renames the files of file formatters for the run of rt:
// "junit:out.xml" becomes "junit:out.id_token-token.xml".
func formatFor(format, rt string) string {
	if format == "" {
		return format
	}
	tag := strings.ReplaceAll(rt, " ", "-")
	parts := strings.Split(format, ",")
	for i, f := range parts {
		name, file, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok || file == "" {
			continue
		}
		ext := ""
		if dot := strings.LastIndexByte(file, '.'); dot > strings.LastIndexByte(file, '/') {
			file, ext = file[:dot], file[dot:]
		}
		parts[i] = name + ":" + file + "." + tag + ext
	}
	return strings.Join(parts, ",")
}
