package expect

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/implicitspec/implicitspec/internal/suite"
)

func report(res ...suite.Result) *suite.Report { return &suite.Report{Results: res} }

func res(name string, v suite.Verdict, msg string, ids ...string) suite.Result {
	if len(ids) == 0 {
		ids = []string{"X-01"}
	}
	return suite.Result{URI: "a.feature", Name: name, IDs: ids, Level: "must", Verdict: v, Message: msg}
}

// fakeCatalogue stands in for the features: the scenario names and
// requirement IDs the suite has.
func fakeCatalogue(t *testing.T, names, ids []string) {
	t.Helper()
	old := catalogue
	t.Cleanup(func() { catalogue = old })
	catalogue = func() (map[string]bool, map[string]bool, error) {
		n, i := map[string]bool{}, map[string]bool{}
		for _, s := range names {
			n[s] = true
		}
		for _, s := range ids {
			i[s] = true
		}
		return n, i, nil
	}
}

func mustParse(t *testing.T, text string) *File {
	t.Helper()
	f, err := parse([]byte(text))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestApply(t *testing.T) {
	fakeCatalogue(t, []string{"ok", "deviates", "other", "deselected", "flow"}, []string{"X-01", "STATE-03", "STATE-06"})
	now := day("2025-03-15T12:00:00Z")
	type want struct {
		verdict suite.Verdict
		was     suite.Verdict
		suffix  string // the message ends with it
	}
	cases := []struct {
		name    string
		file    string
		results []suite.Result
		now     time.Time
		strict  bool
		want    map[string]want
		stale   []string // substrings, one per stale line
		exit    int
	}{
		{
			name: "waived by name",
			file: `
scenarios:
  - name: deviates
    verdict: failed
    reason: the vendor fixes it in 4.2
    accepted_by: security team
    expires: 2025-06-30
`,
			results: []suite.Result{res("ok", suite.Passed, ""), res("deviates", suite.Failed, "saw the token in the query")},
			want: map[string]want{
				"ok":       {verdict: suite.Passed},
				"deviates": {suite.Waived, suite.Failed, "saw the token in the query (waived: the vendor fixes it in 4.2, accepted by security team until 2025-06-30)"},
			},
			exit: suite.ExitPass,
		},
		{
			name: "waived by requirement",
			file: `
scenarios:
  - requirement: STATE-03
    verdict: failed
    reason: state is checked by the gateway
`,
			results: []suite.Result{
				res("deviates", suite.Failed, "m1", "STATE-03"),
				res("other", suite.Failed, "m2", "STATE-06", "STATE-03"),
				res("ok", suite.Passed, "", "STATE-03"),
			},
			want: map[string]want{
				"deviates": {suite.Waived, suite.Failed, "m1 (waived: state is checked by the gateway)"},
				"other":    {suite.Waived, suite.Failed, "m2 (waived: state is checked by the gateway)"},
				"ok":       {verdict: suite.Passed},
			},
			exit: suite.ExitPass,
		},
		{
			name: "a warning waived by requirement, an error by name",
			file: `
scenarios:
  - requirement: STATE-06
    verdict: warning
    reason: short states are accepted here
  - name: other
    verdict: error
    reason: the login page needs a hardware key
`,
			results: []suite.Result{res("deviates", suite.Warned, "m", "STATE-06"), res("other", suite.Errored, "cannot judge: x")},
			want: map[string]want{
				"deviates": {suite.Waived, suite.Warned, "(waived: short states are accepted here)"},
				"other":    {suite.Waived, suite.Errored, "(waived: the login page needs a hardware key)"},
			},
			exit: suite.ExitPass,
		},
		{
			name: "expired: the day after expiry",
			file: `
scenarios:
  - name: deviates
    verdict: failed
    reason: r
    accepted_by: A
    expires: "2025-03-31"
`,
			results: []suite.Result{res("deviates", suite.Failed, "m")},
			now:     day("2025-04-01T00:00:00Z"),
			want:    map[string]want{"deviates": {suite.Failed, "", "m (waiver expired on 2025-03-31)"}},
			exit:    suite.ExitFail,
		},
		{
			name: "the expiry day itself is still waived",
			file: `
scenarios:
  - name: deviates
    verdict: failed
    reason: r
    accepted_by: A
    expires: 2025-03-31
`,
			results: []suite.Result{res("deviates", suite.Failed, "m")},
			now:     day("2025-03-31T23:59:59Z"),
			want:    map[string]want{"deviates": {suite.Waived, suite.Failed, "m (waived: r, accepted by A until 2025-03-31)"}},
			exit:    suite.ExitPass,
		},
		{
			name: "the expiry day is a UTC day",
			file: `
scenarios:
  - name: deviates
    verdict: failed
    reason: r
    expires: 2025-03-31
`,
			results: []suite.Result{res("deviates", suite.Failed, "m")},
			now:     day("2025-04-01T01:00:00+02:00"), // 23:00 UTC on the 31st
			want:    map[string]want{"deviates": {suite.Waived, suite.Failed, "m (waived: r until 2025-03-31)"}},
			exit:    suite.ExitPass,
		},
		{
			name: "a TODO reason does not waive",
			file: `
scenarios:
  - name: deviates
    verdict: failed
    reason: TODO
  - name: other
    verdict: warning
`,
			results: []suite.Result{res("deviates", suite.Failed, "m"), res("other", suite.Warned, "w")},
			want: map[string]want{
				"deviates": {suite.Failed, "", "m (not waived: its expected entry has no reason yet)"},
				"other":    {suite.Warned, "", "w (not waived: its expected entry has no reason yet)"},
			},
			exit: suite.ExitFail,
		},
		{
			name: "stale: the deviation is gone",
			file: `
scenarios:
  - name: deviates
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("deviates", suite.Passed, "", "STATE-03")},
			want:    map[string]want{"deviates": {verdict: suite.Passed}},
			stale:   []string{`STATE-03 "deviates": expected failed, got passed — remove the entry (line 3)`},
			exit:    suite.ExitPass,
		},
		{
			name:   "stale under strict exits 2",
			strict: true,
			file: `
scenarios:
  - name: deviates
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("deviates", suite.Passed, "")},
			want:    map[string]want{"deviates": {verdict: suite.Passed}},
			stale:   []string{`X-01 "deviates": expected failed, got passed — remove the entry`},
			exit:    suite.ExitCannot,
		},
		{
			name: "stale: the deviation changed",
			file: `
scenarios:
  - name: deviates
    verdict: warning
    reason: r
`,
			results: []suite.Result{res("deviates", suite.Failed, "m")},
			want:    map[string]want{"deviates": {suite.Failed, "", "m"}},
			stale:   []string{`X-01 "deviates": expected warning, got failed — update the entry`},
			exit:    suite.ExitFail,
		},
		{
			name: "stale: unknown scenario name",
			file: `
scenarios:
  - name: renamed long ago
    ids: [STATE-03]
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("ok", suite.Passed, "")},
			want:    map[string]want{"ok": {verdict: suite.Passed}},
			stale:   []string{`STATE-03 "renamed long ago": no scenario of this name in the features (renamed or removed?) — remove the entry (line 3)`},
			exit:    suite.ExitPass,
		},
		{
			name: "a scenario the run did not select (--tags) is ignored",
			file: `
scenarios:
  - name: deselected
    verdict: failed
    reason: r
  - requirement: STATE-06
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("ok", suite.Passed, "")},
			want:    map[string]want{"ok": {verdict: suite.Passed}},
			exit:    suite.ExitPass,
		},
		{
			name: "stale: requirement with no deviation",
			file: `
scenarios:
  - requirement: STATE-03
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("deviates", suite.Passed, "", "STATE-03"), res("other", suite.Passed, "", "STATE-03"), res("ok", suite.Warned, "w", "STATE-03")},
			want:    map[string]want{"deviates": {verdict: suite.Passed}, "ok": {suite.Warned, "", "w"}},
			stale:   []string{`STATE-03: expected failed, got passed ×2, warning — update the entry`},
			exit:    suite.ExitPass,
		},
		{
			name: "stale: requirement no scenario checks",
			file: `
scenarios:
  - requirement: STATE-99
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("ok", suite.Passed, "")},
			stale:   []string{`STATE-99: no scenario checks this requirement — remove the entry (line 3)`},
			exit:    suite.ExitPass,
		},
		{
			name: "passed and skipped entries waive nothing and are not stale while they hold",
			file: `
scenarios:
  - name: ok
    verdict: passed
  - name: other
    verdict: skipped
    reason: no second client
`,
			results: []suite.Result{res("ok", suite.Passed, ""), res("other", suite.Skipped, "no client")},
			want:    map[string]want{"ok": {verdict: suite.Passed}, "other": {suite.Skipped, "", "no client"}},
			exit:    suite.ExitPass,
		},
		{
			name: "a passed entry whose scenario now fails is stale",
			file: `
scenarios:
  - name: ok
    verdict: passed
`,
			results: []suite.Result{res("ok", suite.Failed, "m")},
			want:    map[string]want{"ok": {suite.Failed, "", "m"}},
			stale:   []string{`X-01 "ok": expected passed, got failed — update the entry`},
			exit:    suite.ExitFail,
		},
		{
			name: "a scenario's own entry takes precedence over its requirement's",
			file: `
scenarios:
  - name: deviates
    verdict: passed
  - requirement: STATE-03
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("deviates", suite.Failed, "m", "STATE-03")},
			want:    map[string]want{"deviates": {suite.Failed, "", "m"}},
			stale: []string{
				`STATE-03 "deviates": expected passed, got failed`,
				`STATE-03: every scenario of the requirement in this run has an entry of its own — remove the entry`,
			},
			exit: suite.ExitFail,
		},
		{
			name: "not run: neither waived nor stale",
			file: `
scenarios:
  - name: deviates
    verdict: failed
    reason: r
  - requirement: STATE-03
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("deviates", suite.NotRun, "not judged"), res("other", suite.NotRun, "not judged", "STATE-03")},
			want:    map[string]want{"deviates": {suite.NotRun, "", "not judged"}},
			exit:    suite.ExitCannot,
		},
		{
			name: "one entry covers each response type of --response-type all",
			file: `
scenarios:
  - name: flow
    verdict: failed
    reason: r
`,
			results: []suite.Result{res("flow [response_type=token]", suite.Failed, "m"), res("flow [response_type=id_token]", suite.Passed, "")},
			want: map[string]want{
				"flow [response_type=token]":    {suite.Waived, suite.Failed, "(waived: r)"},
				"flow [response_type=id_token]": {verdict: suite.Passed},
			},
			stale: []string{`X-01 "flow [response_type=id_token]": expected failed, got passed — remove the entry`},
			exit:  suite.ExitPass,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.file)
			rep := report(c.results...)
			rep.Strict = c.strict
			at := c.now
			if at.IsZero() {
				at = now
			}
			Apply(rep, f, at)
			for _, r := range rep.Results {
				w, ok := c.want[r.Name]
				if !ok {
					continue
				}
				if r.Verdict != w.verdict || r.Was != w.was {
					t.Errorf("%q: verdict %q (was %q), want %q (was %q)", r.Name, r.Verdict, r.Was, w.verdict, w.was)
				}
				if !strings.HasSuffix(r.Message, w.suffix) {
					t.Errorf("%q: message %q, want it to end with %q", r.Name, r.Message, w.suffix)
				}
				if (r.Verdict == suite.Waived) != (r.Waiver != nil) {
					t.Errorf("%q: verdict %s with waiver %+v", r.Name, r.Verdict, r.Waiver)
				}
			}
			if len(rep.Stale) != len(c.stale) {
				t.Fatalf("stale = %q, want %d like %q", rep.Stale, len(c.stale), c.stale)
			}
			for i, w := range c.stale {
				if !strings.Contains(rep.Stale[i], w) {
					t.Errorf("stale[%d] = %q, want it to contain %q", i, rep.Stale[i], w)
				}
			}
			if got := rep.ExitCode(); got != c.exit {
				t.Errorf("exit code %d, want %d", got, c.exit)
			}
		})
	}
}

