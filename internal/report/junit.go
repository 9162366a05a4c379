package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/implicitspec/implicitspec/internal/suite"
)

// The JUnit model is our own rather than go-junit-report's: that one writes
// a skipped attribute on <testsuites> and may write status on <testcase>,
// both of which junit-10.xsd (Jenkins' xunit schema) forbids. Text goes in
// as character data, not CDATA: encoding/xml escapes it and replaces the
// characters XML 1.0 cannot carry, which a CDATA section would not.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Time     string       `xml:"time,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`

	dur time.Duration
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	ID         string          `xml:"id,attr"`
	Package    string          `xml:"package,attr,omitempty"`
	File       string          `xml:"file,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`

	dur   time.Duration // unexported: not marshalled
	first time.Time
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitOutcome `xml:"failure"`
	Error     *junitOutcome `xml:"error"`
	Skipped   *junitOutcome `xml:"skipped"`
	SystemOut xmlText       `xml:"system-out,omitempty"`
}

type junitOutcome struct {
	Message string  `xml:"message,attr"`
	Type    string  `xml:"type,attr,omitempty"`
	Text    xmlText `xml:"-"` // written by MarshalXML below
}

// MarshalXML writes the outcome's text as text (see xmlText).
func (o junitOutcome) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "message"}, Value: o.Message})
	if o.Type != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: o.Type})
	}
	return o.Text.MarshalXML(e, start)
}

// xmlText is character data whose line breaks stay line breaks: encoding/xml
// writes a string field's newlines as &#xA;, which parsers read back the
// same but which makes system-out unreadable to a person opening the file.
type xmlText string

func (t xmlText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if t != "" {
		// EncodeToken escapes &, < and >, and replaces what XML 1.0
		// cannot carry, but leaves newlines alone.
		if err := e.EncodeToken(xml.CharData(t)); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// JUnit writes the report as JUnit XML valid against junit-10.xsd: one
// testsuite per feature file, one testcase per scenario. Only a verdict
// that fails the gate is a <failure>; what could not be judged or was not
// run is an <error>; warnings, BCP notes and waivers pass, their verdict on
// the first line of system-out.
func JUnit(w io.Writer, rep *suite.Report) error {
	doc := junitSuites{Name: strings.TrimSpace("implicitspec " + rep.Info.Target), Time: seconds(0)}
	props := junitProperties(rep)
	for i, g := range byFeature(rep) {
		s := junitSuite{Name: g.Feature, ID: fmt.Sprint(i), Package: "implicitspec", File: g.URI, Properties: props}
		for _, ri := range g.Index {
			s.add(rep.Results[ri], junitCaseFor(rep.Results[ri]))
		}
		doc.add(s)
	}
	if len(rep.Results) == 0 {
		doc.add(preflightSuite(rep, props))
	}
	if rep.Strict && len(rep.Stale) > 0 {
		doc.add(staleSuite(rep, len(doc.Suites), props))
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitProperties(rep *suite.Report) []junitProperty {
	var out []junitProperty
	for _, p := range runProperties(rep) {
		out = append(out, junitProperty(p))
	}
	return out
}

// add counts tc as the suite's; counts are derived from the testcases so
// that they cannot disagree with them.
func (s *junitSuite) add(r suite.Result, tc junitCase) {
	s.Cases = append(s.Cases, tc)
	s.Tests++
	if tc.Failure != nil {
		s.Failures++
	}
	if tc.Error != nil {
		s.Errors++
	}
	if tc.Skipped != nil {
		s.Skipped++
	}
	if !r.Started.IsZero() && (s.first.IsZero() || r.Started.Before(s.first)) {
		s.first = r.Started
		s.Timestamp = timestamp(r.Started)
	}
	s.dur += r.Duration
	s.Time = seconds(s.dur)
}

func (d *junitSuites) add(s junitSuite) {
	s.Time = seconds(s.dur)
	d.Suites = append(d.Suites, s)
	d.Tests += s.Tests
	d.Failures += s.Failures
	d.Errors += s.Errors
	d.dur += s.dur
	d.Time = seconds(d.dur)
}

// junitCaseFor maps one verdict to its testcase.
func junitCaseFor(r suite.Result) junitCase {
	tc := junitCase{Name: caseName(r), Classname: area(r), Time: seconds(r.Duration), SystemOut: xmlText(systemOut(r))}
	msg := oneLine(r.Message)
	switch {
	case r.Verdict.Gates():
		tc.Failure = &junitOutcome{Message: msg, Type: failureType(r), Text: xmlText(r.Message)}
	case r.Verdict == suite.Errored:
		tc.Error = &junitOutcome{Message: msg, Type: "cannot-judge", Text: xmlText(r.Message)}
	case r.Verdict == suite.NotRun:
		tc.Error = &junitOutcome{Message: msg, Type: "not-run", Text: xmlText(r.Message)}
	case r.Verdict == suite.Skipped:
		tc.Skipped = &junitOutcome{Message: msg}
	}
	return tc
}

// failureType names the clause the failure is against; CI tools show the
// type as the failure's kind.
func failureType(r suite.Result) string {
	if r.Clause != "" {
		return r.Clause
	}
	return "requirement-failed"
}

// systemOut is everything a CI reader needs to understand the verdict
// without the HTML report: the verdict and why, the steps, the evidence.
func systemOut(r suite.Result) string {
	var b strings.Builder
	b.WriteString(verdictText(r))
	if st := stepsText(r); st != "" {
		b.WriteString("\nsteps:\n")
		b.WriteString(st)
	}
	if !r.Evidence.Empty() {
		b.WriteString("\nevidence:\n")
		b.WriteString(r.Evidence.Text())
	}
	return b.String()
}

// preflightSuite stands for a run that judged nothing: CI must see an
// error, not an empty green report.
func preflightSuite(rep *suite.Report, props []junitProperty) junitSuite {
	reason := stopReason(rep)
	out := "verdict: cannot judge\nreason: " + reason + "\n"
	if !rep.Info.Preparation.Empty() {
		out += "\nevidence:\n" + rep.Info.Preparation.Text()
	}
	s := junitSuite{Name: "preflight", ID: "0", Package: "implicitspec", Properties: props, Timestamp: timestamp(rep.Info.Started)}
	s.add(suite.Result{}, junitCase{Name: "preflight", Classname: "preflight", Time: seconds(0),
		Error: &junitOutcome{Message: oneLine(reason), Type: "cannot-judge", Text: xmlText(reason)}, SystemOut: xmlText(out)})
	return s
}

// staleSuite: under --strict a stale --expect entry makes the run exit 2,
// so CI must see it as an error too.
func staleSuite(rep *suite.Report, id int, props []junitProperty) junitSuite {
	stale := strings.Join(rep.Stale, "\n")
	s := junitSuite{Name: "expectations", ID: fmt.Sprint(id), Package: "implicitspec", Properties: props}
	s.add(suite.Result{}, junitCase{Name: "stale expectations", Classname: "expectations", Time: seconds(0),
		Error: &junitOutcome{Message: fmt.Sprintf("%d --expect entries match no scenario", len(rep.Stale)), Type: "stale-expectation", Text: xmlText(stale)}})
	return s
}

// oneLine folds a message for an attribute, where CI tools show one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
