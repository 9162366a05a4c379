// Command bench measures implicitspec against its embedded reference server
// and prints each figure next to its target (issue 12, docs/benchmark.md):
//
//	go run ./bench            # medians of 5 runs; -n, -concurrency, -latency change them
//
// It measures, in one process:
//   - a full run without added latency: wall time, CPU time (user+sys of the
//     process, the embedded server included, as in `implicitspec` with no
//     --target), HTTP round trips (counted at the server, preflight
//     included) and password logins; with every scenario and without the
//     @OIDC-11 ones, whose max_age scenarios wait 2 s on purpose, and the
//     @browser ones, which start a chromium;
//   - with -latency added before every response: sequential against
//     -slow-concurrency wall time, as a ratio, and whether every scenario
//     got the same verdict in every run;
//   - the peak RSS of the process.
//
// The targets are here, never in a timed test: a machine's speed must not
// fail the test suite. An unmet target is printed, not an error; the exit
// status is 1 only when a run cannot complete or verdicts differ.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

// The targets of issue 12.
const (
	targetWall      = time.Second // a full run against the embedded server, 2 cores
	targetLoginFrac = 0.10        // password logins per scenario, at most
	targetRatio     = 7.0         // sequential / --concurrency 8 wall time at 50 ms latency, at least
	targetRSS       = 100 << 20   // bytes of peak RSS, below
)

// noWait is the tag expression that leaves out the scenarios that wait
// (max_age) and those that start a real browser (its chromium processes are
// neither in this process's CPU time nor in its RSS).
const noWait = "~@OIDC-11 && ~@browser"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	n           int
	concurrency int
	latency     time.Duration
	slowConc    int
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 5, "runs of each measurement; the median is printed")
	fs.IntVar(&o.concurrency, "concurrency", 4, "--concurrency of the full run without added latency")
	fs.DurationVar(&o.latency, "latency", 50*time.Millisecond, "latency added before every response for the sequential/concurrent ratio; 0 skips it")
	fs.IntVar(&o.slowConc, "slow-concurrency", 8, "--concurrency compared with a sequential run at -latency")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.n < 1 || o.concurrency < 1 || o.slowConc < 1 || o.latency < 0 {
		fmt.Fprintln(stderr, "bench: -n, -concurrency and -slow-concurrency must be at least 1, -latency not negative")
		return 2
	}
	b := &bench{out: stdout}
	if err := b.all(o); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	if b.differ {
		return 1
	}
	return 0
}

type bench struct {
	out    io.Writer
	differ bool
}

// measure is one run's figures.
type measure struct {
	wall, cpu    time.Duration
	requests     int64
	tls, resumed int64 // TLS handshakes at the server, and how many resumed a session
	logins       int   // password logins the run reports
	hasLogins    bool  // the report counts them
	scenarios    int
	verdicts     map[string]suite.Verdict // by scenario
}

