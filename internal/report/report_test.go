package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/suite"
)

// The markup a hostile or broken server might send back; no report may
// render it live.
const (
	imgPayload    = `<img src=x onerror=alert(1)>`
	scriptPayload = `<script>alert(2)</script>`
)

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// sampleEvidence is a flow with a redirect, a decoded fragment and a page
// body; hostile puts the payloads in every field the server controls.
func sampleEvidence(hostile bool) evidence.Evidence {
	body, url, hdr := "<html><body><form>Sign in</form></body></html>", "https://idp.example/authorize?client_id=spa&state=abc", "no-store"
	if hostile {
		body = "<html><body>unknown client " + imgPayload + scriptPayload + "</body></html>"
		url = "https://idp.example/authorize?client_id=" + imgPayload + "&x=" + scriptPayload
		hdr = scriptPayload
	}
	return evidence.Evidence{
		ResponseType: "token",
		Groups: []evidence.Group{{Label: "the flow", Exchanges: []evidence.Exchange{
			{Method: "GET", URL: url, Via: "start", Sent: true, Status: 200,
				Header: []evidence.Pair{{Name: "Content-Type", Value: "text/html"}, {Name: "Cache-Control", Value: hdr}}, Body: body},
			{Method: "POST", URL: "https://idp.example/login", Via: "form", RequestBody: "username=alice&password=********", Sent: true, Status: 303,
				Header:   []evidence.Pair{{Name: "Location", Value: "https://client.example/cb#access_token=********&state=abc"}},
				Fragment: []evidence.Pair{{Name: "access_token", Value: "********"}, {Name: "state", Value: "abc"}}},
			{Method: "GET", URL: "https://client.example/cb#access_token=********&state=abc", Via: "redirect 303", Sent: false,
				Fragment: []evidence.Pair{{Name: "access_token", Value: "********"}, {Name: "state", Value: "abc"}}},
		}}},
		Actions: []string{"signed in as alice", "approved the request"},
	}
}

// tlsEvidence is evidence without HTTP: a handshake probe and a group that
// only notes what was read.
func tlsEvidence() evidence.Evidence {
	return evidence.Evidence{Groups: []evidence.Group{
		{Label: "the target profile", Note: "the profile names no TLS 1.1 endpoint"},
		{Label: "TLS 1.1", Exchanges: []evidence.Exchange{{Method: "TLS", URL: "idp.example:443", Sent: true, Note: "the server refused the handshake"}}},
	}}
}

func steps(statuses ...string) []suite.Step {
	texts := []string{"an authorization request from the implicit client", "the resource owner signs in and approves the request", "the state in the response is exactly the one sent"}
	kws := []string{"Given ", "When ", "Then "}
	var out []suite.Step
	for i, s := range statuses {
		st := suite.Step{Keyword: kws[i%3], Text: texts[i%3], Status: s}
		if s == "failed" || s == "skipped" && (i == 0 || statuses[i-1] == "passed") {
			st.Error = "step error " + s
		}
		out = append(out, st)
	}
	return out
}

// result is one scenario of the sample report with the given verdict.
func result(uri, feature, name string, ids []string, level string, v suite.Verdict, msg string, st []suite.Step) suite.Result {
	tags := []string{"@" + strings.TrimSuffix(uri[strings.Index(uri, "_")+1:], ".feature")}
	for _, id := range ids {
		tags = append(tags, "@"+id)
	}
	return suite.Result{URI: uri, Feature: feature, Name: name, Tags: append(tags, "@"+level), IDs: ids, Level: level,
		Verdict: v, Message: msg, Clause: "RFC 6749 §4.2.2", Steps: st, Evidence: sampleEvidence(false),
		Started: t0, Duration: 1250 * time.Millisecond, ResponseType: "token", UsesRT: true}
}

