// Command implicitspec checks an authorization server's OAuth 2.0 implicit
// flow (RFC 6749 §4.2) against the requirement catalogue.
//
//	implicitspec                      check the embedded reference server
//	implicitspec --target idp.yaml    check your own server
//
// Exit codes: 0 every MUST-level scenario passed; 1 at least one requirement
// failed; 2 the harness could not judge (bad flags or profile, target
// unreachable, login rejected, no scenario selected).
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/expect"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first Ctrl-C the run winds down (the rest is Not run); a
	// second one ends the process at once.
	go func() { <-ctx.Done(); stop() }()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv)
	stop()
	os.Exit(code)
}

type options struct {
	target       string
	responseType string
	tags         string
	format       string
	reportDir    string
	expect       string
	record       string
	strict       bool
	bcp          bool
	concurrency  int
	freshLogin   bool
	faults       string
	reference    string
	listFaults   bool
	list         bool
	listReqs     bool
	version      bool
	verbose      bool
	noColors     bool
	deadline     time.Duration
	timeout      time.Duration
	maxHops      int
	maxBody      int64
	rate         float64
	maxWait      time.Duration
	outputs      []output
	args         []string
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("implicitspec", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by the caller, in one line
	fs.StringVar(&o.target, "target", "", "target profile (YAML); default: start the embedded reference server and check it")
	fs.StringVar(&o.responseType, "response-type", "", `the implicit response type the flow scenarios use: "token", "id_token token", "id_token", or "all" (each offered type in turn); default: the first the target offers, in that order`)
	fs.StringVar(&o.tags, "tags", "", `scenarios to run, by tag: "@STATE-01", "@state,@redirect-uri" (or), "@must&&~@RT-04" (and, not); an unknown tag is an error`)
	fs.StringVar(&o.format, "format", "console", `outputs, comma separated: console, pretty, progress (to the terminal); junit, cucumber, html (to the terminal, or name:file)`)
	fs.StringVar(&o.reportDir, "report-dir", "", "write junit.xml, cucumber.json and report.html into this directory (also when the run cannot start)")
	fs.StringVar(&o.expect, "expect", "", "expected outcomes (YAML): accepted deviations are waived until their expiry; entries that match nothing are stale")
	fs.StringVar(&o.record, "record", "", "write this run's outcome as an expected-outcomes file, with reason: TODO for a person to fill")
	fs.BoolVar(&o.strict, "strict", false, "@should scenarios that fail fail the run (otherwise they are warnings); stale --expect entries are errors")
	fs.BoolVar(&o.bcp, "bcp", false, "judge the @bcp scenarios (RFC 9700, the Security BCP): their failures fail the run; otherwise they are reported as information only")
	fs.IntVar(&o.concurrency, "concurrency", 1, "scenarios run at once")
	fs.BoolVar(&o.freshLogin, "fresh-login", false, "sign in with the password in every scenario's own fresh browser; by default the run signs in once and the scenarios that only need a signed-in resource owner start from a copy of that session")
	fs.StringVar(&o.faults, "fault", "", "embedded server only: switch on these fault(s), comma separated, to see the harness catch them")
	fs.StringVar(&o.reference, "reference", "", `embedded server only: the kind of server it plays, items separated by ";": "offer=id_token token|id_token" (response types offered), "refusal=query-unauthorized" (how an unoffered one is refused: `+refusalNames()+`), "consent=remembered" (always, remembered, none), "refuse-all", "throttle=N" (every Nth authorization or login request answered 429, Retry-After: 1), "lockout=N[/WINDOW]" (the account locked after N sign-ins within WINDOW, default 15m)`)
	fs.BoolVar(&o.listFaults, "list-faults", false, "list the embedded server's fault switches and exit")
	fs.BoolVar(&o.list, "list", false, "list the selected scenarios (requirement ID, level, name, tags) and exit")
	fs.BoolVar(&o.listReqs, "list-requirements", false, "list the requirement catalogue (ID, level, clause, scenarios) and exit")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVar(&o.verbose, "v", false, "list each skipped scenario in the summary, not only the reasons")
	fs.BoolVar(&o.noColors, "no-colors", false, "no colours (they are used only on a terminal, and never when NO_COLOR is set)")
	fs.DurationVar(&o.deadline, "deadline", 0, "end the whole run after this long (e.g. 10m); scenarios not judged by then are not run, exit 2")
	def := target.DefaultLimits()
	fs.DurationVar(&o.timeout, "timeout", def.Timeout, "per-request timeout")
	fs.IntVar(&o.maxHops, "max-hops", def.MaxHops, "requests the browser makes for one navigation (redirect chain) before giving up")
	fs.Int64Var(&o.maxBody, "max-body", def.MaxBody, "bytes of a response body the browser reads before giving up")
	fs.Float64Var(&o.rate, "rate", 0, "requests per second to the target, across all scenarios (0: unlimited)")
	fs.DurationVar(&o.maxWait, "max-wait", agent.DefaultMaxWait, "the longest Retry-After of a 429 or 503 waited out before the request is sent once more; a longer one, or a second, leaves the scenario rate-limited (cannot judge)")
	return fs
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{args: args}
	fs := newFlagSet(o)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			usage(fs, stderr)
		}
		return nil, err
	}
	if o.version || o.listFaults || o.listReqs {
		return o, nil
	}
	if err := o.validate(fs); err != nil {
		return nil, err
	}
	sel, err := suite.Scenarios(o.tags)
	if err != nil {
		return nil, err
	}
	if len(sel) == 0 {
		return nil, fmt.Errorf("%w: %q", suite.ErrNothingSelected, o.tags)
	}
	if o.list {
		return o, nil
	}
	if o.outputs, err = parseOutputs(o.format, o.reportDir); err != nil {
		return nil, err
	}
	return o, nil
}

