package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A team records its IdP's outcome once, writes the reasons, and gates on
// "nothing new": accepted deviations are waived until they expire, and an
// entry the server no longer deserves is stale.
func TestExpectAndRecord(t *testing.T) {
	file := filepath.Join(t.TempDir(), "expected.yaml")
	should := []string{"--fault", "state-required", "--tags", "@STATE-06", "--strict"}
	runArgs := func(args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr, noEnv)
		return code, stderr.String()
	}
	if code, out := runArgs(append(should, "--record", file)...); code != 1 {
		t.Fatalf("--record: exit %d\n%s", code, out)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(raw), "\n    reason: TODO"); n != 2 {
		t.Fatalf("the record has %d reason: TODO, want one per failure (2):\n%s", n, raw)
	}
	write := func(expires string) {
		s := strings.ReplaceAll(string(raw), "\n    reason: TODO", "\n    reason: our IdP requires state (IAM-123)\n    accepted_by: jane@example.com\n    expires: \""+expires+"\"")
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		expires string // "" = the recorded file, reasons still TODO
		args    []string
		exit    int
		want    string
	}{
		{"a reason still TODO waives nothing", "", should, 1, "not waived"},
		{"accepted deviations are waived", "2999-12-31", should, 0, "WAIVED"},
		{"an expired waiver fails again", "2020-01-01", should, 1, "waiver expired on 2020-01-01"},
		{"a deviation gone is stale", "2999-12-31", []string{"--tags", "@STATE-06"}, 0, "STALE"},
		{"stale is an error under --strict", "2999-12-31", []string{"--tags", "@STATE-06", "--strict"}, 2, "STALE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.expires == "" {
				if err := os.WriteFile(file, raw, 0o600); err != nil {
					t.Fatal(err)
				}
			} else {
				write(tt.expires)
			}
			code, out := runArgs(append(tt.args, "--expect", file)...)
			if code != tt.exit || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q?\n%s", code, tt.exit, tt.want, out)
			}
		})
	}
}