func TestApplyWaiver(t *testing.T) {
	fakeCatalogue(t, []string{"deviates"}, nil)
	f := mustParse(t, `
scenarios:
  - name: deviates
    verdict: failed
    reason: ' the vendor fixes it in 4.2 '
    accepted_by: security team
    expires: 2025-06-30
`)
	rep := report(res("deviates", suite.Failed, "m"))
	Apply(rep, f, day("2025-01-01T00:00:00Z"))
	want := &suite.Waiver{Reason: "the vendor fixes it in 4.2", AcceptedBy: "security team", Expires: "2025-06-30"}
	if got := rep.Results[0].Waiver; !reflect.DeepEqual(got, want) {
		t.Errorf("waiver %+v, want %+v", got, want)
	}
	// Applying again changes nothing.
	before := rep.Results[0]
	Apply(rep, f, day("2025-01-01T00:00:00Z"))
	if !reflect.DeepEqual(rep.Results[0], before) || len(rep.Stale) != 0 {
		t.Errorf("second Apply: %+v, stale %q", rep.Results[0], rep.Stale)
	}
}

// The features themselves tell a deselected scenario from a removed one.
func TestApplyWithTheFeatures(t *testing.T) {
	scs, err := suite.Scenarios("")
	if err != nil || len(scs) == 0 {
		t.Fatalf("Scenarios: %v (%d)", err, len(scs))
	}
	real := scs[0]
	f := &File{Scenarios: []Entry{
		{Name: real.Name, Verdict: suite.Failed, Reason: "r"},
		{Name: "no feature has this scenario", Verdict: suite.Failed, Reason: "r"},
		{Requirement: real.IDs[0], Verdict: suite.Failed, Reason: "r"},
		{Requirement: "NOPE-01", Verdict: suite.Failed, Reason: "r"},
	}}
	rep := report(res("something else", suite.Passed, "", "Y-01"))
	Apply(rep, f, time.Now())
	want := []string{`"no feature has this scenario": no scenario of this name`, `NOPE-01: no scenario checks this requirement`}
	if len(rep.Stale) != len(want) {
		t.Fatalf("stale = %q, want %q", rep.Stale, want)
	}
	for i, w := range want {
		if !strings.Contains(rep.Stale[i], w) {
			t.Errorf("stale[%d] = %q, want %q", i, rep.Stale[i], w)
		}
	}
}

