package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/suite"
)

// The page, its style and its script are embedded and inlined: the report
// is one file that opens offline and loads nothing.
var (
	//go:embed report.html.tmpl
	pageSource string
	//go:embed report.css
	pageCSS string
	//go:embed report.js
	pageScript string

	pageTemplate = template.Must(template.New("report").Parse(pageSource))
)

// csp allows the page's own style and, by its hash, its own script, and
// nothing else: no network, no images, no other script. Were server markup
// ever to reach the page live, it still could not run or load anything.
func csp() string {
	sum := sha256.Sum256([]byte(pageScript))
	return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'none'; base-uri 'none'; form-action 'none'"
}

// htmlPage is what the template shows. Everything that came from the
// server is a plain string here, so html/template escapes it; only the
// embedded CSS and script, ours, are typed as trusted.
type htmlPage struct {
	CSP          string
	CSS          template.CSS
	Script       template.JS
	Target       string
	Version      string
	Overall      string
	OverallClass string
	Exit         int
	Stopped      string
	NoResults    bool
	Facts        []property
	Counts       []countRow
	Total        int
	Warnings     []string
	Stale        []string
	StaleGates   bool
	Preparation  evidence.Evidence
	Requirements []requirementRow
	Areas        []areaView
}

type verdictView struct{ Key, Label, Class string }

type countRow struct {
	verdictView
	N int
}

type requirementRow struct {
	check.Requirement
	Worst     verdictView
	Areas     string // space separated, for the area filter
	Scenarios []scenarioLink
}

type scenarioLink struct{ Anchor, Name, Verdict string }

type areaView struct {
	Area, URI, Feature string
	Scenarios          []scenarioView
}

type scenarioView struct {
	suite.Result
	Anchor, Area, Label string
	Verdict             verdictView // shadows Result.Verdict for the template
	Message             string      // on one line
	Clause              string      // "" when the message already cites it
	Seconds             string
	Steps               []stepView
	Requests            int
	Open                bool // a passed scenario's evidence starts collapsed
}

type stepView struct {
	suite.Step
	Status, Class string
}

// HTML writes the report as one self-contained page for auditors.
func HTML(w io.Writer, rep *suite.Report) error {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, newPage(rep)); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

func newPage(rep *suite.Report) htmlPage {
	in := rep.Info
	p := htmlPage{
		CSP: csp(), CSS: template.CSS(pageCSS), Script: template.JS(pageScript),
		Target: firstNonEmpty(in.Target, "(unnamed target)"), Version: in.Version,
		Overall: rep.VerdictWord(), Exit: rep.ExitCode(), Stopped: in.Stopped,
		NoResults: len(rep.Results) == 0, Total: len(rep.Results),
		Warnings: in.Warnings, Stale: rep.Stale, StaleGates: rep.Strict,
		Preparation: in.Preparation,
	}
	p.OverallClass = map[string]string{"PASS": "v-pass", "FAIL": "v-fail"}[p.Overall]
	if p.OverallClass == "" {
		p.OverallClass = "v-cannot"
	}
	if p.NoResults && p.Stopped == "" {
		p.Stopped = stopReason(rep)
	}
	p.Facts = headerFacts(rep)
	for _, v := range suite.Verdicts {
		p.Counts = append(p.Counts, countRow{viewOf(v), rep.Count(v)})
	}
	p.Areas = areaViews(rep)
	p.Requirements = requirementRows(rep)
	return p
}

// factLabels name the run's properties for people; properties shown
// elsewhere on the page (verdict, stop reason, warnings) are left out.
var factLabels = map[string]string{
	"target": "Target", "issuer": "Issuer", "authorization_endpoint": "Authorization endpoint",
	"response_type": "Response type under test", "offered_response_types": "Response types offered",
	"harness_version": "Harness version", "flags": "Flags", "profile_digest": "Profile digest (sha256)",
	"started": "Started", "finished": "Finished", "strict": "Strict (--strict)", "bcp": "BCP judged (--bcp)",
}

func headerFacts(rep *suite.Report) []property {
	var out []property
	for _, p := range runProperties(rep) {
		if l, ok := factLabels[p.Name]; ok {
			out = append(out, property{l, firstNonEmpty(p.Value, "—")})
		}
	}
	return out
}

func viewOf(v suite.Verdict) verdictView {
	key := strings.ReplaceAll(string(v), " ", "")
	return verdictView{Key: key, Label: v.Label(), Class: "v-" + key}
}

// anchor is a scenario's in-page id, by its place in the report.
func anchor(i int) string { return "sc-" + strconv.Itoa(i+1) }

// areaViews are the scenarios by feature file, in the report's order.
func areaViews(rep *suite.Report) []areaView {
	var out []areaView
	for _, g := range byFeature(rep) {
		a := areaView{Area: g.Area, URI: g.URI, Feature: g.Feature}
		for _, i := range g.Index {
			a.Scenarios = append(a.Scenarios, newScenarioView(i, rep.Results[i]))
		}
		out = append(out, a)
	}
	return out
}

func newScenarioView(i int, r suite.Result) scenarioView {
	v := scenarioView{Result: r, Anchor: anchor(i), Area: area(r), Label: r.Label(), Verdict: viewOf(r.Verdict),
		Message: oneLine(r.Message), Clause: r.Clause, Seconds: seconds(r.Duration), Open: r.Verdict != suite.Passed}
	if strings.Contains(v.Message, r.Clause) {
		v.Clause = "" // a finding cites its clause itself: once is enough
	}
	for _, s := range r.Steps {
		st := stepStatus(s)
		v.Steps = append(v.Steps, stepView{Step: s, Status: st, Class: strings.ReplaceAll(st, " ", "")})
	}
	for _, g := range r.Evidence.Groups {
		v.Requests += len(g.Exchanges)
	}
	return v
}

// requirementRows: one row per catalogue requirement some scenario covers,
// in the catalogue's order; IDs a scenario names that the catalogue lacks
// follow, so that no verdict is lost from the table.
func requirementRows(rep *suite.Report) []requirementRow {
	byID := map[string][]int{}
	var unknown []string
	for i, r := range rep.Results {
		for _, id := range r.IDs {
			if _, seen := byID[id]; !seen && check.Lookup(id).ID == "" {
				unknown = append(unknown, id)
			}
			byID[id] = append(byID[id], i)
		}
	}
	reqs := check.Catalogue()
	for _, id := range unknown {
		reqs = append(reqs, check.Requirement{ID: id, Summary: "(not in the requirement catalogue)"})
	}
	var out []requirementRow
	for _, req := range reqs {
		if idx := byID[req.ID]; len(idx) > 0 {
			out = append(out, requirementRowFor(req, idx, rep.Results))
		}
	}
	return out
}

func requirementRowFor(req check.Requirement, idx []int, results []suite.Result) requirementRow {
	row := requirementRow{Requirement: req}
	worst := suite.Passed
	var areas []string
	for _, i := range idx {
		r := results[i]
		if rank(r.Verdict) < rank(worst) {
			worst = r.Verdict
		}
		if a := area(r); !slices.Contains(areas, a) {
			areas = append(areas, a)
		}
		row.Scenarios = append(row.Scenarios, scenarioLink{Anchor: anchor(i), Name: r.Name, Verdict: r.Verdict.Label()})
	}
	row.Worst, row.Areas = viewOf(worst), strings.Join(areas, " ")
	return row
}

// rank orders verdicts from worst: suite.Verdicts' order, the one every
// report shows them in.
func rank(v suite.Verdict) int {
	if i := slices.Index(suite.Verdicts, v); i >= 0 {
		return i
	}
	return len(suite.Verdicts)
}
