package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// politeRun runs the embedded server with args (and, under -short, only
// the @state scenarios) and returns the exit code, the verdict lines
// sorted (the console's line per scenario) and stderr.
func politeRun(t *testing.T, args ...string) (int, []string, string) {
	t.Helper()
	if testing.Short() {
		args = append(args, "--tags", "@state")
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"--concurrency", "4", "--no-colors"}, args...), &stdout, &stderr, noEnv)
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	slices.Sort(lines)
	return code, lines, stderr.String()
}

// noneFailed: a limit or a lockout is the operator's condition, never the
// server's failure (exit 1 would blame it).
func noneFailed(t *testing.T, code int, lines []string, stderr string) {
	t.Helper()
	if code == 1 || strings.Contains(stderr, "FAILED") {
		t.Fatalf("exit %d: a throttled or locked run must never fail the server\n%s", code, stderr)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "✗") {
			t.Fatalf("failed verdict %q", l)
		}
	}
}

// TestThrottledRunKeepsVerdicts: against a server that answers every Nth
// authorization or login request 429 with Retry-After: 1, a run waits each
// one out, says so on stderr and in the evidence, and ends with the
// verdicts of a plain run.
func TestThrottledRunKeepsVerdicts(t *testing.T) {
	every := "40"
	if testing.Short() {
		every = "7"
	}
	plainCode, plain, _ := politeRun(t)
	dir := t.TempDir()
	code, throttled, stderr := politeRun(t, "--reference", "throttle="+every, "--report-dir", dir)
	if code != plainCode || !slices.Equal(plain, throttled) {
		t.Fatalf("exit %d (plain %d); verdicts differ from the plain run:\nplain:\n%s\nthrottled:\n%s\n%s",
			code, plainCode, strings.Join(plain, "\n"), strings.Join(throttled, "\n"), stderr)
	}
	if !strings.Contains(stderr, "HTTP 429 at https://") || !strings.Contains(stderr, "Retry-After: 1: waiting 1s, then once more") {
		t.Fatalf("no wait line on stderr:\n%s", stderr)
	}
	if strings.Contains(stderr, "state=") {
		t.Fatalf("a wait line quotes the request's query:\n%s", stderr)
	}
	report, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(report), "HTTP 429 with Retry-After: 1: waited 1s, then sent the request once more") {
		t.Fatal("the HTML report's evidence does not show the 429 and the wait")
	}
}

// TestRetryAfterBeyondMaxWait: a Retry-After above --max-wait is not waited:
// the scenario that met it cannot be judged ("rate-limited"), exit 2.
func TestRetryAfterBeyondMaxWait(t *testing.T) {
	code, lines, stderr := politeRun(t, "--reference", "throttle=20", "--max-wait", "0s")
	noneFailed(t, code, lines, stderr)
	if code != 2 || !strings.Contains(stderr, "rate-limited: https://") ||
		!strings.Contains(stderr, "more than --max-wait 0s: not waited") {
		t.Fatalf("exit %d, want 2 with a rate-limited scenario:\n%s", code, stderr)
	}
}

// TestLockoutIsNeverAFailure: an account locked after a few sign-ins
// leaves the scenarios that need a sign-in unjudged (the login form comes
// back, 403), never failed; with few enough sign-ins (session reuse) the
// run may even pass. Either way the exit code is not 1.
func TestLockoutIsNeverAFailure(t *testing.T) {
	code, lines, stderr := politeRun(t, "--reference", "lockout=3")
	noneFailed(t, code, lines, stderr)
	if code == 2 && !strings.Contains(stderr, "the login form came back (HTTP 403)") {
		t.Fatalf("exit 2 without the locked login form as the reason:\n%s", stderr)
	}
}

func TestRateAndMaxWaitFlags(t *testing.T) {
	for _, args := range [][]string{{"--rate", "-1"}, {"--max-wait", "-1s"}, {"--rate", "NaN"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr, noEnv); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	// --rate bounds the run's requests; the limiter itself is tested with an
	// injected clock (internal/agent TestPoliteRateBound): here, only that
	// a paced run still judges.
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--rate", "200", "--tags", "@STATE-01"}, &stdout, &stderr, noEnv); code != 0 {
		t.Fatalf("exit %d under --rate 200:\n%s", code, stderr.String())
	}
}
