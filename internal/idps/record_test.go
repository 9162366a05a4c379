package idps

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/suite"
)

func report(res ...suite.Result) *suite.Report { return &suite.Report{Results: res} }

func res(name string, v suite.Verdict, msg string) suite.Result {
	return suite.Result{URI: "a.feature", Name: name, IDs: []string{"X-01"}, Level: "must", Verdict: v, Message: msg}
}

func TestCompare(t *testing.T) {
	rec := &Record{Server: "s", Scenarios: []Entry{
		{Name: "ok", Verdict: suite.Passed},
		{Name: "deviates", Verdict: suite.Failed, Judgement: "§4.2.2.1 says fragment; the server used the query"},
	}}
	cases := []struct {
		name string
		rec  *Record
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
		{"failure without judgement", &Record{Scenarios: []Entry{{Name: "w", Verdict: suite.Warned}}}, report(res("w", suite.Warned, "m")),
			[]string{`"w": recorded as warning without a judgement`}},
		{"TODO judgement", &Record{Scenarios: []Entry{{Name: "i", Verdict: suite.Info, Judgement: "TODO"}}}, report(res("i", suite.Info, "m")),
			[]string{`"i": recorded as info without a judgement`}},
		{"skip needs no judgement", &Record{Scenarios: []Entry{{Name: "s", Verdict: suite.Skipped}}}, report(res("s", suite.Skipped, "no code_only")), nil},
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

func TestUpdateKeepsJudgements(t *testing.T) {
	rec := &Record{Server: "s", Notes: "n", Scenarios: []Entry{
		{Name: "kept", Verdict: suite.Failed, Judgement: "real deviation"},
		{Name: "now passes", Verdict: suite.Warned, Judgement: "was a deviation"},
		{Name: "gone", Verdict: suite.Failed, Judgement: "x"},
	}}
	rep := report(
		res("kept", suite.Warned, "at 127.0.0.1:1234"),
		res("now passes", suite.Passed, ""),
		res("newly failing", suite.Failed, "m"),
		res("skipped", suite.Skipped, "no code_only client"),
	)
	got := Update(rec, rep)
	want := map[string]Entry{
		"kept":          {Name: "kept", Feature: "a.feature", IDs: []string{"X-01"}, Level: "must", Verdict: suite.Warned, Message: "at 127.0.0.1:PORT", Judgement: "real deviation"},
		"now passes":    {Name: "now passes", Feature: "a.feature", IDs: []string{"X-01"}, Level: "must", Verdict: suite.Passed},
		"newly failing": {Name: "newly failing", Feature: "a.feature", IDs: []string{"X-01"}, Level: "must", Verdict: suite.Failed, Message: "m", Judgement: TODO},
		"skipped":       {Name: "skipped", Feature: "a.feature", IDs: []string{"X-01"}, Level: "must", Verdict: suite.Skipped, Message: "no code_only client"},
	}
	if got.Server != "s" || got.Notes != "n" || len(got.Scenarios) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for _, e := range got.Scenarios {
		if !reflect.DeepEqual(e, want[e.Name]) {
			t.Errorf("%q:\n got %+v\nwant %+v", e.Name, e, want[e.Name])
		}
	}
	// The updated record fails only for the new failure's TODO.
	if p := Compare(got, rep); len(p) != 1 || !strings.Contains(p[0], `"newly failing": recorded as failed without a judgement`) {
		t.Errorf("Compare(updated) = %q", p)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "expected.yaml")
	rec := &Record{Server: "s", Scenarios: []Entry{{Name: "a: b", Feature: "f", IDs: []string{"X-01", "Y-02"}, Level: "should", Verdict: suite.Warned, Message: "m", Judgement: "j"}}}
	if err := WriteRecord(path, rec); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rec) {
		t.Errorf("round trip: got %+v, want %+v", got, rec)
	}
}
