package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// junitCases reads the testcases of a JUnit file: name -> failed?
func junitCases(t *testing.T, path string) (map[string]bool, int) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Failures string `xml:"failures,attr"`
			Cases    []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cases, failures := map[string]bool{}, 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[c.Name] = c.Failure != nil
			if c.Failure != nil {
				failures++
			}
		}
	}
	return cases, failures
}

// validateJUnit checks the file against the Jenkins xUnit schema.
func validateJUnit(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is not installed (Debian libxml2-utils; .ci/run installs it)")
		}
		t.Log("skipping the schema check: xmllint is not installed (Debian libxml2-utils)")
		return
	}
	out, err := exec.Command("xmllint", "--noout", "--schema", "../../internal/report/testdata/junit-10.xsd", path).CombinedOutput()
	if err != nil {
		t.Errorf("%s fails junit-10.xsd: %v\n%s", path, err, out)
	}
}

// failedLines are the scenarios the console summary calls FAILED, named as
// JUnit names them: "[ID level] name".
func failedLines(summary string) []string {
	var out []string
	for _, l := range strings.Split(summary, "\n") {
		if rest, ok := strings.CutPrefix(l, "FAILED"); ok {
			rest = strings.TrimSpace(rest)
			if i := strings.Index(rest, `, response_type=`); i >= 0 {
				j := strings.Index(rest[i:], "]")
				rest = rest[:i] + rest[i+j:]
			}
			out = append(out, rest)
		}
	}
	sort.Strings(out)
	return out
}

// One run with a MUST fault and a SHOULD fault writes all three files, and
// JUnit fails exactly what the exit code fails, with --strict and without.
func TestArtefactsAgreeWithExitCode(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		exit   int
		failed []string
	}{
		{"SHOULD fault only warns", []string{"--fault", "state-required", "--tags", "@STATE-06"}, 0, nil},
		{"SHOULD fault fails under --strict", []string{"--fault", "state-required", "--tags", "@STATE-06", "--strict"}, 1,
			[]string{"[STATE-06 should] A request without state is still answered with an access token"}},
		{"MUST and SHOULD faults", []string{"--fault", "state-dropped-on-success,state-required"}, 1, nil},
		{"MUST and SHOULD faults, --strict", []string{"--fault", "state-dropped-on-success,state-required", "--strict"}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && !strings.Contains(strings.Join(tt.args, " "), "--tags") {
				t.Skip("a full run: not in -short")
			}
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append(tt.args, "--report-dir", dir), &stdout, &stderr, noEnv)
			if code != tt.exit {
				t.Fatalf("exit %d, want %d\n%s", code, tt.exit, stderr.String())
			}
			for _, f := range []string{"junit.xml", "cucumber.json", "report.html"} {
				if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
					t.Errorf("%s not written: %v", f, err)
				}
			}
			path := filepath.Join(dir, "junit.xml")
			validateJUnit(t, path)
			cases, failures := junitCases(t, path)
			var junitFailed []string
			for name, failed := range cases {
				if failed {
					junitFailed = append(junitFailed, name)
				}
			}
			sort.Strings(junitFailed)
			consoleFailed := failedLines(stderr.String())
			if strings.Join(junitFailed, "\n") != strings.Join(consoleFailed, "\n") {
				t.Errorf("JUnit fails\n  %s\nthe console fails\n  %s", strings.Join(junitFailed, "\n  "), strings.Join(consoleFailed, "\n  "))
			}
			if (failures > 0) != (code == 1) {
				t.Errorf("exit %d with %d JUnit failures", code, failures)
			}
			for _, want := range tt.failed {
				if !cases[want] {
					t.Errorf("JUnit does not fail %q; cases: %v", want, cases)
				}
			}
		})
	}
}

// A run the preflight stops still writes the three files, with the reason.
func TestReportsWhenThePreflightStops(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--reference", "refuse-all;refusal=page-after-login", "--report-dir", dir}, &stdout, &stderr, noEnv)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, stderr.String())
	}
	for _, f := range []string{"junit.xml", "cucumber.json", "report.html"} {
		raw, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(raw), "did not reach the client with a token or ID token") {
			t.Errorf("%s does not carry the reason:\n%s", f, head(string(raw)))
		}
	}
	validateJUnit(t, filepath.Join(dir, "junit.xml"))
}