// sampleReport has a scenario of every verdict, in two feature files, one
// of them holding the payloads in every field that came from the server.
func sampleReport() *suite.Report {
	const st, sec = "07_state.feature", "13_security.feature"
	res := []suite.Result{
		result(st, "The state value", "A plain state is echoed exactly", []string{"STATE-01"}, "must", suite.Passed, "", steps("passed", "passed", "passed")),
		result(st, "The state value", "A state holding spaces is echoed exactly", []string{"STATE-03"}, "must", suite.Failed,
			"RFC 6749 §4.2.2: state: expected \"a b\", seen \"a+b\"", steps("passed", "passed", "failed")),
		result(st, "The state value", "A long state is echoed", []string{"STATE-05"}, "should", suite.Warned, "state cut to 100 characters", steps("passed", "passed", "failed")),
		result(st, "The state value", "No state is invented", []string{"STATE-06"}, "bcp", suite.Info, "state invented", steps("passed", "failed", "skipped")),
		result(st, "The state value", "A repeated state is refused", []string{"STATE-07", "AEP-05"}, "must", suite.Waived, "repeated state served", steps("passed", "passed", "failed")),
		result(sec, "Security", "Markup in a rejected request is shown escaped", []string{"SEC-09"}, "must", suite.Failed,
			"page shows "+imgPayload+" unescaped "+scriptPayload, steps("passed", "passed", "failed")),
		result(sec, "Security", "The login page is not framable", []string{"SEC-02"}, "bcp", suite.Skipped, "the profile has no login page to frame", steps("passed", "skipped", "skipped")),
		result(sec, "Security", "The token redirect is not cached", []string{"SEC-04"}, "should", suite.Errored, "cannot judge: the login was rejected", steps("passed", "failed", "skipped")),
		result(sec, "Security", "No cross-origin access", []string{"SEC-05"}, "bcp", suite.NotRun, "not judged: the run was interrupted", steps("not run", "not run", "not run")),
	}
	res[4].Waiver, res[4].Was = &suite.Waiver{Reason: "known, fixed in 2.1", AcceptedBy: "alice@example.com", Expires: "2099-01-01"}, suite.Failed
	res[5].Evidence = sampleEvidence(true)
	res[5].Steps[2].Text = "no page contains " + imgPayload
	res[5].Steps[2].Error = scriptPayload
	res[6].Evidence = evidence.Evidence{}
	res[7].Evidence = tlsEvidence()
	return &suite.Report{
		Info: suite.RunInfo{Version: "v0.9.0-test", Target: "Example IdP", Issuer: "https://idp.example", Endpoint: "https://idp.example/authorize",
			ResponseType: "token", Offered: []string{"token", "id_token token"}, ProfileDigest: "sha256:0123abcd",
			Flags: []string{"--strict=false", "--tags=@state,@security"}, Started: t0, Finished: t0.Add(12 * time.Second),
			Stopped: "interrupted after 8/9", Warnings: []string{"the authorization endpoint is plain http"}},
		Results: res, Stale: []string{"STATE-99: no such scenario"},
	}
}

// stoppedReport is a run the preflight stopped: no result, exit 2.
func stoppedReport() *suite.Report {
	return &suite.Report{Info: suite.RunInfo{Version: "v0.9.0-test", Target: "Broken IdP", Issuer: "https://broken.example",
		Started: t0, Finished: t0.Add(time.Second),
		Stopped: "preflight: the login was rejected: the login form answered 401 <b>bad</b>",
		Preparation: evidence.Evidence{Groups: []evidence.Group{{Label: "discovery", Exchanges: []evidence.Exchange{
			{Method: "GET", URL: "https://broken.example/.well-known/openid-configuration", Sent: true, Status: 404, Body: "<h1>Not Found</h1>"}}}}}}}
}

func TestWrite(t *testing.T) {
	for name, rep := range map[string]*suite.Report{"sample": sampleReport(), "stopped": stoppedReport(), "empty": {}} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out", "nested")
			if err := Write(dir, rep); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
				if info, _ := e.Info(); info.Size() == 0 {
					t.Errorf("%s is empty", e.Name())
				}
			}
			// No temporary file is left behind.
			if got, want := strings.Join(names, ","), "cucumber.json,junit.xml,report.html"; got != want {
				t.Errorf("files %s, want %s", got, want)
			}
		})
	}
}

func TestWriteReportsUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(file, sampleReport()); err == nil {
		t.Fatal("writing into a file as a directory succeeded")
	}
}

func TestHelpers(t *testing.T) {
	r := suite.Result{URI: "07_state.feature", IDs: []string{"STATE-03", "STATE-04"}, Level: "must", Name: "A state holding spaces is echoed exactly"}
	tests := []struct{ got, want string }{
		{caseName(r), "[STATE-03 STATE-04 must] A state holding spaces is echoed exactly"},
		{area(r), "07_state"},
		{area(suite.Result{URI: "features/05_redirect_tricks.feature"}), "05_redirect_tricks"},
		{area(suite.Result{}), "unknown"},
		{suite.Result{Level: "should"}.Label(), "[? should]"},
		{seconds(1250 * time.Millisecond), "1.250"},
		{sampleReport().VerdictWord(), "FAIL"},
		{stoppedReport().VerdictWord(), "CANNOT JUDGE"},
		{(&suite.Report{Results: []suite.Result{{Verdict: suite.Warned}}}).VerdictWord(), "PASS"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
