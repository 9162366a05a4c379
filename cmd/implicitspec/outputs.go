package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/implicitspec/implicitspec/internal/report"
	"github.com/implicitspec/implicitspec/internal/suite"
)

// formats the harness writes. console is its own line-per-scenario output;
// pretty and progress are godog's, for step-by-step reading; junit,
// cucumber and html are written from the harness's verdicts.
var formats = map[string]string{
	"console":  "one line per scenario, then the summary (default)",
	"pretty":   "godog's step-by-step output (without godog's own totals)",
	"progress": "godog's one character per step",
	"junit":    "JUnit XML for CI (Jenkins xUnit junit-10.xsd)",
	"cucumber": "Cucumber JSON, for Cucumber report tools",
	"html":     "one self-contained HTML report for auditors",
}

// output is one --format item: a format and where it goes ("" = stdout).
type output struct {
	format string
	path   string
}

// parseOutputs reads --format and --report-dir. It checks every file
// before the target is contacted: a typo in a path must not cost a run.
func parseOutputs(format, reportDir string) ([]output, error) {
	var outs []output
	stdout := ""
	for _, item := range strings.Split(format, ",") {
		name, path, _ := strings.Cut(strings.TrimSpace(item), ":")
		if _, ok := formats[name]; !ok {
			return nil, fmt.Errorf("unknown format %q (known: console, pretty, progress, junit, cucumber, html; each of the last three may be name:file)", name)
		}
		if path != "" && (name == "console" || name == "pretty" || name == "progress") {
			return nil, fmt.Errorf("format %q writes to the console only; for files use junit:, cucumber: or html:", name)
		}
		if path == "" {
			if stdout != "" {
				return nil, fmt.Errorf("formats %q and %q would both write to standard output; give one of them a file (name:file)", stdout, name)
			}
			stdout = name
		}
		outs = append(outs, output{name, path})
	}
	if reportDir != "" {
		if err := os.MkdirAll(reportDir, 0o755); err != nil {
			return nil, fmt.Errorf("--report-dir: %w", err)
		}
		for name, file := range map[string]string{"junit": report.JUnitFile, "cucumber": report.CucumberFile, "html": report.HTMLFile} {
			outs = append(outs, output{name, filepath.Join(reportDir, file)})
		}
	}
	for _, o := range outs {
		if o.path == "" {
			continue
		}
		f, err := os.Create(o.path)
		if err != nil {
			return nil, fmt.Errorf("--format %s: %w", o.format, err)
		}
		f.Close()
	}
	return outs, nil
}

// godogFormat is the godog formatter the run needs: godog writes only the
// step-by-step formats, never a file.
func godogFormat(outs []output) string {
	for _, o := range outs {
		switch o.format {
		case "pretty":
			return "gherkin"
		case "progress":
			return "progress"
		}
	}
	return "none"
}

func has(outs []output, format string) bool {
	for _, o := range outs {
		if o.format == format && o.path == "" {
			return true
		}
	}
	return false
}

// writeFiles writes the report formats, each from the same verdicts.
func writeFiles(outs []output, rep *suite.Report, stdout io.Writer) error {
	writers := map[string]func(io.Writer, *suite.Report) error{
		"junit": report.JUnit, "cucumber": report.Cucumber, "html": report.HTML,
	}
	for _, o := range outs {
		write, ok := writers[o.format]
		if !ok {
			continue
		}
		if o.path == "" {
			if err := write(stdout, rep); err != nil {
				return fmt.Errorf("%s: %w", o.format, err)
			}
			continue
		}
		if err := report.WriteFile(o.path, rep, write); err != nil {
			return fmt.Errorf("%s %s: %w", o.format, o.path, err)
		}
	}
	return nil
}
