package idps

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/implicitspec/implicitspec/internal/expect"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

var updateIdPs = flag.Bool("update-idps", false, "rewrite testdata/idps/<name>/expected.yaml from this run (reasons are kept; new failures get TODO)")

// moduleRoot is where relative profile paths in IMPLICITSPEC_IDPS start.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// TestIdPs runs the suite against each real server that is running (started
// by testdata/idps/run.sh, which sets IMPLICITSPEC_IDPS to
// "hydra=testdata/idps/hydra/profile.yaml,dot=…") and fails when the outcome
// differs from the server's expected.yaml beside its profile.
func TestIdPs(t *testing.T) {
	list := os.Getenv("IMPLICITSPEC_IDPS")
	if list == "" {
		t.Skip("IMPLICITSPEC_IDPS is not set: no real authorization server is running (start them with testdata/idps/run.sh)")
	}
	root := moduleRoot(t)
	for _, item := range strings.Split(list, ",") {
		name, path, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || name == "" || path == "" {
			t.Fatalf("IMPLICITSPEC_IDPS: %q is not name=profile.yaml", item)
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		t.Run(name, func(t *testing.T) { checkServer(t, name, path) })
	}
}

func checkServer(t *testing.T, name, profilePath string) {
	rep := runServer(t, name, profilePath, false, 1)
	if os.Getenv("IMPLICITSPEC_IDPS_FRESH") != "0" && !*updateIdPs {
		// The run's one sign-in, copied into the scenarios that only need a
		// signed-in resource owner, must judge as a sign-in per scenario does.
		fresh := runServer(t, name, profilePath, true, 1)
		if d := verdictDiff(rep, fresh); d != "" {
			t.Errorf("%s: --fresh-login judged otherwise than the run that reuses its sign-in:\n%s", name, d)
		}
		t.Logf("%s: %d password logins with the session reused, %d with --fresh-login, for %d scenarios",
			name, rep.Info.PasswordLogins, fresh.Info.PasswordLogins, len(rep.Results))
	}
	if n := idpsConcurrency(t); n > 1 && !*updateIdPs {
		// Scenarios in flight together share the run's session copies, its
		// TLS cache and its rate limiter, and they meet in the server: none
		// of that may change a verdict.
		start := time.Now()
		conc := runServer(t, name, profilePath, false, n)
		if d := verdictDiff(rep, conc); d != "" {
			t.Errorf("%s: --concurrency %d judged otherwise than one scenario at a time:\n%s", name, n, d)
		}
		t.Logf("%s: --concurrency %d judged as one at a time did (%d scenarios, %s)",
			name, n, len(conc.Results), time.Since(start).Round(time.Second))
	}
	checkRecord(t, name, profilePath, rep)
}

// idpsConcurrency is the concurrency of the run compared with the sequential
// one: IMPLICITSPEC_IDPS_CONCURRENCY, default 4; 1 or 0 leaves it out.
func idpsConcurrency(t *testing.T) int {
	v := os.Getenv("IMPLICITSPEC_IDPS_CONCURRENCY")
	if v == "" {
		return 4
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("IMPLICITSPEC_IDPS_CONCURRENCY=%q is not a number of scenarios", v)
	}
	return n
}

// runServer runs every scenario against the server of profilePath,
// concurrency at a time, signing in once per run (or per scenario: fresh,
// --fresh-login).
func runServer(t *testing.T, name, profilePath string, fresh bool, concurrency int) *suite.Report {
	t.Helper()
	p, err := profile.Load(profilePath, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tg, err := target.New(ctx, p, target.DefaultLimits())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer tg.Close()
	tg.FreshLogin = fresh
	if err := tg.Preflight(ctx, ""); err != nil {
		t.Fatalf("%s: preflight: %v", name, err)
	}
	// A plain run: @should failures are warnings, @bcp failures information.
	rep, err := suite.Run(ctx, suite.Config{Target: tg, Format: "progress", Concurrency: concurrency, NoColors: true})
	if err != nil {
		t.Fatalf("%s: run: %v", name, err)
	}
	return rep
}

// verdictDiff lists the scenarios whose verdicts differ between a and b.
func verdictDiff(a, b *suite.Report) string {
	bs := map[string]suite.Verdict{}
	for _, r := range b.Results {
		bs[r.Name] = r.Verdict
	}
	var out []string
	for _, r := range a.Results {
		if v, ok := bs[r.Name]; !ok || v != r.Verdict {
			out = append(out, fmt.Sprintf("  %q: %s, then %s", r.Name, r.Verdict, v))
		}
	}
	return strings.Join(out, "\n")
}

// checkRecord compares rep with the server's expected.yaml (or rewrites it
// under -update-idps).
func checkRecord(t *testing.T, name, profilePath string, rep *suite.Report) {
	recPath := filepath.Join(filepath.Dir(profilePath), "expected.yaml")
	rec, err := expect.Read(recPath)
	switch {
	case errors.Is(err, fs.ErrNotExist) && *updateIdPs:
		rec = &expect.File{Server: name}
	case err != nil:
		t.Fatalf("%s: %v (record one with -update-idps)", name, err)
	}
	if *updateIdPs {
		rec = expect.Record(rep, rec)
		if rec.Server == "" {
			rec.Server = name
		}
		if err := expect.Write(recPath, rec); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: rewrote %s", name, recPath)
	}
	probs := expect.Compare(rec, rep)
	for _, pr := range probs {
		t.Errorf("%s: %s", name, pr)
	}
	if len(probs) > 0 {
		t.Logf("%s: re-record with: testdata/idps/run.sh %s -- go test -count=1 -run TestIdPs ./internal/idps -update-idps", name, name)
	}
	if len(probs) > 0 {
		for _, r := range rep.Results {
			if r.Verdict != suite.Passed {
				t.Logf("%s [%s] %s: %s\n%s", r.Verdict, strings.Join(r.IDs, " "), r.Name, expect.Normalize(r.Message), r.Evidence.Text())
			}
		}
	}
}