func TestRead(t *testing.T) {
	cases := []struct {
		name string
		text string
		err  string // "" = no error; else substrings, "|"-separated
	}{
		{"full", `
server: s
notes: n
scenarios:
  - name: a
    feature: f.feature
    ids: [X-01]
    level: must
    response_type: token
    verdict: failed
    message: m
    reason: r
    accepted_by: me
    expires: 2025-12-31
  - requirement: STATE-03
    verdict: warning
    reason: r
`, ""},
		{"empty file", ``, ""},
		{"bad expiry date", `
scenarios:
  - name: a
    verdict: failed
    reason: r
    expires: 2025-02-30
`, `line 6: expires "2025-02-30" is not a date YYYY-MM-DD`},
		{"expiry not YYYY-MM-DD", `
scenarios:
  - name: a
    verdict: failed
    reason: r
    expires: 31/12/2025
`, `line 6: expires "31/12/2025" is not a date`},
		{"unknown key", `
scenarios:
  - name: a
    verdict: failed
    reasn: r
`, `line 5: field reasn not found`},
		{"the old judgement key", `
scenarios:
  - name: a
    verdict: failed
    judgement: r
`, `line 5: field judgement not found|now called reason`},
		{"unknown top-level key", `
server: s
scenario: []
`, `line 3: field scenario not found`},
		{"both name and requirement", `
scenarios:
  - name: a
    requirement: STATE-03
    verdict: failed
`, `line 4: an entry names a scenario (name) or a requirement (requirement), not both`},
		{"neither name nor requirement", `
scenarios:
  - verdict: failed
    reason: r
`, `line 3: an entry needs a name`},
		{"unknown verdict", `
scenarios:
  - name: a
    verdict: fail
`, `line 4: unknown verdict "fail"`},
		{"waived is not a verdict to expect", `
scenarios:
  - name: a
    verdict: waived
`, `line 4: verdict "waived" is not an outcome to expect`},
		{"no verdict", `
scenarios:
  - name: a
`, `line 3: no verdict`},
		{"bad requirement", `
scenarios:
  - requirement: "@STATE-03"
    verdict: failed
`, `line 3: requirement "@STATE-03" is not a requirement ID`},
		{"requirement for a pass", `
scenarios:
  - requirement: STATE-03
    verdict: passed
`, `line 4: a requirement entry is for a deviation`},
		{"scenario listed twice", `
scenarios:
  - name: a
    verdict: passed
  - name: a
    verdict: failed
`, `line 5: scenario "a" is already listed at line 3`},
		{"every problem, each with its line", `
scenarios:
  - name: a
    verdict: failed
    expires: soon
  - name: b
    verdict: nope
`, `line 5: expires "soon"|line 7: unknown verdict "nope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "expected.yaml")
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Read(path)
			if c.err == "" {
				if err != nil || f == nil {
					t.Fatalf("Read: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Read: no error, want %q", c.err)
			}
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("error %q does not name the file", err)
			}
			for _, w := range strings.Split(c.err, "|") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q, want it to contain %q", err, w)
				}
			}
		})
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want fs.ErrNotExist", err)
	}
}

func TestReadLines(t *testing.T) {
	f := mustParse(t, "scenarios:\n  - name: a\n    verdict: passed\n  - requirement: STATE-03\n    verdict: failed\n")
	if f.Scenarios[0].Line() != 2 || f.Scenarios[1].Line() != 4 {
		t.Errorf("lines %d, %d, want 2, 4", f.Scenarios[0].Line(), f.Scenarios[1].Line())
	}
}

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "expected.yaml")
	f := &File{Server: "s", Notes: "line one\nline two", Scenarios: []Entry{
		{Name: "a: b", Feature: "f", IDs: []string{"X-01", "Y-02"}, Level: "should", Verdict: suite.Warned, Message: "m", Reason: "j", AcceptedBy: "me", Expires: "2025-12-31"},
		{Requirement: "STATE-03", Verdict: suite.Failed, Reason: "r"},
	}}
	if err := Write(path, f); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# Expected outcome") || !strings.Contains(string(data), "--record") {
		t.Errorf("no header:\n%s", data)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got.Scenarios {
		got.Scenarios[i].line = 0
	}
	if !reflect.DeepEqual(got, f) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, f)
	}
}

func TestRecord(t *testing.T) {
	fakeCatalogue(t, []string{"deselected", "kept", "now passes", "changed", "newly failing", "skipped", "skip judged", "by requirement", "interrupted", "waived"}, []string{"X-01", "STATE-03", "STATE-04"})
	prev := &File{Server: "s", Notes: "n", Scenarios: []Entry{
		{Name: "kept", Verdict: suite.Failed, Reason: "real deviation", AcceptedBy: "A", Expires: "2030-01-01"},
		{Name: "now passes", Verdict: suite.Warned, Reason: "was a deviation"},
		{Name: "changed", Verdict: suite.Failed, Reason: "said of a failure"},
		{Name: "skip judged", Verdict: suite.Skipped, Reason: "no such client, rightly"},
		{Name: "gone", Verdict: suite.Failed, Reason: "x"},
		{Name: "deselected", Verdict: suite.Failed, Reason: "kept while not selected"},
		{Name: "interrupted", Verdict: suite.Failed, Reason: "kept while not judged"},
		{Requirement: "STATE-03", Verdict: suite.Info, Reason: "bcp accepted", AcceptedBy: "B"},
		{Requirement: "STATE-04", Verdict: suite.Failed, Reason: "none of its scenarios ran"},
	}}
	rep := report(
		res("kept", suite.Failed, "at 127.0.0.1:1234"),
		res("now passes", suite.Passed, ""),
		res("changed", suite.Warned, "m"),
		res("newly failing", suite.Failed, "m"),
		res("skipped", suite.Skipped, "no code_only client"),
		res("skip judged", suite.Skipped, "no client"),
		res("by requirement", suite.Info, "m", "STATE-03"),
		res("interrupted", suite.NotRun, "not judged"),
	)
	got := Record(rep, prev)
	e := func(name string, v suite.Verdict, msg, reason string) Entry {
		return Entry{Name: name, Feature: "a.feature", IDs: []string{"X-01"}, Level: "must", Verdict: v, Message: msg, Reason: reason}
	}
	kept := e("kept", suite.Failed, "at 127.0.0.1:PORT", "real deviation")
	kept.AcceptedBy, kept.Expires = "A", "2030-01-01"
	byReq := e("by requirement", suite.Info, "m", "bcp accepted")
	byReq.IDs, byReq.AcceptedBy = []string{"STATE-03"}, "B"
	want := []Entry{
		{Requirement: "STATE-04", Verdict: suite.Failed, Reason: "none of its scenarios ran"}, // deselected: kept
		{Name: "deselected", Verdict: suite.Failed, Reason: "kept while not selected"},
		{Name: "interrupted", Verdict: suite.Failed, Reason: "kept while not judged"},
		byReq,                                 // the requirement's reason, per scenario
		e("changed", suite.Warned, "m", TODO), // another verdict: a person judges again
		kept,                                  // same verdict: reason kept
		e("newly failing", suite.Failed, "m", TODO), // new failure: TODO
		e("now passes", suite.Passed, "", ""),       // passes: nothing to say
		e("skip judged", suite.Skipped, "no client", "no such client, rightly"),
		e("skipped", suite.Skipped, "no code_only client", ""), // a skip needs no person
	}
	if got.Server != "s" || got.Notes != "n" {
		t.Errorf("server %q notes %q", got.Server, got.Notes)
	}
	if !reflect.DeepEqual(got.Scenarios, want) {
		t.Errorf("Record:\n got %+v\nwant %+v", got.Scenarios, want)
		for i := range max(len(got.Scenarios), len(want)) {
			var g, w Entry
			if i < len(got.Scenarios) {
				g = got.Scenarios[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("[%d]\n got %+v\nwant %+v", i, g, w)
			}
		}
	}
	// The record is a full record: Compare finds only the TODOs and the
	// scenario that was not run.
	probs := Compare(&File{Scenarios: got.Scenarios[1:]}, report(rep.Results[:7]...))
	wantProbs := []string{`"changed": recorded as warning without a reason`, `"newly failing": recorded as failed without a reason`, `"deselected": recorded but not run`, `"interrupted": recorded but not run`}
	if len(probs) != len(wantProbs) {
		t.Fatalf("Compare(recorded) = %q", probs)
	}
	for i, w := range wantProbs {
		if !strings.Contains(probs[i], w) {
			t.Errorf("Compare[%d] = %q, want %q", i, probs[i], w)
		}
	}
}

func TestRecordAfterApply(t *testing.T) {
	fakeCatalogue(t, []string{"waived", "expired", "todo"}, nil)
	f := mustParse(t, `
server: s
scenarios:
  - name: waived
    verdict: failed
    reason: r
    accepted_by: A
  - name: expired
    verdict: failed
    reason: r2
    expires: 2020-01-01
  - name: todo
    verdict: warning
    reason: TODO
`)
	rep := report(res("waived", suite.Failed, "seen at 127.0.0.1:80"), res("expired", suite.Failed, "m2"), res("todo", suite.Warned, "m3"))
	Apply(rep, f, time.Now())
	if rep.Results[0].Verdict != suite.Waived {
		t.Fatalf("not waived: %+v", rep.Results[0])
	}
	got := Record(rep, f)
	want := []Entry{
		{Name: "expired", Feature: "a.feature", IDs: []string{"X-01"}, Level: "must", Verdict: suite.Failed, Message: "m2", Reason: "r2", Expires: "2020-01-01"},
		{Name: "todo", Feature: "a.feature", IDs: []string{"X-01"}, Level: "must", Verdict: suite.Warned, Message: "m3", Reason: TODO},
		{Name: "waived", Feature: "a.feature", IDs: []string{"X-01"}, Level: "must", Verdict: suite.Failed, Message: "seen at 127.0.0.1:PORT", Reason: "r", AcceptedBy: "A"},
	}
	if !reflect.DeepEqual(got.Scenarios, want) {
		t.Errorf("Record after Apply:\n got %+v\nwant %+v", got.Scenarios, want)
	}
	if r := Record(report(res("waived", suite.Passed, "")), nil); r.Server != "" || len(r.Scenarios) != 1 {
		t.Errorf("Record(nil prev) = %+v", r)
	}
}

func TestCompare(t *testing.T) {
	rec := &File{Server: "s", Scenarios: []Entry{
		{Name: "ok", Verdict: suite.Passed},
		{Name: "deviates", Verdict: suite.Failed, Reason: "§4.2.2.1 says fragment; the server used the query"},
	}}
	cases := []struct {
		name string
		rec  *File
		rep  *suite.Report
		want []string // substrings, one per expected problem
	}{
		{"same", rec, report(res("ok", suite.Passed, ""), res("deviates", suite.Failed, "m")), nil},
		{"new false failure", rec, report(res("ok", suite.Failed, "at 127.0.0.1:4567"), res("deviates", suite.Failed, "m")),
			[]string{`"ok": verdict failed, recorded passed: at 127.0.0.1:PORT`}},
		{"lost detection", rec, report(res("ok", suite.Passed, ""), res("deviates", suite.Passed, "")),
			[]string{`"deviates": verdict passed, recorded failed`}},
		{"scenario missing from the record", rec, report(res("ok", suite.Passed, ""), res("deviates", suite.Failed, "m"), res("new", suite.Passed, "")),
			[]string{`"new": not in the record`}},
		{"recorded scenario not run", rec, report(res("ok", suite.Passed, "")),
			[]string{`"deviates": recorded but not run`}},
		{"failure without reason", &File{Scenarios: []Entry{{Name: "w", Verdict: suite.Warned}}}, report(res("w", suite.Warned, "m")),
			[]string{`"w": recorded as warning without a reason`}},
		{"TODO reason", &File{Scenarios: []Entry{{Name: "i", Verdict: suite.Info, Reason: "TODO"}}}, report(res("i", suite.Info, "m")),
			[]string{`"i": recorded as info without a reason`}},
		{"skip needs no reason", &File{Scenarios: []Entry{{Name: "s", Verdict: suite.Skipped}}}, report(res("s", suite.Skipped, "no code_only")), nil},
		{"recorded twice", &File{Scenarios: []Entry{{Name: "ok", Verdict: suite.Passed}, {Name: "ok", Verdict: suite.Passed}}}, report(res("ok", suite.Passed, "")),
			[]string{`"ok": recorded twice`}},
		{"requirement entry", &File{Scenarios: []Entry{{Name: "ok", Verdict: suite.Passed}, {Requirement: "STATE-03", Verdict: suite.Failed, Reason: "r"}}}, report(res("ok", suite.Passed, "")),
			[]string{`requirement STATE-03: a full record lists scenarios by name`}},
		{"a waived result is compared by its verdict", rec, report(res("ok", suite.Passed, ""), suite.Result{Name: "deviates", Verdict: suite.Waived, Was: suite.Failed}), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Compare(c.rec, c.rep)
			if len(got) != len(c.want) {
				t.Fatalf("got %d problems %q, want %d", len(got), got, len(c.want))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	got := Normalize("sent to http://127.0.0.1:4567/cb#state=XRn2d16e5cwMFtYdDEQV4aUgzEZ932iR&iss=http%3A%2F%2F127.0.0.1%3A48689  by\nredirect, state=Xy7-plain.state_value%7E0123456789")
	want := "sent to http://127.0.0.1:PORT/cb#state=RANDOM&iss=http%3A%2F%2F127.0.0.1%3APORT by redirect, state=Xy7-plain.state_value%7E0123456789"
	if got != want {
		t.Errorf("Normalize = %q, want %q", got, want)
	}
}
