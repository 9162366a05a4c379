package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/suite"
)

// The test's own reading of JUnit XML, independent of the writer's model.
type xSuites struct {
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []xSuite `xml:"testsuite"`
}

type xSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Props    []xProperty `xml:"properties>property"`
	Cases    []xCase     `xml:"testcase"`
}

type xProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type xCase struct {
	Name      string    `xml:"name,attr"`
	Classname string    `xml:"classname,attr"`
	Time      string    `xml:"time,attr"`
	Failure   *xOutcome `xml:"failure"`
	Error     *xOutcome `xml:"error"`
	Skipped   *xOutcome `xml:"skipped"`
	SystemOut string    `xml:"system-out"`
}

type xOutcome struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
}

func junitOf(t *testing.T, rep *suite.Report) ([]byte, xSuites) {
	t.Helper()
	var buf bytes.Buffer
	if err := JUnit(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var doc xSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v\n%s", err, buf.Bytes())
	}
	return buf.Bytes(), doc
}

// TestJUnitValidates checks every shape of report against Jenkins' schema
// with xmllint.
func TestJUnitValidates(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is not installed; CI must validate the JUnit output (apt-get install libxml2-utils)")
		}
		t.Skip("xmllint is not on PATH, so the JUnit output is not validated against junit-10.xsd (apt-get install libxml2-utils)")
	}
	strictStale := sampleReport()
	strictStale.Strict = true
	controls := sampleReport()
	controls.Results[0].Name = "control characters \x01\x1b[31m and ]]> survive"
	for name, rep := range map[string]*suite.Report{"sample": sampleReport(), "stopped": stoppedReport(), "empty": {},
		"strict-stale": strictStale, "controls": controls} {
		t.Run(name, func(t *testing.T) {
			data, _ := junitOf(t, rep)
			file := filepath.Join(t.TempDir(), "junit.xml")
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), file).CombinedOutput()
			if err != nil {
				t.Fatalf("junit.xml is not valid against junit-10.xsd: %v\n%s\n%s", err, out, data)
			}
		})
	}
}

// TestJUnitMapping: only a gating verdict is a failure; what could not be
// judged is an error; a warning passes with its verdict first in system-out.
func TestJUnitMapping(t *testing.T) {
	tests := []struct {
		verdict            suite.Verdict
		failure, err, skip bool
		errType, firstLine string
	}{
		{suite.Passed, false, false, false, "", "verdict: passed"},
		{suite.Failed, true, false, false, "", "verdict: failed"},
		{suite.Warned, false, false, false, "", "verdict: warning"},
		{suite.Info, false, false, false, "", "verdict: info"},
		{suite.Waived, false, false, false, "", "verdict: waived (was failed)"},
		{suite.Skipped, false, false, true, "", "verdict: skipped"},
		{suite.Errored, false, true, false, "cannot-judge", "verdict: error"},
		{suite.NotRun, false, true, false, "not-run", "verdict: not run"},
	}
	_, doc := junitOf(t, sampleReport())
	cases := map[string]xCase{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[c.SystemOut[:strings.IndexByte(c.SystemOut, '\n')]] = c
		}
	}
	for _, tt := range tests {
		t.Run(string(tt.verdict), func(t *testing.T) {
			c, ok := cases[tt.firstLine]
			if !ok {
				t.Fatalf("no testcase whose system-out starts %q", tt.firstLine)
			}
			if (c.Failure != nil) != tt.failure || (c.Error != nil) != tt.err || (c.Skipped != nil) != tt.skip {
				t.Errorf("%s: failure %v error %v skipped %v", c.Name, c.Failure, c.Error, c.Skipped)
			}
			if tt.err && c.Error.Type != tt.errType {
				t.Errorf("error type %q, want %q", c.Error.Type, tt.errType)
			}
			if tt.failure && (c.Failure.Message == "" || c.Failure.Type != "RFC 6749 §4.2.2") {
				t.Errorf("failure %+v: want the finding and its clause", c.Failure)
			}
			if tt.skip && c.Skipped.Message != "the profile has no login page to frame" {
				t.Errorf("skipped message %q", c.Skipped.Message)
			}
		})
	}
}

