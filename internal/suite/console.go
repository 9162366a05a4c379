package suite

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// Console writes the harness's own console output: one line per scenario as
// it is judged, then the summary. Colour is the caller's decision (only on a
// terminal, never with NO_COLOR).
type Console struct {
	Colour  bool
	Verbose bool // list each skipped scenario, not only the reasons
}

// glyphs mark each verdict on its line; colours are ANSI SGR codes.
var glyphs = map[Verdict]struct{ mark, colour string }{
	Passed:  {"✓", "32"},
	Failed:  {"✗", "31;1"},
	Warned:  {"!", "33"},
	Info:    {"i", "36"},
	Waived:  {"~", "35"},
	Skipped: {"-", "90"},
	Errored: {"?", "31"},
	NotRun:  {"·", "90"},
}

func (c Console) paint(v Verdict, s string) string {
	if !c.Colour {
		return s
	}
	return "\x1b[" + glyphs[v].colour + "m" + s + "\x1b[0m"
}

// Label is the scenario's requirement and level, as "[STATE-01 must]".
func (r Result) Label() string {
	ids := strings.Join(r.IDs, " ")
	if ids == "" {
		ids = "?"
	}
	return "[" + ids + " " + r.Level + "]"
}

// Line writes one scenario's line: "✓ [STATE-01 must] A plain state is echoed exactly".
func (c Console) Line(w io.Writer, r Result) {
	fmt.Fprintf(w, "%s %s %s\n", c.paint(r.Verdict, glyphs[r.Verdict].mark), r.Label(), r.Name)
}

var labels = map[Verdict]string{Failed: "FAILED", Warned: "WARNING", Info: "INFO (BCP)", Skipped: "SKIPPED",
	Errored: "CANNOT JUDGE", Waived: "WAIVED", NotRun: "NOT RUN", Passed: "PASSED"}

// Label is the word every output uses for the verdict ("CANNOT JUDGE").
func (v Verdict) Label() string {
	if l, ok := labels[v]; ok {
		return l
	}
	return strings.ToUpper(string(v))
}

// Summary writes what a reader needs after the run, most important last so
// that it stays on screen: the skips as a count with their reasons grouped,
// then information, waivers, warnings, what could not be judged, the
// failures with clause, expected and seen, and the totals (with the
// password logins the run made) and the exit code.
func (c Console) Summary(w io.Writer, r *Report) {
	c.skips(w, r)
	for _, v := range []Verdict{Info, Waived, Warned, NotRun, Errored, Failed} {
		if v == NotRun && !c.Verbose {
			continue // the stop line below says how many
		}
		for _, res := range r.Results {
			if res.Verdict != v {
				continue
			}
			rt := ""
			if res.ResponseType != "" {
				rt = fmt.Sprintf(", response_type=%q", res.ResponseType)
			}
			fmt.Fprintf(w, "%s %s %s\n", c.paint(v, fmt.Sprintf("%-12s", v.Label())), strings.TrimSuffix(res.Label(), "]")+rt+"]", res.Name)
			fmt.Fprintf(w, "             %s\n", oneLine(res.Message))
		}
	}
	for _, s := range r.Stale {
		fmt.Fprintf(w, "%s %s\n", c.paint(Warned, fmt.Sprintf("%-12s", "STALE")), s)
	}
	if r.Info.Stopped != "" {
		fmt.Fprintln(w, r.Info.Stopped)
	}
	fmt.Fprintf(w, "%d scenarios: %d passed, %d failed, %d warnings, %d BCP notes, %d waived, %d skipped, %d could not be judged, %d not run\n",
		len(r.Results), r.Count(Passed), r.Count(Failed), r.Count(Warned), r.Count(Info), r.Count(Waived), r.Count(Skipped), r.Count(Errored), r.Count(NotRun))
	fmt.Fprintf(w, "%d password logins\n", r.Info.PasswordLogins)
	fmt.Fprintf(w, "verdict: %s (exit %d)\n", r.VerdictWord(), r.ExitCode())
}

// VerdictWord names the run's verdict.
func (r *Report) VerdictWord() string {
	return map[int]string{ExitPass: "PASS", ExitFail: "FAIL", ExitCannot: "CANNOT JUDGE"}[r.ExitCode()]
}

// skips writes the skipped scenarios as one count and their reasons, each
// reason once with how many scenarios it skipped (all of them with -v).
func (c Console) skips(w io.Writer, r *Report) {
	n := r.Count(Skipped)
	if n == 0 {
		return
	}
	byReason := map[string][]Result{}
	for _, res := range r.Results {
		if res.Verdict == Skipped {
			reason := oneLine(res.Message)
			byReason[reason] = append(byReason[reason], res)
		}
	}
	reasons := make([]string, 0, len(byReason))
	for k := range byReason {
		reasons = append(reasons, k)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if len(byReason[reasons[i]]) != len(byReason[reasons[j]]) {
			return len(byReason[reasons[i]]) > len(byReason[reasons[j]])
		}
		return reasons[i] < reasons[j]
	})
	fmt.Fprintf(w, "%s %d scenarios, for %d reasons:\n", c.paint(Skipped, fmt.Sprintf("%-12s", Skipped.Label())), n, len(reasons))
	for _, reason := range reasons {
		fmt.Fprintf(w, "  %3d × %s\n", len(byReason[reason]), reason)
		if c.Verbose {
			for _, res := range byReason[reason] {
				fmt.Fprintf(w, "        %s %s\n", res.Label(), res.Name)
			}
		}
	}
	if !c.Verbose {
		fmt.Fprintln(w, "  (-v lists each skipped scenario)")
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func init() {
	// "none": godog's own output is not wanted (the harness writes its
	// console and files from its verdicts); "gherkin": godog's pretty
	// output without its totals and failed-steps block, which count
	// godog's step results, not the harness's verdicts, and would
	// contradict the summary below them.
	godog.Format("none", "no godog output", func(suite string, out io.Writer) formatters.Formatter {
		return silent{godog.NewBaseFmt(suite, out)}
	})
	godog.Format("gherkin", "godog's pretty output, without godog's totals", func(suite string, out io.Writer) formatters.Formatter {
		return prettyNoTotals{godog.NewPrettyFmt(suite, out)}
	})
}

type silent struct{ *godog.BaseFmt }

func (silent) Summary() {}

type prettyNoTotals struct{ *godog.PrettyFmt }

func (prettyNoTotals) Summary() {}

// Throttle writes one line for a 429 or 503 with Retry-After met by
// scenario: "⏸ [scenario] HTTP 429 at URL, Retry-After: 1: waiting 1s", or,
// for a request given up on, why it was (the scenario is then Errored).
func (c Console) Throttle(w io.Writer, scenario string, t agent.Throttle) {
	what := fmt.Sprintf("waiting %s, then once more", t.Wait)
	if t.GaveUp {
		what = "rate-limited, not sent again: " + t.Why
	}
	fmt.Fprintf(w, "%s [%s] HTTP %d at %s, Retry-After: %s: %s\n",
		c.paint(Errored, "⏸"), scenario, t.Status, t.URL, t.RetryAfter, what)
}
