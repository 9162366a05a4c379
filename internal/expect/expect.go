// Package expect keeps the expected outcome of a run in a YAML file and
// holds runs to it. One format serves two uses:
//
//   - a user's gate (implicitspec --expect FILE): a deviation a person has
//     accepted — an entry with the scenario's (or the requirement's)
//     verdict, a reason, who accepted it and until when — is Waived instead
//     of failing the run (Apply); entries that no longer describe the run
//     are reported as stale;
//   - the project's records of real servers (testdata/idps/<server>/
//     expected.yaml, internal/idps): every scenario's verdict, each
//     deviation with a person's reason, compared strictly (Compare).
//
// Record writes a run's outcome in that format (implicitspec --record FILE,
// go test ./internal/idps -update-idps), keeping the reasons already written.
//
// Which verdicts need a person: failed, warning, info and error. A skip needs
// none (a reason already written for it is kept).
package expect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/implicitspec/implicitspec/internal/suite"
)

// TODO marks a reason nobody has written yet. An entry whose reason is empty
// or starts with TODO waives nothing, and Compare reports it.
const TODO = "TODO"

// DateLayout is the layout of Entry.Expires.
const DateLayout = "2006-01-02"

// File is one expected-outcome file.
type File struct {
	Server    string  `yaml:"server"`
	Notes     string  `yaml:"notes,omitempty"`
	Scenarios []Entry `yaml:"scenarios"`
}

// Entry is the expected outcome of one scenario (Name) or of every scenario
// that checks one requirement (Requirement, e.g. "STATE-03"): exactly one of
// the two is set.
type Entry struct {
	Name string `yaml:"name,omitempty"`
	// Requirement matches every scenario tagged with this ID that has no
	// entry of its own (a Name entry takes precedence).
	Requirement string   `yaml:"requirement,omitempty"`
	Feature     string   `yaml:"feature,omitempty"`
	IDs         []string `yaml:"ids,flow,omitempty"`
	Level       string   `yaml:"level,omitempty"`
	// ResponseType is the response_type the scenario's request asked for
	// (the response type under test for the flow scenarios). For reading.
	ResponseType string        `yaml:"response_type,omitempty"`
	Verdict      suite.Verdict `yaml:"verdict"`
	// Message is what the harness said (clause, expected, seen), with
	// run-time ports and random states normalized. For reading; not compared.
	Message string `yaml:"message,omitempty"`
	// Reason says, in one line, why a failure, warning, info or error is a
	// real deviation, or why it is accepted. Required unless passed or
	// skipped; TODO until a person writes it.
	Reason string `yaml:"reason,omitempty"`
	// AcceptedBy is who accepted the deviation. For reading; shown in the
	// waived scenario's message.
	AcceptedBy string `yaml:"accepted_by,omitempty"`
	// Expires is the last day (YYYY-MM-DD, UTC) the deviation is waived;
	// "" never expires.
	Expires string `yaml:"expires,omitempty"`

	line int // where the entry starts in the file it was read from; 0 if not read
}

// Line is where the entry starts in the file Read read it from (0 for an
// entry that was not read from a file).
func (e Entry) Line() int { return e.line }

// needsReason: the verdicts a person must explain.
func needsReason(v suite.Verdict) bool {
	return v == suite.Failed || v == suite.Warned || v == suite.Info || v == suite.Errored
}

// hasReason: a reason a person wrote (not empty, not TODO).
func hasReason(reason string) bool {
	r := strings.TrimSpace(reason)
	return r != "" && !strings.HasPrefix(r, TODO)
}

// fileVerdicts are the verdicts an entry may expect: what a run gives, not
// what Apply makes of it (waived) nor an interrupted run's not run.
var fileVerdicts = []suite.Verdict{suite.Passed, suite.Failed, suite.Warned, suite.Info, suite.Skipped, suite.Errored}

