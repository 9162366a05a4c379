package report

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/implicitspec/implicitspec/internal/suite"
)

// Cucumber JSON, as cucumber-jvm and cucumber-js write it and as
// cucumber-html-reporter, multiple-cucumber-html-reporter and Jenkins'
// cucumber-reports read it. Those tools judge a scenario from its steps'
// statuses: any "failed" step makes it failed; otherwise a "pending" or
// "undefined" one makes it pending or undefined; otherwise a "skipped" one
// makes it skipped; else it passed. The statuses are therefore chosen from
// the harness's verdict, not copied from godog, so that a tool is never
// red where the gate is green:
//
//   - Failed: the step that found the failure is "failed", with the
//     finding as its error_message; the steps it kept from running are
//     "skipped".
//   - Warning, BCP note, waiver: never "failed". The step that found the
//     deviation is "passed" and carries the finding in a "verdict"
//     embedding; the steps after it did not run and are "skipped", so a
//     tool shows the scenario as skipped (not passed: it was not all run).
//   - Skipped: the step that decided the skip is "skipped" with the reason
//     as its error_message (tools show error_message, not the embeddings,
//     in their summary).
//   - Cannot judge, not run: "pending", with the reason as error_message.
//     cucumber-js calls a run with pending steps unfinished, fails it only
//     under --strict, and the reporters show it apart from failures: the
//     same as exit code 2, "the harness could not judge", which says
//     nothing about the server.
//
// Every scenario's verdict and message are also in a "verdict" embedding
// on the deciding step, and its evidence (Evidence.Text, markup escaped)
// in an "evidence" embedding on its last step.

type cukeFeature struct {
	URI         string        `json:"uri"`
	ID          string        `json:"id"`
	Keyword     string        `json:"keyword"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Line        int           `json:"line"`
	Tags        []cukeTag     `json:"tags"`
	Elements    []cukeElement `json:"elements"`
}

type cukeElement struct {
	ID          string     `json:"id"`
	Keyword     string     `json:"keyword"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Line        int        `json:"line"`
	Type        string     `json:"type"`
	Tags        []cukeTag  `json:"tags"`
	Steps       []cukeStep `json:"steps"`
}

type cukeTag struct {
	Name string `json:"name"`
	Line int    `json:"line"`
}

type cukeStep struct {
	Keyword    string          `json:"keyword"`
	Name       string          `json:"name"`
	Line       int             `json:"line"`
	Result     cukeResult      `json:"result"`
	Embeddings []cukeEmbedding `json:"embeddings,omitempty"`
}

type cukeResult struct {
	Status       string `json:"status"`
	Duration     int64  `json:"duration"` // nanoseconds
	ErrorMessage string `json:"error_message,omitempty"`
}

type cukeEmbedding struct {
	MimeType string `json:"mime_type"`
	Data     string `json:"data"` // base64
	Name     string `json:"name,omitempty"`
}

// Cucumber step statuses.
const (
	cukePassed    = "passed"
	cukeFailed    = "failed"
	cukeSkipped   = "skipped"
	cukePending   = "pending"
	cukeUndefined = "undefined"
)

// Cucumber writes the report as Cucumber JSON: one feature per feature
// file, one scenario element per result. A run that judged nothing is one
// "preflight" feature whose pending step carries the reason.
func Cucumber(w io.Writer, rep *suite.Report) error {
	feats := []cukeFeature{}
	ids := map[string]int{}
	for _, g := range byFeature(rep) {
		f := cukeFeature{URI: g.URI, ID: uniqueID(ids, slug(g.Feature)), Keyword: "Feature", Name: g.Feature, Line: 1, Tags: []cukeTag{}}
		for _, ri := range g.Index {
			r := rep.Results[ri]
			f.Elements = append(f.Elements, cukeElementFor(r, uniqueID(ids, f.ID+";"+slug(r.Name))))
		}
		feats = append(feats, f)
	}
	if len(rep.Results) == 0 {
		feats = append(feats, cukePreflight(rep))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(feats)
}

func cukeElementFor(r suite.Result, id string) cukeElement {
	e := cukeElement{ID: id, Keyword: "Scenario", Name: r.Name, Description: r.Verdict.Label() + oneLineSuffix(r.Message),
		Type: "scenario", Tags: []cukeTag{}, Steps: cukeSteps(r)}
	for _, t := range r.Tags {
		e.Tags = append(e.Tags, cukeTag{Name: t})
	}
	return e
}

func oneLineSuffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + oneLine(msg)
}

