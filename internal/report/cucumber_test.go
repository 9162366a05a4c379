package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/suite"
)

func cucumberOf(t *testing.T, rep *suite.Report) []cukeFeature {
	t.Helper()
	var buf bytes.Buffer
	if err := Cucumber(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var feats []cukeFeature
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&feats); err != nil {
		t.Fatalf("cucumber.json does not decode: %v", err)
	}
	return feats
}

// scenarioStatus is how cucumber report tools judge a scenario from its
// steps (cucumber-html-reporter, multiple-cucumber-html-reporter).
func scenarioStatus(e cukeElement) string {
	seen := map[string]bool{}
	for _, s := range e.Steps {
		seen[s.Result.Status] = true
	}
	for _, st := range []string{cukeFailed, cukePending, cukeUndefined, cukeSkipped} {
		if seen[st] {
			return st
		}
	}
	return cukePassed
}

func embedding(t *testing.T, s cukeStep, name string) string {
	t.Helper()
	for _, e := range s.Embeddings {
		if e.Name == name {
			if e.MimeType != "text/plain" {
				t.Errorf("embedding %s is %s", name, e.MimeType)
			}
			data, err := base64.StdEncoding.DecodeString(e.Data)
			if err != nil {
				t.Fatalf("embedding %s: %v", name, err)
			}
			return string(data)
		}
	}
	return ""
}

func TestCucumberRoundTrip(t *testing.T) {
	rep := sampleReport()
	feats := cucumberOf(t, rep)
	if len(feats) != 2 || feats[0].URI != "07_state.feature" || feats[0].Keyword != "Feature" || feats[0].Name != "The state value" {
		t.Fatalf("features %+v", feats)
	}
	if n := len(feats[0].Elements) + len(feats[1].Elements); n != len(rep.Results) {
		t.Fatalf("%d scenarios, want %d", n, len(rep.Results))
	}
	e := feats[0].Elements[1]
	if e.ID != "the-state-value;a-state-holding-spaces-is-echoed-exactly" || e.Keyword != "Scenario" || e.Type != "scenario" ||
		e.Name != "A state holding spaces is echoed exactly" || len(e.Steps) != 3 {
		t.Errorf("scenario %+v", e)
	}
	if e.Tags[0].Name != "@state" || e.Tags[1].Name != "@STATE-03" {
		t.Errorf("tags %+v", e.Tags)
	}
	st := e.Steps[0]
	if st.Keyword != "Given " || st.Name != "an authorization request from the implicit client" {
		t.Errorf("step %+v", st)
	}
	last := e.Steps[len(e.Steps)-1]
	if got, want := embedding(t, last, "evidence"), rep.Results[1].Evidence.Text(); got != want {
		t.Errorf("evidence embedding:\n%s\nwant\n%s", got, want)
	}
	if v := embedding(t, last, "verdict"); !strings.HasPrefix(v, "verdict: failed\nmessage: RFC 6749 §4.2.2: state") {
		t.Errorf("verdict embedding %q", v)
	}
	if last.Result.Duration != 1_250_000_000 {
		t.Errorf("duration %d ns", last.Result.Duration)
	}
}

// TestCucumberStatuses: a cucumber tool's verdict agrees with the
// harness's: red only for a gating failure, never for a warning.
func TestCucumberStatuses(t *testing.T) {
	tests := []struct {
		name     string
		steps    []string
		scenario string
		errMsg   string // the deciding step's error_message
	}{
		{"A plain state is echoed exactly", []string{"passed", "passed", "passed"}, cukePassed, ""},
		{"A state holding spaces is echoed exactly", []string{"passed", "passed", "failed"}, cukeFailed, `RFC 6749 §4.2.2: state: expected "a b", seen "a+b"`},
		{"A long state is echoed", []string{"passed", "passed", "passed"}, cukePassed, ""},
		{"No state is invented", []string{"passed", "passed", "skipped"}, cukeSkipped, ""},
		{"A repeated state is refused", []string{"passed", "passed", "passed"}, cukePassed, ""},
		{"The login page is not framable", []string{"passed", "skipped", "skipped"}, cukeSkipped, "the profile has no login page to frame"},
		{"The token redirect is not cached", []string{"passed", "pending", "skipped"}, cukePending, "cannot judge: the login was rejected"},
		{"No cross-origin access", []string{"pending", "skipped", "skipped"}, cukePending, "not judged: the run was interrupted"},
	}
	byName := map[string]cukeElement{}
	for _, f := range cucumberOf(t, sampleReport()) {
		for _, e := range f.Elements {
			byName[e.Name] = e
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := byName[tt.name]
			if !ok {
				t.Fatal("missing")
			}
			var got []string
			for _, s := range e.Steps {
				got = append(got, s.Result.Status)
				if s.Result.Status != cukePassed && s.Result.ErrorMessage != "" && s.Result.ErrorMessage != tt.errMsg {
					t.Errorf("error_message %q, want %q", s.Result.ErrorMessage, tt.errMsg)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.steps, ",") {
				t.Errorf("steps %v, want %v", got, tt.steps)
			}
			if s := scenarioStatus(e); s != tt.scenario {
				t.Errorf("a cucumber tool shows %s, want %s", s, tt.scenario)
			}
			if tt.errMsg != "" && !hasError(e, tt.errMsg) {
				t.Errorf("no step carries error_message %q", tt.errMsg)
			}
		})
	}
}

func hasError(e cukeElement, msg string) bool {
	for _, s := range e.Steps {
		if s.Result.ErrorMessage == msg {
			return true
		}
	}
	return false
}

// TestCucumberKeepsWarning: a warning's finding is not lost by passing its
// step: it is in the verdict embedding and the description.
func TestCucumberKeepsWarning(t *testing.T) {
	e := cucumberOf(t, sampleReport())[0].Elements[2]
	if v := embedding(t, e.Steps[2], "verdict"); !strings.Contains(v, "verdict: warning\nmessage: state cut to 100 characters") {
		t.Errorf("verdict embedding %q", v)
	}
	if e.Description != "WARNING: state cut to 100 characters" {
		t.Errorf("description %q", e.Description)
	}
}

func TestCucumberStopped(t *testing.T) {
	feats := cucumberOf(t, stoppedReport())
	if len(feats) != 1 || len(feats[0].Elements) != 1 {
		t.Fatalf("stopped run: %+v", feats)
	}
	st := feats[0].Elements[0].Steps[0]
	if st.Result.Status != cukePending || st.Result.ErrorMessage != inert(stoppedReport().Info.Stopped) || strings.Contains(st.Result.ErrorMessage, "<b>") {
		t.Errorf("preflight step %+v", st.Result)
	}
	if ev := embedding(t, st, "evidence"); !strings.Contains(ev, "&lt;h1&gt;Not Found") {
		t.Errorf("preparation evidence %q", ev)
	}
}

func TestCucumberUniqueIDs(t *testing.T) {
	rep := sampleReport()
	rep.Results[1].Name = rep.Results[0].Name
	seen := map[string]bool{}
	for _, f := range cucumberOf(t, rep) {
		for _, e := range f.Elements {
			if seen[e.ID] {
				t.Errorf("id %q repeats", e.ID)
			}
			seen[e.ID] = true
		}
	}
}