func (o *options) validate(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (the target is given with --target)", fs.Arg(0))
	}
	if o.concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1, got %d", o.concurrency)
	}
	if o.timeout <= 0 || o.maxHops < 1 || o.maxBody < 1 || o.deadline < 0 {
		return fmt.Errorf("--timeout, --max-hops and --max-body must be positive, --deadline not negative")
	}
	if _, err := agent.NewPolite(o.rate, o.maxWait); err != nil {
		return fmt.Errorf("--rate %v, --max-wait %s: both must be ≥ 0 (--rate 0: unlimited)", o.rate, o.maxWait)
	}
	switch o.responseType {
	case "", target.All, target.Token, target.IDTokenToken, target.IDToken:
	default:
		return fmt.Errorf("--response-type %q: expected %q, %q, %q or %q", o.responseType, target.Token, target.IDTokenToken, target.IDToken, target.All)
	}
	if (o.faults != "" || o.reference != "") && o.target != "" {
		return fmt.Errorf("--fault and --reference configure the embedded server; they cannot be combined with --target")
	}
	return nil
}

// usage prints the flags as they are written (--flag), with examples.
func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprint(w, `usage: implicitspec [flags]

Checks an OAuth 2.0 implicit-flow authorization server (RFC 6749 §4.2, and
OpenID Connect's implicit flow) against the requirement catalogue.
Exit codes: 0 pass, 1 a requirement failed, 2 could not judge.

examples:
  implicitspec                                   check the embedded reference server
  implicitspec --target idp.yaml                 check your own server
  implicitspec --target idp.yaml --report-dir out --strict
  implicitspec --target idp.yaml --tags '@state&&~@STATE-06' --format console,junit:junit.xml
  implicitspec --target idp.yaml --expect accepted.yaml
  implicitspec --list --tags @must

flags:
`)
	fs.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		line := "  " + dash + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(w, "%s\n      %s", line, help)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv profile.Getenv) int {
	o, err := parseFlags(args, stderr)
	switch {
	case err == flag.ErrHelp:
		return suite.ExitPass
	case err != nil:
		return cannot(stderr, err)
	case o.version:
		fmt.Fprintln(stdout, versionString())
		return suite.ExitPass
	case o.listFaults:
		listFaults(stdout)
		return suite.ExitPass
	case o.listReqs:
		return listRequirements(stdout)
	case o.list:
		return listScenarios(stdout, o.tags)
	}
	if o.deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.deadline)
		defer cancel()
	}
	info := suite.RunInfo{Version: versionString(), Flags: args, Started: time.Now()}
	p, stop, err := loadTarget(o, stderr, getenv, &info)
	defer stop()
	if err != nil {
		return stopped(o, stdout, stderr, info, err)
	}
	t, err := prepare(ctx, o, p, stderr)
	if t != nil {
		info.Preparation = t.Preparation()
		defer t.Close() // the run's chromium and callback server, when a flow started them
	}
	if err != nil {
		return stopped(o, stdout, stderr, info, err)
	}
	info.Issuer, info.Endpoint, info.ResponseType, info.Offered, info.Warnings = t.Profile.Issuer, p.AuthorizationEndpoint, t.ResponseType, t.Offered(), t.Warnings
	if o.responseType == target.All {
		info.ResponseType = target.All
	}
	rep, err := execute(ctx, o, t, stdout, stderr, getenv)
	if err != nil {
		return cannot(stderr, err)
	}
	info.Finished = time.Now()
	rep.Info.Version, rep.Info.Target, rep.Info.Issuer, rep.Info.Endpoint = info.Version, info.Target, info.Issuer, info.Endpoint
	rep.Info.ResponseType, rep.Info.Offered, rep.Info.ProfileDigest, rep.Info.Flags = info.ResponseType, info.Offered, info.ProfileDigest, info.Flags
	rep.Info.Started, rep.Info.Finished, rep.Info.Preparation, rep.Info.Warnings = info.Started, info.Finished, info.Preparation, info.Warnings
	return finish(o, rep, stdout, stderr)
}

