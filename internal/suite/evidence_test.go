package suite_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/leak"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

// referenceRun starts the embedded reference server with opts, proves the
// baseline and runs every scenario against it; it returns the server (for
// its Secrets), the target (for its Preparation and redactor) and the report.
func referenceRun(t *testing.T, opts refserver.Options) (*refserver.Server, *target.Target, *suite.Report) {
	t.Helper()
	srv, err := refserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p, err := profile.Parse(srv.ProfileYAML(), "", os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := target.New(context.Background(), p, target.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Preflight(context.Background(), ""); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	rep, err := suite.Run(context.Background(), suite.Config{Target: tg, Concurrency: 4, Strict: true, BCP: true})
	if err != nil {
		t.Fatal(err)
	}
	return srv, tg, rep
}

// TestEvidenceComplete: every scenario that was judged shows what it was
// judged on — the flow, the side requests (userinfo, JWKS, registration, the
// TLS probe), the discovery document or the profile it read. Only a
// scenario skipped before it sent anything may have none. The run's
// preparation shows discovery and each preflight flow.
func TestEvidenceComplete(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite: not in -short")
	}
	_, tg, rep := referenceRun(t, refserver.Options{})
	var bare []string
	for _, r := range rep.Results {
		if strings.ContainsAny(r.Message, "\r\n") {
			t.Errorf("%q: the message is not one line: %q", r.Name, r.Message)
		}
		if !r.Evidence.Empty() {
			continue
		}
		if r.Verdict != suite.Skipped {
			t.Errorf("%s %q has no evidence", r.Verdict, r.Name)
		} else {
			bare = append(bare, r.Name)
		}
	}
	t.Logf("%d scenarios; skipped before any request, without evidence: %d %q", len(rep.Results), len(bare), bare)
	t.Logf("the run's redactor knows %d secrets", tg.Redactor().Len())
	prep := tg.Preparation()
	if len(prep.Groups) < 2 || prep.Groups[0].Label != "discovery" || len(prep.Groups[0].Exchanges) == 0 {
		t.Errorf("preparation:\n%s", prep.Text())
	}
	for _, label := range []string{"TLS probe", "userinfo", "JWKS", "registration"} {
		if !anyGroup(rep, label) {
			t.Errorf("no scenario shows a %q exchange", label)
		}
	}
}

// anyGroup says whether some scenario's evidence has a group so labelled,
// with an exchange.
func anyGroup(rep *suite.Report, label string) bool {
	for _, r := range rep.Results {
		for _, g := range r.Evidence.Groups {
			if g.Label == label && len(g.Exchanges) > 0 {
				return true
			}
		}
	}
	return false
}

// TestNoSecretInReport: no secret the reference server issued or was given
// — password, access and ID tokens, refresh tokens and codes a fault adds,
// session and browser cookies — appears in any verdict's message, step
// error or evidence, nor in the run's preparation, as written or
// URL-decoded, HTML-unescaped or base64-decoded. The faults put tokens in
// odd places: the query, a GET form, an error response, a server-error
// page; the form_post scenarios put them in a page's inputs.
func TestNoSecretInReport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite twice: not in -short")
	}
	runs := [][]refserver.Fault{
		{"token-in-query", "refresh-token-issued", "code-added", "token-beside-error", "omitted-scope-server-error",
			"form-post-method-get", "id-token-added", "tokens-sequential", "errors-in-query"},
		{"response-in-query", "access-token-non-ascii", "form-post-action-rewritten", "oidc-access-token-for-id-token",
			"userinfo-rejects-tokens", "unknown-client-page-unescaped"},
	}
	for i, faults := range runs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			srv, tg, rep := referenceRun(t, refserver.Options{Faults: faults})
			secrets := srv.Secrets()
			if len(secrets) < 100 {
				t.Fatalf("the server issued only %d secrets: the run did not exercise the flow", len(secrets))
			}
			t.Logf("%d secrets issued; the run's redactor knows %d", len(secrets), tg.Redactor().Len())
			// Masking by name catches most; what nobody names (a token a
			// page quotes) only the registered literal catches.
			var unknown []string
			for _, s := range secrets {
				if !tg.Redactor().Knows(s) {
					unknown = append(unknown, s)
				}
			}
			if len(unknown) > 0 {
				t.Errorf("the run's redactor was never told %d of the secrets the server issued", len(unknown))
			}
			for _, r := range rep.Results {
				for _, field := range resultTexts(r) {
					if found := leak.Find(field.text, secrets); len(found) > 0 {
						t.Errorf("%q: %s shows %d secret(s), e.g. %q", r.Name, field.where, len(found), found[0])
					}
				}
			}
			for _, text := range evidenceTexts(tg.Preparation()) {
				if found := leak.Find(text, secrets); len(found) > 0 {
					t.Errorf("the preparation shows %d secret(s), e.g. %q", len(found), found[0])
				}
			}
		})
	}
}

type placedText struct{ where, text string }

// resultTexts are every text a report writer may take from r.
func resultTexts(r suite.Result) []placedText {
	out := []placedText{{"the message", r.Message}, {"the evidence as text", r.Evidence.Text()}}
	for _, st := range r.Steps {
		out = append(out, placedText{"the error of step " + st.Text, st.Error})
	}
	for _, s := range evidenceTexts(r.Evidence) {
		out = append(out, placedText{"a field of the evidence", s})
	}
	return out
}

// evidenceTexts are every string field of ev.
func evidenceTexts(ev evidence.Evidence) []string {
	out := append([]string{ev.ResponseType}, ev.Actions...)
	for _, g := range ev.Groups {
		out = append(out, g.Label, g.Note)
		for _, x := range g.Exchanges {
			out = append(out, x.Method, x.URL, x.Via, x.RequestBody, x.Err, x.Body, x.Note)
			for _, p := range append(append([]evidence.Pair(nil), x.Header...), x.Fragment...) {
				out = append(out, p.Name, p.Value)
			}
		}
	}
	return out
}