// cukeSteps maps the steps as described above. The harness times the
// scenario, not its steps: the whole duration goes to the deciding step, so
// that a tool summing the steps shows the scenario's time.
func cukeSteps(r suite.Result) []cukeStep {
	src := r.Steps
	if len(src) == 0 {
		// Every verdict needs a step to carry it.
		src = []suite.Step{{Keyword: "Then ", Text: "the harness judges the scenario", Status: "not run"}}
	}
	d := decidingStep(r.Verdict, src)
	out := make([]cukeStep, len(src))
	for i, s := range src {
		out[i] = cukeStep{Keyword: s.Keyword, Name: s.Text, Result: cukeResult{Status: plainStatus(s.Status)}}
		if i > d {
			out[i].Result.Status = cukeSkipped // after the deciding step nothing ran
		}
	}
	ds := &out[d]
	ds.Result.Duration = r.Duration.Nanoseconds()
	ds.Result.Status = decidingStatus(r.Verdict, ds.Result.Status)
	if ds.Result.Status != cukePassed {
		ds.Result.ErrorMessage = inert(firstNonEmpty(r.Message, src[d].Error))
	}
	ds.Embeddings = append(ds.Embeddings, textEmbedding("verdict", verdictText(r)))
	if !r.Evidence.Empty() {
		last := &out[len(out)-1]
		last.Embeddings = append(last.Embeddings, textEmbedding("evidence", r.Evidence.Text()))
	}
	return out
}

// decidingStep is the step the verdict came from: the first that did not
// pass, or the last step when all passed.
func decidingStep(v suite.Verdict, steps []suite.Step) int {
	if v != suite.Passed {
		for i, s := range steps {
			if s.Status != "passed" {
				return i
			}
		}
	}
	return len(steps) - 1
}

// decidingStatus is the deciding step's status for the verdict; mapped is
// godog's status made a cucumber one, kept for a passed scenario.
func decidingStatus(v suite.Verdict, mapped string) string {
	switch v {
	case suite.Failed:
		return cukeFailed
	case suite.Warned, suite.Info, suite.Waived:
		return cukePassed
	case suite.Skipped:
		return cukeSkipped
	case suite.Errored, suite.NotRun:
		return cukePending
	}
	if v.Gates() { // a verdict added to the gate later is a failure here too
		return cukeFailed
	}
	return mapped
}

// plainStatus makes a godog status a cucumber one; a step failure is never
// copied, only the verdict makes a step "failed" (decidingStatus).
func plainStatus(s string) string {
	switch s {
	case "passed":
		return cukePassed
	case "pending":
		return cukePending
	case "undefined", "ambiguous":
		return cukeUndefined
	}
	return cukeSkipped // skipped, not run, failed before the verdict is applied
}

func textEmbedding(name, text string) cukeEmbedding {
	return cukeEmbedding{MimeType: "text/plain", Name: name, Data: base64.StdEncoding.EncodeToString([]byte(text))}
}

// cukePreflight stands for a run that judged nothing, so that a tool does
// not show an empty, green report.
func cukePreflight(rep *suite.Report) cukeFeature {
	reason := stopReason(rep)
	st := cukeStep{Keyword: "Given ", Name: "the target passes the preflight",
		Result: cukeResult{Status: cukePending, ErrorMessage: inert(reason)}}
	st.Embeddings = append(st.Embeddings, textEmbedding("verdict", "verdict: cannot judge\nreason: "+reason+"\n"))
	if !rep.Info.Preparation.Empty() {
		st.Embeddings = append(st.Embeddings, textEmbedding("evidence", rep.Info.Preparation.Text()))
	}
	return cukeFeature{URI: "preflight", ID: "preflight", Keyword: "Feature", Name: "Preflight", Line: 1, Tags: []cukeTag{},
		Description: fmt.Sprintf("The run stopped before any scenario (%s, exit %d): %s", rep.VerdictWord(), rep.ExitCode(), reason),
		Elements: []cukeElement{{ID: "preflight;preflight", Keyword: "Scenario", Name: "The target passes the preflight",
			Description: "CANNOT JUDGE: " + oneLine(reason), Type: "scenario", Tags: []cukeTag{}, Steps: []cukeStep{st}}}}
}

// slug makes a cucumber id part as cucumber does: lower case, spaces as
// dashes.
func slug(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), "-"))
	return strings.Map(func(r rune) rune {
		if r == ';' {
			return '-' // ';' separates the feature's id from the scenario's
		}
		return r
	}, s)
}

// uniqueID keeps ids unique (tools key scenarios by them) by numbering a
// repeat.
func uniqueID(seen map[string]int, id string) string {
	seen[id]++
	if n := seen[id]; n > 1 {
		return fmt.Sprintf("%s;%d", id, n)
	}
	return id
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