func (b *bench) all(o options) error {
	fmt.Fprintf(b.out, "implicitspec benchmark: embedded reference server, %d CPUs (GOMAXPROCS %d), %s, medians of %d runs, load average %s\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), o.n, loadAverage())
	defer func() {
		fmt.Fprintf(b.out, "load average at the end %s (other processes on the machine slow the wall times)\n", loadAverage())
	}()

	srv, err := refserver.Start(refserver.Options{})
	if err != nil {
		return err
	}
	defer srv.Close()
	base := map[string]map[string]suite.Verdict{}
	for _, tags := range []string{"", noWait} {
		ms, err := repeat(o.n, func() (measure, error) { return once(srv, tags, o.concurrency) })
		if err != nil {
			return err
		}
		base[tags] = ms[0].verdicts
		b.sameVerdicts(fmt.Sprintf("no added latency, %s", selection(tags)), ms[0].verdicts, ms)
		b.fullRun(o, tags, ms)
	}

	if o.latency > 0 {
		slow, err := refserver.Start(refserver.Options{Latency: o.latency})
		if err != nil {
			return err
		}
		defer slow.Close()
		fmt.Fprintf(b.out, "%v added before every response: sequential against --concurrency %d\n", o.latency, o.slowConc)
		for _, tags := range []string{"", noWait} {
			seq, err := repeat(o.n, func() (measure, error) { return once(slow, tags, 1) })
			if err != nil {
				return err
			}
			par, err := repeat(o.n, func() (measure, error) { return once(slow, tags, o.slowConc) })
			if err != nil {
				return err
			}
			b.sameVerdicts(fmt.Sprintf("%v latency, %s", o.latency, selection(tags)), base[tags], append(seq, par...))
			ws, wp := median(seq, wallOf), median(par, wallOf)
			ratio := float64(ws) / float64(wp)
			fmt.Fprintf(b.out, "  %-28s sequential %7s  --concurrency %d %7s  ratio %5.2f×   target ≥ %.0f×   %s\n",
				selection(tags)+":", secs(ws), o.slowConc, secs(wp), ratio, targetRatio, met(ratio >= targetRatio))
		}
		fmt.Fprintln(b.out)
	}

	rss := peakRSS()
	fmt.Fprintf(b.out, "peak RSS of the process (server included)  %6.1f MB   target < %d MB   %s\n",
		float64(rss)/(1<<20), targetRSS>>20, met(rss < targetRSS))
	if b.differ {
		fmt.Fprintln(b.out, "\nVERDICTS DIFFER between runs (above): the figures compare different work")
	}
	return nil
}

// fullRun prints the figures of the runs without added latency.
func (b *bench) fullRun(o options, tags string, ms []measure) {
	m := ms[0]
	fmt.Fprintf(b.out, "full run, %s (%d scenarios), --concurrency %d, no added latency\n", selection(tags), m.scenarios, o.concurrency)
	wall := median(ms, wallOf)
	note := ""
	if tags == "" {
		note = "  (two @OIDC-11 scenarios wait 2 s each, by design; four @browser ones start a chromium)"
	}
	fmt.Fprintf(b.out, "  wall time         %9s   target < %s   %s%s\n", secs(wall), secs(targetWall), met(wall < targetWall), note)
	fmt.Fprintf(b.out, "  CPU (user+sys)    %9s\n", secs(median(ms, func(m measure) time.Duration { return m.cpu })))
	fmt.Fprintf(b.out, "  HTTP round trips  %9d   (counted at the server, preflight included)\n",
		median(ms, func(m measure) int64 { return m.requests }))
	fmt.Fprintf(b.out, "  TLS handshakes    %9d   (%d resumed a session)\n",
		median(ms, func(m measure) int64 { return m.tls }), median(ms, func(m measure) int64 { return m.resumed }))
	limit := int(targetLoginFrac * float64(m.scenarios))
	if !m.hasLogins {
		fmt.Fprintf(b.out, "  password logins         n/a   target ≤ %d (10 %% of %d)   unknown: the report does not count them\n", limit, m.scenarios)
	} else {
		l := median(ms, func(m measure) int { return m.logins })
		fmt.Fprintf(b.out, "  password logins   %9d   target ≤ %d (10 %% of %d)   %s\n", l, limit, m.scenarios, met(l <= limit))
	}
	fmt.Fprintln(b.out)
}

// sameVerdicts notes every scenario whose verdict in one of ms differs from
// want.
func (b *bench) sameVerdicts(what string, want map[string]suite.Verdict, ms []measure) {
	for i, m := range ms {
		for k, v := range want {
			if m.verdicts[k] != v {
				b.differ = true
				fmt.Fprintf(b.out, "  verdicts differ (%s, run %d): %q: %s, expected %s\n", what, i+1, strings.ReplaceAll(k, "\x00", ": "), m.verdicts[k], v)
			}
		}
		if len(m.verdicts) != len(want) {
			b.differ = true
			fmt.Fprintf(b.out, "  verdicts differ (%s, run %d): %d scenarios, expected %d\n", what, i+1, len(m.verdicts), len(want))
		}
	}
}

// once is one run against srv as `implicitspec` makes it: a new target
// (discovery), the preflight, the scenarios tags selects.
func once(srv *refserver.Server, tags string, concurrency int) (measure, error) {
	p, err := profile.Parse(srv.ProfileYAML(), "", os.LookupEnv)
	if err != nil {
		return measure{}, err
	}
	runtime.GC() // the previous run's garbage is not this run's work
	hs0, res0 := srv.Handshakes()
	req0, cpu0, t0 := srv.Requests(), cpuTime(), time.Now()
	ctx := context.Background()
	tg, err := target.New(ctx, p, target.DefaultLimits())
	if err != nil {
		return measure{}, err
	}
	tg.Concurrency = concurrency
	defer tg.Close()
	if err := tg.Preflight(ctx, ""); err != nil {
		return measure{}, err
	}
	rep, err := suite.Run(ctx, suite.Config{Target: tg, Tags: tags, Concurrency: concurrency})
	if err != nil {
		return measure{}, err
	}
	m := measure{wall: time.Since(t0), cpu: cpuTime() - cpu0, requests: srv.Requests() - req0,
		scenarios: len(rep.Results), verdicts: map[string]suite.Verdict{}}
	m.logins, m.hasLogins = passwordLogins(rep)
	hs, res := srv.Handshakes()
	m.tls, m.resumed = hs-hs0, res-res0
	for _, r := range rep.Results {
		m.verdicts[r.URI+"\x00"+r.Name] = r.Verdict
	}
	if rep.ExitCode() != suite.ExitPass {
		return m, fmt.Errorf("a run against the conformant server did not pass (exit %d, %s)", rep.ExitCode(), selection(tags))
	}
	return m, nil
}

// passwordLogins is the run's count of password logins (the target's
// count: the preflight's included), when the report has one.
func passwordLogins(rep *suite.Report) (int, bool) {
	return rep.Info.PasswordLogins, true
}

func repeat(n int, f func() (measure, error)) ([]measure, error) {
	out := make([]measure, 0, n)
	for range n {
		m, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func median[T int | int64 | time.Duration](ms []measure, f func(measure) T) T {
	vs := make([]T, len(ms))
	for i, m := range ms {
		vs[i] = f(m)
	}
	slices.Sort(vs)
	return vs[len(vs)/2]
}

func wallOf(m measure) time.Duration { return m.wall }

// cpuTime is the user and system time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the process's maximum resident set size, in bytes (Linux
// reports kilobytes).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) << 10
}

// loadAverage is the 1-minute load average (Linux), or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

func selection(tags string) string {
	if tags == "" {
		return "every scenario"
	}
	return "--tags '" + tags + "'"
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}
