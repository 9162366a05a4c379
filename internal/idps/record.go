// Package idps keeps the expected outcome of the suite against real
// authorization servers (testdata/idps/<name>/expected.yaml) and compares a
// run with it: a new false failure or a lost detection changes a verdict and
// breaks the build. Every failed, warned, informational or unjudgeable
// scenario carries a judgement written by a person who read the clause.
package idps

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/implicitspec/implicitspec/internal/suite"
)

// TODO marks a judgement nobody has written yet; a record holding it fails.
const TODO = "TODO"

// Entry is the expected outcome of one scenario.
type Entry struct {
	Name    string   `yaml:"name"`
	Feature string   `yaml:"feature"`
	IDs     []string `yaml:"ids,flow"`
	Level   string   `yaml:"level,omitempty"`
	// ResponseType is the response_type the scenario's request asked for
	// (the response type under test for the flow scenarios). For reading.
	ResponseType string        `yaml:"response_type,omitempty"`
	Verdict      suite.Verdict `yaml:"verdict"`
	// Message is what the harness said (clause, expected, seen), with
	// run-time ports replaced by PORT. For reading; not compared.
	Message string `yaml:"message,omitempty"`
	// Judgement says, in one line, why a failure or warning is a real
	// deviation (or why a skip or info is right). Required unless passed.
	Judgement string `yaml:"judgement,omitempty"`
}

// Record is one server's expected outcome.
type Record struct {
	Server    string  `yaml:"server"`
	Notes     string  `yaml:"notes,omitempty"`
	Scenarios []Entry `yaml:"scenarios"`
}

// needsJudgement: verdicts a person must explain.
func needsJudgement(v suite.Verdict) bool {
	return v == suite.Failed || v == suite.Warned || v == suite.Info || v == suite.Errored
}

// ReadRecord reads an expected-outcome file.
func ReadRecord(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Record
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// WriteRecord writes the record with a header comment.
func WriteRecord(path string, r *Record) error {
	var buf bytes.Buffer
	buf.WriteString("# Expected outcome of the implicitspec suite against this server (plain run: @should\n" +
		"# failures are warnings, @bcp failures are info). Checked by internal/idps (IMPLICITSPEC_IDPS).\n" +
		"# Re-record with: go test ./internal/idps -run TestIdPs -update-idps (judgements are kept;\n" +
		"# new failures get \"judgement: TODO\", which fails the test until a person writes it).\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(r); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

var (
	loopbackPort = regexp.MustCompile(`(127\.0\.0\.1|localhost)(:|%3[Aa])\d+`)
	// authz.RandomState: 32 characters of base64url.
	randomState = regexp.MustCompile(`\bstate=[A-Za-z0-9_-]{32}\b`)
)

// Normalize makes a message stable across runs: servers listen on ports
// chosen at run time, and the harness's generated states are random.
func Normalize(msg string) string {
	msg = loopbackPort.ReplaceAllString(strings.Join(strings.Fields(msg), " "), "${1}${2}PORT")
	return randomState.ReplaceAllString(msg, "state=RANDOM")
}

// Compare lists every way the run differs from the record: a scenario
// missing from the record, a verdict that changed, a recorded scenario the
// run did not have, a verdict that needs a judgement without one.
func Compare(rec *Record, rep *suite.Report) []string {
	var probs []string
	byName := map[string]Entry{}
	for _, e := range rec.Scenarios {
		if _, dup := byName[e.Name]; dup {
			probs = append(probs, fmt.Sprintf("%q: recorded twice", e.Name))
		}
		byName[e.Name] = e
		if needsJudgement(e.Verdict) && (strings.TrimSpace(e.Judgement) == "" || strings.HasPrefix(strings.TrimSpace(e.Judgement), TODO)) {
			probs = append(probs, fmt.Sprintf("%q: recorded as %s without a judgement (write why it is a real deviation, from the clause)", e.Name, e.Verdict))
		}
	}
	seen := map[string]bool{}
	for _, r := range rep.Results {
		seen[r.Name] = true
		e, ok := byName[r.Name]
		switch {
		case !ok:
			probs = append(probs, fmt.Sprintf("%q: not in the record (verdict %s: %s); re-record with -update-idps and judge it", r.Name, r.Verdict, Normalize(r.Message)))
		case e.Verdict != r.Verdict:
			probs = append(probs, fmt.Sprintf("%q: verdict %s, recorded %s: %s", r.Name, r.Verdict, e.Verdict, Normalize(r.Message)))
		}
	}
	for _, e := range rec.Scenarios {
		if !seen[e.Name] {
			probs = append(probs, fmt.Sprintf("%q: recorded but not run (renamed or removed? re-record with -update-idps)", e.Name))
		}
	}
	return probs
}

// Update makes the record match the run: verdicts and messages from the run,
// judgements kept where the scenario was already recorded with a verdict that
// needed one, TODO for a new failure, warning, info or error.
func Update(rec *Record, rep *suite.Report) *Record {
	old := map[string]Entry{}
	for _, e := range rec.Scenarios {
		old[e.Name] = e
	}
	out := &Record{Server: rec.Server, Notes: rec.Notes}
	for _, r := range rep.Results {
		e := Entry{Name: r.Name, Feature: r.URI, IDs: r.IDs, Level: r.Level, ResponseType: r.ResponseType, Verdict: r.Verdict}
		if r.Verdict != suite.Passed {
			e.Message = Normalize(r.Message)
		}
		if prev, ok := old[r.Name]; ok && (needsJudgement(prev.Verdict) || prev.Verdict == suite.Skipped) && prev.Judgement != "" && (needsJudgement(r.Verdict) || r.Verdict == suite.Skipped) {
			e.Judgement = prev.Judgement
		}
		if needsJudgement(r.Verdict) && e.Judgement == "" {
			e.Judgement = TODO
		}
		out.Scenarios = append(out.Scenarios, e)
	}
	sort.SliceStable(out.Scenarios, func(i, j int) bool {
		a, b := out.Scenarios[i], out.Scenarios[j]
		if a.Feature != b.Feature {
			return a.Feature < b.Feature
		}
		return a.Name < b.Name
	})
	return out
}