var (
	requirementID = regexp.MustCompile(`^[A-Z]+-[0-9]{2}$`)
	dateSyntax    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// Read reads and checks an expected-outcome file. Unknown keys (a typo, the
// old "judgement"), an entry with both or neither of name and requirement,
// an unknown verdict, a bad expires date and a scenario or requirement
// listed twice are errors naming the line. A missing file's error satisfies
// errors.Is(err, fs.ErrNotExist).
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// parse decodes and checks the file's bytes; errors name lines ("line 7: …").
func parse(data []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return &File{}, nil // an empty file expects nothing
		}
		if strings.Contains(err.Error(), "field judgement not found") {
			return nil, fmt.Errorf("%w\n(the key judgement is now called reason)", err)
		}
		return nil, err
	}
	// The positions: KnownFields needs a Decoder, and a Decoder into a
	// struct forgets lines, so the same bytes are read again as nodes.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	keys := entryKeyLines(&doc)
	for i := range f.Scenarios {
		if i < len(keys) {
			f.Scenarios[i].line = keys[i][""]
		}
	}
	var errs []error
	lineOf := func(i int, key string) int {
		if i < len(keys) {
			if l, ok := keys[i][key]; ok {
				return l
			}
			return keys[i][""]
		}
		return 0
	}
	names := map[string]int{}
	reqs := map[string]int{}
	for i, e := range f.Scenarios {
		bad := func(key, format string, args ...any) {
			errs = append(errs, fmt.Errorf("line %d: %s", lineOf(i, key), fmt.Sprintf(format, args...)))
		}
		checkEntry(e, bad)
		if e.Name != "" {
			if first, dup := names[e.Name]; dup {
				bad("name", "scenario %q is already listed at line %d", e.Name, lineOf(first, ""))
			} else {
				names[e.Name] = i
			}
		}
		if e.Requirement != "" {
			k := e.Requirement + "\x00" + string(e.Verdict)
			if first, dup := reqs[k]; dup {
				bad("requirement", "requirement %s with verdict %s is already listed at line %d", e.Requirement, e.Verdict, lineOf(first, ""))
			} else {
				reqs[k] = i
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &f, nil
}

// checkEntry reports, through bad, what is wrong with one entry on its own.
func checkEntry(e Entry, bad func(key, format string, args ...any)) {
	switch {
	case e.Name != "" && e.Requirement != "":
		bad("requirement", "an entry names a scenario (name) or a requirement (requirement), not both")
	case e.Name == "" && e.Requirement == "":
		bad("", "an entry needs a name (a scenario) or a requirement (e.g. requirement: STATE-03)")
	case e.Requirement != "" && !requirementID.MatchString(e.Requirement):
		bad("requirement", "requirement %q is not a requirement ID like STATE-03", e.Requirement)
	}
	switch {
	case e.Verdict == "":
		bad("", "no verdict (one of %s)", verdictList())
	case e.Verdict == suite.Waived || e.Verdict == suite.NotRun:
		bad("verdict", "verdict %q is not an outcome to expect: write the verdict the run gives (one of %s)", e.Verdict, verdictList())
	case !knownVerdict(e.Verdict):
		bad("verdict", "unknown verdict %q (one of %s)", e.Verdict, verdictList())
	case e.Requirement != "" && !needsReason(e.Verdict):
		bad("verdict", "a requirement entry is for a deviation: verdict %q must be one of failed, warning, info, error", e.Verdict)
	}
	if e.Expires != "" {
		if _, err := parseDate(e.Expires); err != nil {
			bad("expires", "expires %q is not a date YYYY-MM-DD", e.Expires)
		}
	}
}

// entryKeyLines gives, for each item of the top-level scenarios sequence,
// the line of the item ("") and of each of its keys.
func entryKeyLines(doc *yaml.Node) []map[string]int {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "scenarios" || root.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		var out []map[string]int
		for _, item := range root.Content[i+1].Content {
			m := map[string]int{"": item.Line}
			if item.Kind == yaml.MappingNode {
				for j := 0; j+1 < len(item.Content); j += 2 {
					m[item.Content[j].Value] = item.Content[j].Line
				}
			}
			out = append(out, m)
		}
		return out
	}
	return nil
}

func knownVerdict(v suite.Verdict) bool {
	for _, k := range fileVerdicts {
		if v == k {
			return true
		}
	}
	return false
}

func verdictList() string {
	s := make([]string, len(fileVerdicts))
	for i, v := range fileVerdicts {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// parseDate reads a YYYY-MM-DD date (exactly that: two-digit month and day).
func parseDate(s string) (time.Time, error) {
	if !dateSyntax.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not YYYY-MM-DD", s)
	}
	return time.Parse(DateLayout, s)
}

// header explains the file to whoever opens it.
const header = `# Expected outcome of the implicitspec suite: one entry per scenario with the verdict it gets.
# Every failed, warning, info or error entry needs a reason: why it is a real deviation, or why
# it is accepted. With implicitspec --expect FILE, a deviation whose entry has a reason is waived
# (accepted_by: who accepted it; expires: YYYY-MM-DD, its last day); an entry may name a
# requirement (requirement: STATE-03) instead of a scenario; entries that no longer match the
# run are reported as stale. Re-record with implicitspec --record FILE (the project's servers:
# testdata/idps/run.sh -- go test -count=1 -run TestIdPs ./internal/idps -update-idps): reasons
# are kept where the verdict is unchanged, and a new deviation gets "reason: TODO", which waives
# nothing (and fails TestIdPs) until a person writes it.
`

// Write writes the file with a header comment saying what it is and how to
// re-record it.
func Write(path string, f *File) error {
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
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

// rtSuffix is what suite.RunEach appends to the name of a scenario repeated
// for each response type (--response-type all).
var rtSuffix = regexp.MustCompile(` \[response_type=[^\]]*\]$`)

// baseName is the scenario's name without RunEach's response_type suffix.
func baseName(name string) string { return rtSuffix.ReplaceAllString(name, "") }

// verdictOf is the verdict the run gave: a waived result's is the one the
// waiver replaced.
func verdictOf(r suite.Result) suite.Verdict {
	if r.Verdict == suite.Waived && r.Was != "" {
		return r.Was
	}
	return r.Verdict
}

// index finds a result's entries: its own (by name: exact, else without the
// response_type suffix, so that one entry covers every type of a scenario
// run with --response-type all), else its requirements'.
type index struct {
	entries []Entry
	byName  map[string]int
	byReq   map[string][]int
}

func newIndex(f *File) *index {
	x := &index{byName: map[string]int{}, byReq: map[string][]int{}}
	if f == nil {
		return x
	}
	x.entries = f.Scenarios
	for i, e := range f.Scenarios {
		switch {
		case e.Name != "":
			if _, dup := x.byName[e.Name]; !dup {
				x.byName[e.Name] = i
			}
		case e.Requirement != "":
			x.byReq[e.Requirement] = append(x.byReq[e.Requirement], i)
		}
	}
	return x
}

// named is the result's own entry, or -1.
func (x *index) named(name string) int {
	if i, ok := x.byName[name]; ok {
		return i
	}
	if i, ok := x.byName[baseName(name)]; ok {
		return i
	}
	return -1
}

// required lists the requirement entries for any of ids, in file order.
func (x *index) required(ids []string) []int {
	var out []int
	for _, id := range ids {
		out = append(out, x.byReq[id]...)
	}
	sort.Ints(out)
	return out
}

// pick is the first of the entries with verdict v, or -1.
func (x *index) pick(entries []int, v suite.Verdict) int {
	for _, i := range entries {
		if x.entries[i].Verdict == v {
			return i
		}
	}
	return -1
}

// catalogue: the scenario names and requirement IDs of every feature, to
// tell an entry for a scenario the run did not select (--tags: ignored)
// from one for a scenario that no longer exists (stale). A variable so
// that tests can stand in for the features.
var catalogue = func() (names, ids map[string]bool, err error) {
	scs, err := suite.Scenarios("")
	if err != nil {
		return nil, nil, err
	}
	names, ids = map[string]bool{}, map[string]bool{}
	for _, sc := range scs {
		names[sc.Name] = true
		for _, id := range sc.IDs {
			ids[id] = true
		}
	}
	return names, ids, nil
}

// lazyCatalogue reads the features once, when first needed.
type lazyCatalogue struct {
	done       bool
	names, ids map[string]bool
}

func (c *lazyCatalogue) load() {
	if !c.done {
		// An error leaves both empty: see hasScenario.
		c.names, c.ids, _ = catalogue()
		c.done = true
	}
}

// hasScenario: the suite has a scenario of this name (or, for a name with a
// response_type suffix, of its base name). Unknown if the features cannot be
// read: then false, and the entry is reported rather than silently kept.
func (c *lazyCatalogue) hasScenario(name string) bool {
	c.load()
	return c.names[name] || c.names[baseName(name)]
}

func (c *lazyCatalogue) hasRequirement(id string) bool {
	c.load()
	return c.ids[id]
}

// Apply holds the run to the user's expected outcomes (--expect), in place.
//
// A result whose verdict is a deviation (failed, warning, info, error) and
// whose entry — its own by name, else one for a requirement it checks —
// expects that same verdict is waived: Verdict becomes Waived, Was keeps the
// verdict, Waiver says why, and the message ends with "(waived: reason,
// accepted by X until D)". Not when the entry's reason is empty or TODO, nor
// after its expiry (expires is the last day, UTC): then the verdict stays and
// the message says why.
//
// Entries that no longer describe the run go to rep.Stale, one line each:
//   - a scenario entry whose scenario got another verdict (the deviation is
//     gone or changed; for a passed or skipped entry, the scenario now
//     deviates or runs);
//   - a scenario entry for a scenario no feature has (renamed or removed);
//   - a requirement entry none of whose scenarios in the run got its
//     verdict, or whose requirement no scenario checks.
//
// An entry for scenarios the run did not select (--tags, or a name with a
// response_type suffix in a run of one type) is ignored: rep.Results holds
// every selected scenario, so an entry that matches none of them but names a
// scenario of the features was deselected. Scenarios not run (the run was
// stopped) are not judged, so their entries are neither used nor stale.
// Entries with verdict passed or skipped never waive anything; they are not
// stale while the scenario keeps that verdict.
func Apply(rep *suite.Report, f *File, now time.Time) {
	if rep == nil || f == nil {
		return
	}
	u := match(rep, newIndex(f), now)
	rep.Stale = append(rep.Stale, u.stale(f)...)
}

// usage is how a run used each entry of a file.
type usage struct {
	matched []bool     // an entry met a judged result with its verdict
	touched []bool     // an entry governed some result, judged or not
	wrong   [][]string // a scenario entry's results with another verdict
	got     [][]string // a requirement entry's candidates' verdicts
	covered []bool     // a requirement entry's ID is on some result of the run
}

// match waives the results the entries accept and notes how each entry was
// used.
func match(rep *suite.Report, x *index, now time.Time) *usage {
	n := len(x.entries)
	u := &usage{matched: make([]bool, n), touched: make([]bool, n), wrong: make([][]string, n), got: make([][]string, n), covered: make([]bool, n)}
	for i := range rep.Results {
		r := &rep.Results[i]
		v := verdictOf(*r)
		reqs := x.required(r.IDs)
		for _, k := range reqs {
			u.covered[k] = true
		}
		if k := x.named(r.Name); k >= 0 {
			u.touched[k] = true
			switch e := x.entries[k]; {
			case v == suite.NotRun:
			case e.Verdict == v:
				u.matched[k] = true
				waive(r, e, now)
			default:
				u.wrong[k] = append(u.wrong[k], staleLine(r.IDs, r.Name, e, v))
			}
			continue
		}
		for _, k := range reqs {
			u.touched[k] = true
			switch {
			case v == suite.NotRun:
			case x.entries[k].Verdict == v:
				u.matched[k] = true
			default:
				u.got[k] = append(u.got[k], string(v))
			}
		}
		if k := x.pick(reqs, v); k >= 0 && v != suite.NotRun {
			waive(r, x.entries[k], now) // the first in the file
		}
	}
	return u
}

// stale lists the entries that no longer describe the run.
func (u *usage) stale(f *File) []string {
	var out []string
	var cat lazyCatalogue
	for k, e := range f.Scenarios {
		at := ""
		if e.line > 0 {
			at = fmt.Sprintf(" (line %d)", e.line)
		}
		switch {
		case e.Name != "":
			switch {
			case len(u.wrong[k]) > 0:
				// Even when another of its results (another response
				// type) matched.
				for _, w := range u.wrong[k] {
					out = append(out, w+at)
				}
			case u.matched[k], u.touched[k]:
				// In use, or its scenario was not run: not judged.
			case !cat.hasScenario(e.Name):
				out = append(out, fmt.Sprintf("%s: no scenario of this name in the features (renamed or removed?) — remove the entry%s", label(e.IDs, e.Name), at))
			}
		case e.Requirement != "":
			switch {
			case u.matched[k]:
				// In use; its other scenarios' verdicts are not its
				// deviation.
			case len(u.got[k]) > 0:
				out = append(out, fmt.Sprintf("%s: expected %s, got %s — %s%s", e.Requirement, e.Verdict, countVerdicts(u.got[k]), advice(e.Verdict, u.got[k]), at))
			case u.touched[k]:
				// Only scenarios that were not run: not judged.
			case u.covered[k]:
				out = append(out, fmt.Sprintf("%s: every scenario of the requirement in this run has an entry of its own — remove the entry%s", e.Requirement, at))
			case !cat.hasRequirement(e.Requirement):
				out = append(out, fmt.Sprintf("%s: no scenario checks this requirement — remove the entry%s", e.Requirement, at))
			}
		}
	}
	return out
}

// waive makes r Waived under e when e accepts r's deviation.
func waive(r *suite.Result, e Entry, now time.Time) {
	if r.Verdict == suite.Waived || !needsReason(r.Verdict) {
		return // already waived, or nothing to accept (passed, skipped)
	}
	if !hasReason(e.Reason) {
		r.Message = appendNote(r.Message, noReasonNote)
		return
	}
	if e.Expires != "" {
		day, err := parseDate(e.Expires)
		if err != nil || !now.Before(day.AddDate(0, 0, 1)) {
			r.Message = appendNote(r.Message, "(waiver expired on "+e.Expires+")")
			return
		}
	}
	w := &suite.Waiver{Reason: strings.TrimSpace(e.Reason), AcceptedBy: e.AcceptedBy, Expires: e.Expires}
	r.Was, r.Verdict, r.Waiver = r.Verdict, suite.Waived, w
	r.Message = appendNote(r.Message, waivedNote(w))
}

// noReasonNote is what Apply appends to a deviation whose entry's reason is
// empty or TODO.
const noReasonNote = "(not waived: its expected entry has no reason yet)"

// waivedNote is what Apply appends to a waived scenario's message.
func waivedNote(w *suite.Waiver) string {
	s := "(waived: " + w.Reason
	if w.AcceptedBy != "" {
		s += ", accepted by " + w.AcceptedBy
	}
	if w.Expires != "" {
		s += " until " + w.Expires
	}
	return s + ")"
}

func appendNote(msg, note string) string {
	if msg == "" {
		return note
	}
	return msg + " " + note
}

// applyNote matches the notes Apply appends, for Record to remove.
var applyNote = regexp.MustCompile(` ?(\(waiver expired on [0-9-]+\)|` + regexp.QuoteMeta(noReasonNote) + `)$`)

// runMessage is the result's message as the run made it, without Apply's note.
func runMessage(r suite.Result) string {
	if r.Verdict == suite.Waived && r.Waiver != nil {
		note := waivedNote(r.Waiver)
		return strings.TrimSpace(strings.TrimSuffix(r.Message, note))
	}
	return applyNote.ReplaceAllString(r.Message, "")
}

// label is `STATE-03 "name"`.
func label(ids []string, name string) string {
	if len(ids) == 0 {
		return fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf("%s %q", strings.Join(ids, " "), name)
}

func staleLine(ids []string, name string, e Entry, got suite.Verdict) string {
	if len(ids) == 0 {
		ids = e.IDs
	}
	return fmt.Sprintf("%s: expected %s, got %s — %s", label(ids, name), e.Verdict, got, advice(e.Verdict, []string{string(got)}))
}

// advice says what to do with a stale entry.
func advice(expected suite.Verdict, got []string) string {
	for _, g := range got {
		if g != string(suite.Passed) {
			return "update the entry (re-record with --record)"
		}
	}
	if needsReason(expected) {
		return "remove the entry"
	}
	return "update the entry (re-record with --record)"
}

// countVerdicts is "passed ×2, warning".
func countVerdicts(vs []string) string {
	count := map[string]int{}
	var order []string
	for _, v := range vs {
		if count[v] == 0 {
			order = append(order, v)
		}
		count[v]++
	}
	parts := make([]string, len(order))
	for i, v := range order {
		parts[i] = v
		if count[v] > 1 {
			parts[i] += fmt.Sprintf(" ×%d", count[v])
		}
	}
	return strings.Join(parts, ", ")
}

// Record is the run's outcome as an expected-outcome file: one entry per
// scenario with its verdict (a waived one's original verdict) and, unless it
// passed, its normalized message. From prev, the server and notes are kept,
// and each scenario's reason, accepted_by and expires are kept from the
// entry that matched it (its own, else its requirement's) when the verdict
// is the same (a requirement entry is thus written out per scenario); a new
// failure, warning, info or error gets "reason: TODO". Entries of prev for
// scenarios the run did not select (or did not run) but the features still
// have are kept as they were; those for scenarios no feature has any more are
// dropped. prev may be nil. Record may be given a report Apply has changed.
func Record(rep *suite.Report, prev *File) *File {
	out := &File{}
	if prev != nil {
		out.Server, out.Notes = prev.Server, prev.Notes
	}
	if out.Server == "" && rep != nil {
		out.Server = rep.Info.Target
	}
	x := newIndex(prev)
	keep := make([]bool, len(x.entries))    // carried over as they were
	inRun := make([]bool, len(x.entries))   // matched some result of the run
	covered := make([]bool, len(x.entries)) // a requirement on some result
	if rep != nil {
		for _, r := range rep.Results {
			v := verdictOf(r)
			reqs := x.required(r.IDs)
			for _, j := range reqs {
				covered[j] = true
			}
			k := x.named(r.Name)
			if k >= 0 {
				inRun[k] = true
			} else {
				if k = x.pick(reqs, v); k >= 0 {
					inRun[k] = true
				}
			}
			if v == suite.NotRun {
				// Not judged: nothing to record; what prev said of it stays.
				switch {
				case k >= 0:
					keep[k] = true
				default:
					for _, j := range reqs {
						keep[j] = true
					}
				}
				continue
			}
			e := Entry{Name: r.Name, Feature: r.URI, IDs: r.IDs, Level: r.Level, ResponseType: r.ResponseType, Verdict: v}
			if v != suite.Passed {
				e.Message = Normalize(runMessage(r))
			}
			if k >= 0 && v != suite.Passed && x.entries[k].Verdict == v {
				p := x.entries[k]
				e.Reason, e.AcceptedBy, e.Expires = p.Reason, p.AcceptedBy, p.Expires
			}
			if needsReason(v) && strings.TrimSpace(e.Reason) == "" {
				e.Reason = TODO
			}
			out.Scenarios = append(out.Scenarios, e)
		}
	}
	var cat lazyCatalogue
	for k, e := range x.entries {
		switch {
		case keep[k]:
		case inRun[k]:
			continue
		case e.Name != "" && cat.hasScenario(e.Name):
		case e.Requirement != "" && !covered[k] && cat.hasRequirement(e.Requirement):
		default:
			continue
		}
		e.line = 0
		out.Scenarios = append(out.Scenarios, e)
	}
	sort.SliceStable(out.Scenarios, func(i, j int) bool {
		a, b := out.Scenarios[i], out.Scenarios[j]
		if a.Feature != b.Feature {
			return a.Feature < b.Feature
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Requirement < b.Requirement
	})
	return out
}

// Compare is the strict comparison of a full record (the project's real
// servers, internal/idps): every way the run differs from it — a scenario
// missing from the record, a verdict that changed, a recorded scenario the
// run did not have, a deviation without a reason, a scenario recorded twice,
// a requirement entry (a full record names its scenarios). Messages, expiry
// dates and accepted_by are not compared. A waived result is compared by the
// verdict the waiver replaced.
func Compare(f *File, rep *suite.Report) []string {
	var probs []string
	byName := map[string]Entry{}
	for _, e := range f.Scenarios {
		if e.Name == "" {
			probs = append(probs, fmt.Sprintf("requirement %s: a full record lists scenarios by name, not requirements", e.Requirement))
			continue
		}
		if _, dup := byName[e.Name]; dup {
			probs = append(probs, fmt.Sprintf("%q: recorded twice", e.Name))
		}
		byName[e.Name] = e
		if needsReason(e.Verdict) && !hasReason(e.Reason) {
			probs = append(probs, fmt.Sprintf("%q: recorded as %s without a reason (write why it is a real deviation, from the clause)", e.Name, e.Verdict))
		}
	}
	seen := map[string]bool{}
	for _, r := range rep.Results {
		seen[r.Name] = true
		v := verdictOf(r)
		e, ok := byName[r.Name]
		switch {
		case !ok:
			probs = append(probs, fmt.Sprintf("%q: not in the record (verdict %s: %s); re-record and write its reason", r.Name, v, Normalize(runMessage(r))))
		case e.Verdict != v:
			probs = append(probs, fmt.Sprintf("%q: verdict %s, recorded %s: %s", r.Name, v, e.Verdict, Normalize(runMessage(r))))
		}
	}
	for _, e := range f.Scenarios {
		if e.Name != "" && !seen[e.Name] {
			probs = append(probs, fmt.Sprintf("%q: recorded but not run (renamed or removed? re-record)", e.Name))
		}
	}
	return probs
}
