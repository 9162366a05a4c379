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
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv)
	stop()
	os.Exit(code)
}

type options struct {
	target       string
	responseType string
	tags         string
	format       string
	strict       bool
	bcp          bool
	concurrency  int
	faults       string
	reference    string
	listFaults   bool
	noColors     bool
	timeout      time.Duration
	maxHops      int
	maxBody      int64
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("implicitspec", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by the caller, in one line
	fs.StringVar(&o.target, "target", "", "target profile (YAML); default: start the embedded reference server and check it")
	fs.StringVar(&o.responseType, "response-type", "", `the implicit response type the flow scenarios use: "token", "id_token token", "id_token", or "all" (each offered type in turn); default: the first the target offers, in that order`)
	fs.StringVar(&o.tags, "tags", "", `scenarios to run, by tag: "@STATE-01", "@state,@redirect-uri" (or), "@must&&~@RT-04" (and, not)`)
	fs.StringVar(&o.format, "format", "pretty", `godog formatters, comma separated, each "name" or "name:file": pretty, progress, junit, cucumber`)
	fs.BoolVar(&o.strict, "strict", false, "@should scenarios that fail fail the run (otherwise they are warnings)")
	fs.BoolVar(&o.bcp, "bcp", false, "judge the @bcp scenarios (RFC 9700, the Security BCP): their failures fail the run; otherwise they are reported as information only")
	fs.IntVar(&o.concurrency, "concurrency", 1, "scenarios run at once")
	fs.StringVar(&o.faults, "fault", "", "embedded server only: switch on these fault(s), comma separated, to see the harness catch them")
	fs.StringVar(&o.reference, "reference", "", `embedded server only: the kind of server it plays, items separated by ";": "offer=id_token token|id_token" (response types offered), "refusal=query-unauthorized" (how an unoffered one is refused: `+refusalNames()+`), "consent=remembered" (always, remembered, none), "refuse-all"`)
	fs.BoolVar(&o.listFaults, "list-faults", false, "list the embedded server's fault switches and exit")
	fs.BoolVar(&o.noColors, "no-colors", false, "no ANSI colours in the pretty output")
	def := target.DefaultLimits()
	fs.DurationVar(&o.timeout, "timeout", def.Timeout, "per-request timeout")
	fs.IntVar(&o.maxHops, "max-hops", def.MaxHops, "requests the browser makes for one navigation (redirect chain) before giving up")
	fs.Int64Var(&o.maxBody, "max-body", def.MaxBody, "bytes of a response body the browser reads before giving up")
	usage := func() {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "usage: implicitspec [flags]\n\nChecks an OAuth 2.0 implicit-flow authorization server (RFC 6749 §4.2).\nExit codes: 0 pass, 1 a requirement failed, 2 could not judge.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			usage()
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (the target is given with --target)", fs.Arg(0))
	}
	if o.concurrency < 1 {
		return nil, fmt.Errorf("--concurrency must be at least 1, got %d", o.concurrency)
	}
	if o.timeout <= 0 || o.maxHops < 1 || o.maxBody < 1 {
		return nil, fmt.Errorf("--timeout, --max-hops and --max-body must be positive")
	}
	switch o.responseType {
	case "", target.All, target.Token, target.IDTokenToken, target.IDToken:
	default:
		return nil, fmt.Errorf("--response-type %q: expected %q, %q, %q or %q", o.responseType, target.Token, target.IDTokenToken, target.IDToken, target.All)
	}
	if (o.faults != "" || o.reference != "") && o.target != "" {
		return nil, fmt.Errorf("--fault and --reference configure the embedded server; they cannot be combined with --target")
	}
	if err := suite.ValidateFormat(o.format); err != nil {
		return nil, err
	}
	sel, err := suite.Selected(o.tags)
	if err != nil {
		return nil, err
	}
	if len(sel) == 0 {
		return nil, fmt.Errorf("%w: %q", suite.ErrNothingSelected, o.tags)
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv profile.Getenv) int {
	cannot := func(err error) int {
		fmt.Fprintf(stderr, "implicitspec: cannot judge: %s\n", oneLine(err.Error()))
		return suite.ExitCannot
	}
	o, err := parseFlags(args, stderr)
	if err == flag.ErrHelp {
		return suite.ExitPass
	}
	if err != nil {
		return cannot(err)
	}
	if o.listFaults {
		listFaults(stdout)
		return suite.ExitPass
	}
	p, stop, err := loadTarget(o, stderr, getenv)
	if err != nil {
		return cannot(err)
	}
	defer stop()
	t, err := prepare(ctx, o, p, stderr)
	if err != nil {
		return cannot(err)
	}
	cfg := suite.Config{
		Target:      t,
		Tags:        o.tags,
		Format:      o.format,
		Output:      stdout,
		Strict:      o.strict,
		BCP:         o.bcp,
		Concurrency: o.concurrency,
		NoColors:    o.noColors,
	}
	var rep *suite.Report
	if o.responseType == target.All {
		rep, err = suite.RunEach(ctx, cfg, t.Offered())
	} else {
		rep, err = suite.Run(ctx, cfg)
	}
	if err != nil {
		return cannot(err)
	}
	fmt.Fprintln(stderr)
	rep.WriteSummary(stderr)
	return rep.ExitCode()
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
func loadTarget(o *options, stderr io.Writer, getenv profile.Getenv) (p *profile.Profile, stop func(), err error) {
	stop = func() {}
	if o.target != "" {
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
	t, err := target.New(ctx, p, lim)
	if err != nil {
		return nil, err
	}
	if err := t.Preflight(ctx, o.responseType); err != nil {
		return nil, err
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