// cannot reports a run that could not start, in one line, exit 2.
func cannot(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "implicitspec: cannot judge: %s\n", oneLine(err.Error()))
	return suite.ExitCannot
}

// stopped ends a run the preflight (or the profile) stopped: exit 2, and the
// report files say why, so a CI job that publishes them shows the reason.
func stopped(o *options, stdout, stderr io.Writer, info suite.RunInfo, err error) int {
	info.Stopped = "cannot judge: " + oneLine(err.Error())
	info.Finished = time.Now()
	rep := &suite.Report{Info: info, Strict: o.strict, BCP: o.bcp}
	if werr := writeFiles(o.outputs, rep, stdout); werr != nil {
		fmt.Fprintf(stderr, "implicitspec: writing the reports: %s\n", werr)
	}
	return cannot(stderr, err)
}

// execute runs the scenarios with the console's progress and applies the
// expected outcomes.
func execute(ctx context.Context, o *options, t *target.Target, stdout, stderr io.Writer, getenv profile.Getenv) (*suite.Report, error) {
	colour := !o.noColors && isTerminal(stdout) && !envSet(getenv, "NO_COLOR")
	pr := &progress{stdout: stdout, stderr: stderr, tty: isTerminal(stderr), quiet: godogFormat(o.outputs) != "none"}
	if has(o.outputs, "console") {
		pr.console = &suite.Console{Colour: colour}
	}
	cfg := suite.Config{
		Target:      t,
		Tags:        o.tags,
		Format:      godogFormat(o.outputs),
		Output:      stdout,
		Strict:      o.strict,
		BCP:         o.bcp,
		Concurrency: o.concurrency,
		NoColors:    !colour,
		Progress:    pr.report,
		Throttled:   pr.throttled,
	}
	var rep *suite.Report
	var err error
	if o.responseType == target.All {
		rep, err = suite.RunEach(ctx, cfg, t.Offered())
	} else {
		rep, err = suite.Run(ctx, cfg)
	}
	pr.clear()
	if err != nil {
		return nil, err
	}
	if o.expect != "" {
		f, err := expect.Read(o.expect)
		if err != nil {
			return nil, fmt.Errorf("--expect: %w", err)
		}
		expect.Apply(rep, f, time.Now())
	}
	return rep, nil
}

// finish writes the files, the record and the summary, and gives the exit code.
func finish(o *options, rep *suite.Report, stdout, stderr io.Writer) int {
	if err := writeFiles(o.outputs, rep, stdout); err != nil {
		return cannot(stderr, fmt.Errorf("writing the reports: %w", err))
	}
	if o.record != "" {
		// A file that exists but does not parse keeps its reasons: it is
		// never overwritten; only a missing file starts a new record.
		prev, err := expect.Read(o.record)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			prev = nil
		case err != nil:
			return cannot(stderr, fmt.Errorf("--record: not overwriting %s: %w", o.record, err))
		}
		if err := expect.Write(o.record, expect.Record(rep, prev)); err != nil {
			return cannot(stderr, fmt.Errorf("--record: %w", err))
		}
	}
	fmt.Fprintln(stderr)
	suite.Console{Colour: !o.noColors && isTerminal(stderr), Verbose: o.verbose}.Summary(stderr, rep)
	return rep.ExitCode()
}

func envSet(getenv profile.Getenv, name string) bool {
	v, ok := getenv(name)
	return ok && v != ""
}

func listFaults(stdout io.Writer) {
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "FAULT\tBREAKS\tWHAT THE SERVER THEN DOES WRONG")
	for _, f := range refserver.Faults() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Fault, strings.Join(f.Requirements, ","), f.Description)
	}
	tw.Flush()
}

