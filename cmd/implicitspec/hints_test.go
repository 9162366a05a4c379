package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/refserver"
)

// unknownWordsHints is the profile section that names the consent buttons of
// the unknown-words page style, whose words the page reader does not know.
const unknownWordsHints = "interaction:\n  approve: Engedélyezés\n  deny: Elutasítás\n"

// TestUnknownWordsNeedHints: when the page reader cannot tell which consent
// button approves or denies, the run says so and is not judged (exit 2, the
// reason naming the buttons and the profile key to set); it never presses a
// button at random. With the hints in the profile the same server passes,
// the approval (STATE-01) and the denial (ERR-01) alike.
func TestUnknownWordsNeedHints(t *testing.T) {
	cfg := refserver.Config{Pages: refserver.PagesUnknownWords}
	if !cfg.Pages.NeedsHints() {
		t.Fatalf("%s: NeedsHints is false", cfg.Pages)
	}
	passed := []string{"1 scenarios: 1 passed, 0 failed", "0 skipped, 0 could not be judged", "verdict: PASS"}
	withHints := func(y string) string {
		if !strings.HasSuffix(y, "\n") {
			y += "\n"
		}
		return y + unknownWordsHints
	}
	tests := []struct {
		name  string
		edit  func(string) string
		tags  string
		want  int
		parts []string // in stdout or stderr
	}{
		{"no hints: cannot judge", func(y string) string { return y }, "@STATE-01", 2,
			[]string{"implicitspec: cannot judge: ", "ambiguous", `"Engedélyezés"`, `"Elutasítás"`, "interaction.approve"}},
		{"hints: the approval passes", withHints, "@STATE-01", 0, passed},
		{"hints: the denial passes", withHints, "@ERR-01", 0, passed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path := writeProfileWith(t, refserver.Options{Config: cfg}, tt.edit)
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), []string{"--target", path, "--format", "progress", "--tags", tt.tags}, &stdout, &stderr, noEnv)
			out := stdout.String() + stderr.String()
			if got != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, stdout.String(), stderr.String())
			}
			for _, part := range tt.parts {
				if !strings.Contains(out, part) {
					t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", part, stdout.String(), stderr.String())
				}
			}
			if tt.want == 2 {
				if n := strings.Count(stderr.String(), "implicitspec: cannot judge: "); n != 1 {
					t.Errorf("exit 2 must come with one one-line reason, got %d:\n%s", n, stderr.String())
				}
				t.Logf("stderr:\n%s", stderr.String())
			}
		})
	}
}
