package suite_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/steps"
)

// TestSessionReuseKeepsVerdicts: a run that signs in once and starts the
// scenarios that only need a signed-in resource owner from a copy of that
// session judges every scenario as a run that signs in in every scenario's
// fresh browser (--fresh-login) does, sequentially and with four scenarios
// at once, on the kinds of server whose sessions differ: the default, one
// that remembers consent in the session, and an OpenID-Connect-only one.
// Messages may differ (ports, random values); verdicts may not. The run
// with reuse makes far fewer password logins.
func TestSessionReuseKeepsVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite four times per server configuration: not in -short")
	}
	for _, config := range []string{"", "consent=remembered", "offer=id_token token|id_token"} {
		name := config
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			type run struct {
				label string
				rep   *suite.Report
			}
			var runs []run
			for _, fresh := range []bool{true, false} {
				for _, concurrency := range []int{1, 4} {
					label := fmt.Sprintf("reuse, concurrency %d", concurrency)
					if fresh {
						label = fmt.Sprintf("--fresh-login, concurrency %d", concurrency)
					}
					runs = append(runs, run{label, runSessions(t, config, fresh, concurrency)})
				}
			}
			want := runs[0]
			for _, got := range runs[1:] {
				if d := verdictDiff(want.rep, got.rep); d != "" {
					t.Errorf("%s judged otherwise than %s:\n%s", got.label, want.label, d)
				}
			}
			n := len(want.rep.Results)
			for _, r := range runs {
				t.Logf("%s: %d password logins for %d scenarios", r.label, r.rep.Info.PasswordLogins, n)
			}
			freshLogins, reused := runs[0].rep.Info.PasswordLogins, runs[2].rep.Info.PasswordLogins
			if reused >= freshLogins/2 {
				t.Errorf("reuse made %d password logins, --fresh-login %d: the session is not reused", reused, freshLogins)
			}
			if config == "" && reused*10 > n {
				t.Errorf("reuse made %d password logins for %d scenarios: more than 10 %%", reused, n)
			}
		})
	}
}

// runSessions runs every scenario against a new reference server playing
// config, with or without --fresh-login.
func runSessions(t *testing.T, config string, fresh bool, concurrency int) *suite.Report {
	t.Helper()
	tg, stop, err := referenceTarget(refserver.Options{Config: mustParseConfig(t, config)})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	tg.FreshLogin = fresh
	if err := tg.Preflight(context.Background(), ""); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	rep, err := suite.Run(context.Background(), suite.Config{Target: tg, Format: "progress", Concurrency: concurrency, Strict: true, BCP: true})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// verdictDiff lists the scenarios whose verdicts differ, with both
// messages; "" when every scenario has the same verdict in both.
func verdictDiff(a, b *suite.Report) string {
	bs := map[string]suite.Result{}
	for _, r := range b.Results {
		bs[r.Name] = r
	}
	var out []string
	for _, r := range a.Results {
		o, ok := bs[r.Name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("  %q: %s, then missing", r.Name, r.Verdict))
		case o.Verdict != r.Verdict:
			out = append(out, fmt.Sprintf("  %q: %s (%s), then %s (%s)", r.Name, r.Verdict, r.Message, o.Verdict, o.Message))
		}
		delete(bs, r.Name)
	}
	for name, o := range bs {
		out = append(out, fmt.Sprintf("  %q: missing, then %s", name, o.Verdict))
	}
	return strings.Join(out, "\n")
}

// TestFreshBrowserSteps: each entry of the list of steps that need a fresh
// browser still matches a step of the features, and the scenarios whose
// judgement needs no session, the login page or the consent page get a
// fresh browser (the consent page only where the server remembers consent),
// while one that needs only a signed-in resource owner does not.
func TestFreshBrowserSteps(t *testing.T) {
	all, err := suite.Scenarios("")
	if err != nil {
		t.Fatal(err)
	}
	browser := map[string]steps.Browser{}
	for _, sc := range all {
		var texts []string
		for _, st := range sc.Steps {
			texts = append(texts, st.Text)
		}
		browser[sc.Name] = steps.BrowserFor(texts)
	}
	for _, p := range steps.FreshBrowserSteps() {
		re := regexp.MustCompile(p)
		used := false
		for _, sc := range all {
			for _, st := range sc.Steps {
				used = used || re.MatchString(st.Text)
			}
		}
		if !used {
			t.Errorf("no step of the features matches %q: a stale entry", p)
		}
	}
	fresh := []string{
		"prompt=none without a session is answered with an interaction error",
		"An unregistered redirect URI is never redirected to, even when prompt=none finds no session",
		"Every page of the flow is served over https",
		"Login and consent pages cannot be framed by other sites",
		"Markup in the state is shown escaped on the login and consent pages",
		"The password is not re-posted by the redirect after the login form",
		"The login page does not send the browser to an address from its parameters",
		"prompt=login asks a signed-in resource owner to sign in again",
		"A sign-in older than max_age is made again",
		"Two sign-ins of the same resource owner to the same client get the same sub",
	}
	for _, name := range fresh {
		if b, ok := browser[name]; !ok || b.Fresh == "" {
			t.Errorf("%q: no fresh browser (%v, known %v)", name, b, ok)
		}
	}
	for _, name := range []string{"A denied request is reported as access_denied", "A consent forged by another site issues no token"} {
		if b := browser[name]; b.Fresh != "" || b.Consent == "" {
			t.Errorf("%q: %+v, want a fresh browser only where consent is remembered", name, b)
		}
	}
	for _, name := range []string{"A valid implicit request ends at the client with an access token", "Access tokens from twenty flows are all different"} {
		if b := browser[name]; b != (steps.Browser{}) {
			t.Errorf("%q: %+v, want a copy of the run's session", name, b)
		}
	}
	n := 0
	for _, b := range browser {
		if b.Fresh != "" {
			n++
		}
	}
	t.Logf("%d of %d scenarios need a fresh browser", n, len(all))
}