// loadTarget reads the profile of --target, or starts the embedded
// reference server (with --fault and --reference) and reads its profile;
// stop shuts that server down.
func loadTarget(o *options, stderr io.Writer, getenv profile.Getenv, info *suite.RunInfo) (p *profile.Profile, stop func(), err error) {
	stop = func() {}
	defer func() {
		if p != nil {
			info.Target = p.Name
		}
	}()
	if o.target != "" {
		if raw, err := os.ReadFile(o.target); err == nil {
			info.ProfileDigest = digest(raw)
		}
		p, err = profile.Load(o.target, getenv)
		return p, stop, err
	}
	faults, err := parseFaults(o.faults)
	if err != nil {
		return nil, stop, err
	}
	cfg, err := refserver.ParseConfig(o.reference)
	if err != nil {
		return nil, stop, fmt.Errorf("--reference: %w", err)
	}
	srv, err := refserver.Start(refserver.Options{Faults: faults, Config: cfg})
	if err != nil {
		return nil, stop, fmt.Errorf("starting the embedded reference server: %w", err)
	}
	stop = func() { srv.Close() }
	info.ProfileDigest = digest(srv.ProfileYAML())
	if p, err = profile.Parse(srv.ProfileYAML(), "", getenv); err != nil {
		return nil, stop, err
	}
	desc := "conformant"
	if len(faults) > 0 {
		desc = "with fault(s) " + o.faults
	}
	if c := cfg.String(); c != "" {
		desc = strings.Replace(desc, "conformant", "conformant otherwise", 1) + ", playing " + c
	}
	fmt.Fprintf(stderr, "implicitspec: no --target given: checking the embedded reference server (%s) at %s\n", desc, srv.Issuer())
	return p, stop, nil
}

// prepare discovers the target and proves its baseline (the preflight),
// then says once what the run will use and what is worth a warning.
func prepare(ctx context.Context, o *options, p *profile.Profile, stderr io.Writer) (*target.Target, error) {
	lim := target.DefaultLimits()
	lim.Timeout, lim.MaxHops, lim.MaxBody = o.timeout, o.maxHops, o.maxBody
	lim.Polite, _ = agent.NewPolite(o.rate, o.maxWait) // validated by parseFlags
	ctx = agent.OnThrottle(ctx, func(t agent.Throttle) { suite.Console{}.Throttle(stderr, "preparation", t) })
	t, err := target.New(ctx, p, lim)
	if err != nil {
		return nil, err
	}
	t.FreshLogin = o.freshLogin
	t.Concurrency = o.concurrency
	if err := t.Preflight(ctx, o.responseType); err != nil {
		return t, err // its preparation's evidence shows what the preflight saw
	}
	for _, warning := range t.Warnings {
		fmt.Fprintf(stderr, "implicitspec: warning: %s\n", oneLine(warning))
	}
	fmt.Fprintf(stderr, "implicitspec: target %q, authorization endpoint %s, response type under test %q (offered: %s)\n",
		p.Name, p.AuthorizationEndpoint, t.ResponseType, strings.Join(quoteAll(t.Offered()), ", "))
	return t, nil
}

func parseFaults(list string) ([]refserver.Fault, error) {
	var out []refserver.Fault
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		f, ok := refserver.LookupFault(name)
		if !ok {
			return nil, fmt.Errorf("unknown fault %q (see --list-faults)", name)
		}
		out = append(out, f)
	}
	return out, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func refusalNames() string {
	var names []string
	for _, r := range refserver.Refusals() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// version is set at build time (-ldflags "-X main.version=…"); the module's
// version stands in when the binary was installed with go install.
var version = "0.9.0-dev"

func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
			v = mv
		}
		return fmt.Sprintf("implicitspec %s (%s)", v, bi.GoVersion)
	}
	return "implicitspec " + v
}

// listScenarios prints the selected scenarios, in the spirit of h2spec's
// --dryrun: requirement, level, name and tags, nothing contacted.
func listScenarios(stdout io.Writer, tags string) int {
	scs, err := suite.Scenarios(tags)
	if err != nil {
		return cannot(os.Stderr, err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEVEL\tSCENARIO\tTAGS")
	for _, sc := range scs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.Join(sc.IDs, " "), sc.Level, sc.Name, strings.Join(sc.Tags, " "))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d scenarios\n", len(scs))
	return suite.ExitPass
}

// listRequirements prints the catalogue and how many scenarios check each
// requirement.
func listRequirements(stdout io.Writer) int {
	scs, err := suite.Scenarios("")
	if err != nil {
		return cannot(os.Stderr, err)
	}
	count := map[string]int{}
	for _, sc := range scs {
		for _, id := range sc.IDs {
			count[id]++
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEVEL\tSCENARIOS\tCLAUSE")
	for _, r := range check.Catalogue() {
		n := fmt.Sprint(count[r.ID])
		if count[r.ID] == 0 {
			n = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Level, n, r.Clause)
	}
	tw.Flush()
	return suite.ExitPass
}
