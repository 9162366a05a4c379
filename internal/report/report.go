// Package report writes a run's artefacts from the harness's own verdicts:
// junit.xml for CI, cucumber.json for cucumber report tools and report.html
// for auditors. Every writer shows the same verdicts the console and the
// exit code use, never godog's step results, so no artefact can contradict
// the gate. Secrets are masked by the suite before a report reaches here;
// what the server sent (URLs, headers, bodies, messages) is always written
// as text, never as live markup.
package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/implicitspec/implicitspec/internal/suite"
)

// The files Write creates in its directory.
const (
	JUnitFile    = "junit.xml"
	CucumberFile = "cucumber.json"
	HTMLFile     = "report.html"
)

// Write writes junit.xml, cucumber.json and report.html into dir (created
// when missing). It writes every file it can: one failing writer does not
// cost the others, and the error names each that failed.
func Write(dir string, rep *suite.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report directory: %w", err)
	}
	writers := []struct {
		name  string
		write func(io.Writer, *suite.Report) error
	}{{JUnitFile, JUnit}, {CucumberFile, Cucumber}, {HTMLFile, HTML}}
	var errs []error
	for _, w := range writers {
		if err := WriteFile(filepath.Join(dir, w.name), rep, w.write); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", w.name, err))
		}
	}
	return errors.Join(errs...)
}

// WriteFile writes to a temporary file renamed into place, so that a
// reader (a CI step, a browser) never sees half a report.
func WriteFile(name string, rep *suite.Report, write func(io.Writer, *suite.Report) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := write(f, rep); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// caseName is how a scenario is named in CI: "[STATE-03 must] A state …".
func caseName(r suite.Result) string { return r.Label() + " " + r.Name }

// area is the feature file without its extension ("07_state"): short,
// stable and sorted as the features are.
func area(r suite.Result) string {
	base := path.Base(filepath.ToSlash(r.URI))
	if base == "." || base == "/" || base == "" {
		return "unknown"
	}
	return strings.TrimSuffix(base, path.Ext(base))
}

// featureGroup is the results of one feature file, in the report's order.
type featureGroup struct {
	Area    string
	URI     string
	Feature string
	Index   []int // indexes into rep.Results
}

// byFeature groups the results by feature file, in the order each file is
// first met, keeping the report's order inside each group.
func byFeature(rep *suite.Report) []featureGroup {
	var out []featureGroup
	at := map[string]int{}
	for i, r := range rep.Results {
		a := area(r)
		g, ok := at[a]
		if !ok {
			g = len(out)
			at[a] = g
			name := r.Feature
			if name == "" {
				name = a
			}
			out = append(out, featureGroup{Area: a, URI: r.URI, Feature: name})
		}
		out[g].Index = append(out[g].Index, i)
	}
	return out
}

// property is one fact about the run, for JUnit's properties and the HTML
// header alike.
type property struct{ Name, Value string }

// runProperties lists what identifies the run: which target, how judged.
func runProperties(rep *suite.Report) []property {
	in := rep.Info
	props := []property{
		{"target", in.Target},
		{"issuer", in.Issuer},
		{"authorization_endpoint", in.Endpoint},
		{"response_type", in.ResponseType},
		{"offered_response_types", strings.Join(in.Offered, ", ")},
		{"harness_version", in.Version},
		{"flags", strings.Join(in.Flags, " ")},
		{"profile_digest", in.ProfileDigest},
		{"started", timestamp(in.Started)},
		{"finished", timestamp(in.Finished)},
		{"strict", fmt.Sprint(rep.Strict)},
		{"bcp", fmt.Sprint(rep.BCP)},
		{"verdict", fmt.Sprintf("%s (exit %d)", rep.VerdictWord(), rep.ExitCode())},
	}
	if in.Stopped != "" {
		props = append(props, property{"stopped", in.Stopped})
	}
	for i, w := range in.Warnings {
		props = append(props, property{fmt.Sprintf("warning.%d", i+1), w})
	}
	for i, s := range rep.Stale {
		props = append(props, property{fmt.Sprintf("stale_expectation.%d", i+1), s})
	}
	return props
}

// timestamp is RFC 3339 with seconds, or "" for a time never set.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// stopReason is why no scenario was judged: the preflight's reason, or a
// plain statement when the report does not say.
func stopReason(rep *suite.Report) string {
	if rep.Info.Stopped != "" {
		return rep.Info.Stopped
	}
	return "no scenario was judged"
}

// verdictText is a scenario's verdict and why, for the plain-text outputs
// (JUnit's system-out, the cucumber embedding): the verdict first, so that
// a reader of a warning sees at once that it is not a failure.
func verdictText(r suite.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict: %s", r.Verdict)
	if r.Was != "" {
		fmt.Fprintf(&b, " (was %s)", r.Was)
	}
	b.WriteByte('\n')
	if r.Message != "" {
		fmt.Fprintf(&b, "message: %s\n", inert(r.Message))
	}
	if r.Clause != "" {
		fmt.Fprintf(&b, "clause: %s\n", r.Clause)
	}
	if w := r.Waiver; w != nil {
		fmt.Fprintf(&b, "waiver: %s (accepted by %s%s)\n", w.Reason, w.AcceptedBy, expiry(w.Expires))
	}
	if r.ResponseType != "" {
		fmt.Fprintf(&b, "response_type: %s\n", r.ResponseType)
	}
	return b.String()
}

func expiry(date string) string {
	if date == "" {
		return ", no expiry"
	}
	return ", until " + date
}

// stepsText lists the steps as run: "Given an authorization request — passed".
func stepsText(r suite.Result) string {
	var b strings.Builder
	for _, s := range r.Steps {
		fmt.Fprintf(&b, "%s%s — %s\n", s.Keyword, s.Text, stepStatus(s))
		if s.Error != "" {
			fmt.Fprintf(&b, "    %s\n", s.Error)
		}
	}
	return b.String()
}

func stepStatus(s suite.Step) string {
	if s.Status == "" {
		return "not run"
	}
	return s.Status
}

// seconds is a duration as JUnit and Surefire write it: "1.250".
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// markup makes server markup quoted in a message inert text for the
// plain-text outputs: a viewer that renders them as HTML (some Cucumber
// reporters do) shows "&lt;img …&gt;" instead of loading the image.
var markup = strings.NewReplacer("<", "&lt;", ">", "&gt;")

func inert(s string) string { return markup.Replace(s) }
