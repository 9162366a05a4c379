package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestListAndVersion(t *testing.T) {
	tests := []struct {
		args []string
		want []string
		not  []string
	}{
		{[]string{"--list"}, []string{"ID  ", "STATE-01          must    A plain state is echoed exactly", "A plain state is echoed exactly", "@STATE-01", "scenarios"}, nil},
		{[]string{"--list", "--tags", "@STATE-01"}, []string{"A plain state is echoed exactly", "1 scenarios"}, []string{"RDR-01"}},
		{[]string{"--list-requirements"}, []string{"STATE-01", "RFC 6749 §4.2.2", "SCENARIOS"}, nil},
		{[]string{"--version"}, []string{"implicitspec ", "go1."}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stdout, &stderr, noEnv); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, head(stdout.String()))
				}
			}
			for _, w := range tt.not {
				if strings.Contains(stdout.String(), w) {
					t.Errorf("output has %q:\n%s", w, head(stdout.String()))
				}
			}
		})
	}
}

// The default console: one line per scenario on stdout, no colour in a
// pipe, no godog totals, the summary on stderr with the verdict last.
func TestConsoleOutput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--tags", "@state", "--fault", "state-dropped-on-success"}, &stdout, &stderr, noEnv)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	for _, l := range lines {
		if !strings.HasPrefix(l, "✓ [STATE-") && !strings.HasPrefix(l, "✗ [STATE-") && !strings.HasPrefix(l, "- [STATE-") && !strings.HasPrefix(l, "! [STATE-") {
			t.Errorf("not a scenario line: %q", l)
		}
	}
	if !strings.Contains(stdout.String(), "✗ [STATE-01 must] A plain state is echoed exactly") {
		t.Errorf("no failing line for STATE-01:\n%s", stdout.String())
	}
	all := stdout.String() + stderr.String()
	for _, bad := range []string{"\x1b[", "scenarios (", "steps (", "Failed steps"} {
		if strings.Contains(all, bad) {
			t.Errorf("output holds %q (colour in a pipe, or godog's own totals)", bad)
		}
	}
	last := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if !strings.HasPrefix(last[len(last)-1], "verdict: FAIL (exit 1)") {
		t.Errorf("the summary does not end with the verdict:\n%s", stderr.String())
	}
}

func head(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}