func TestJUnitCountsAndNames(t *testing.T) {
	_, doc := junitOf(t, sampleReport())
	var total, failures, errors int
	for _, s := range doc.Suites {
		var f, e, sk int
		for _, c := range s.Cases {
			f, e, sk = f+b2i(c.Failure != nil), e+b2i(c.Error != nil), sk+b2i(c.Skipped != nil)
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %q counts tests=%d failures=%d errors=%d skipped=%d; its testcases: %d, %d, %d, %d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		total, failures, errors = total+s.Tests, failures+s.Failures, errors+s.Errors
	}
	if doc.Tests != total || doc.Failures != failures || doc.Errors != errors {
		t.Errorf("testsuites counts %d/%d/%d, suites sum to %d/%d/%d", doc.Tests, doc.Failures, doc.Errors, total, failures, errors)
	}
	if want := [4]int{9, 2, 2}; [4]int{total, failures, errors} != want {
		t.Errorf("tests/failures/errors %d/%d/%d, want %v", total, failures, errors, want)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "The state value" || doc.Suites[1].Name != "Security" {
		t.Fatalf("suites %+v: want one per feature, in order", doc.Suites)
	}
	c := doc.Suites[0].Cases[1]
	if c.Name != "[STATE-03 must] A state holding spaces is echoed exactly" || c.Classname != "07_state" || c.Time != "1.250" {
		t.Errorf("testcase %q classname %q time %q", c.Name, c.Classname, c.Time)
	}
	for _, want := range []string{"steps:\nGiven an authorization request from the implicit client — passed", "evidence:\nresponse_type: token", "#1 GET https://idp.example/authorize"} {
		if !strings.Contains(c.SystemOut, want) {
			t.Errorf("system-out lacks %q:\n%s", want, c.SystemOut)
		}
	}
}

func TestJUnitProperties(t *testing.T) {
	_, doc := junitOf(t, sampleReport())
	props := map[string]string{}
	for _, p := range doc.Suites[0].Props {
		props[p.Name] = p.Value
	}
	want := map[string]string{"target": "Example IdP", "issuer": "https://idp.example", "authorization_endpoint": "https://idp.example/authorize",
		"response_type": "token", "harness_version": "v0.9.0-test", "flags": "--strict=false --tags=@state,@security",
		"profile_digest": "sha256:0123abcd", "started": "2025-03-14T09:26:53Z", "strict": "false", "bcp": "false",
		"stopped": "interrupted after 8/9", "verdict": "FAIL (exit 1)", "stale_expectation.1": "STATE-99: no such scenario"}
	for k, v := range want {
		if props[k] != v {
			t.Errorf("property %s = %q, want %q", k, props[k], v)
		}
	}
}

// TestJUnitStopped: a run that judged nothing is one erroring testcase
// carrying the reason, never an empty (green) file.
func TestJUnitStopped(t *testing.T) {
	_, doc := junitOf(t, stoppedReport())
	if doc.Tests != 1 || doc.Errors != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 1 {
		t.Fatalf("stopped run: %+v", doc)
	}
	c := doc.Suites[0].Cases[0]
	if c.Name != "preflight" || c.Error == nil || c.Error.Type != "cannot-judge" ||
		c.Error.Message != "preflight: the login was rejected: the login form answered 401 <b>bad</b>" {
		t.Errorf("preflight testcase %+v error %+v", c, c.Error)
	}
	if !strings.Contains(c.SystemOut, "discovery") || !strings.Contains(c.SystemOut, "&lt;h1&gt;Not Found") {
		t.Errorf("the preparation evidence is missing or unescaped:\n%s", c.SystemOut)
	}
}

func TestJUnitStrictStaleIsAnError(t *testing.T) {
	rep := sampleReport()
	rep.Strict = true
	_, doc := junitOf(t, rep)
	last := doc.Suites[len(doc.Suites)-1]
	if last.Name != "expectations" || last.Errors != 1 || last.Cases[0].Error.Type != "stale-expectation" {
		t.Errorf("stale expectations under --strict: %+v", last)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
