package suite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

// oidcOnly is an OpenID Connect provider that leaves plain token out of its
// metadata and refuses it in shape r, as real ones do.
func oidcOnly(r refserver.Refusal) refserver.Config {
	return refserver.Config{ResponseTypes: []string{refserver.ResponseTypeIDTokenToken, refserver.ResponseTypeIDToken}, Refusal: r}
}

// mustParseConfig reads a compact server configuration.
func mustParseConfig(t *testing.T, s string) refserver.Config {
	t.Helper()
	c, err := refserver.ParseConfig(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestConformantConfigurations: every kind of conformant server the
// reference server plays passes the whole suite strictly (--strict --bcp):
// no failure, no warning, nothing the harness cannot judge. The flow runs
// with the response type each offers, every refusal shape of an unoffered
// type is recognised, and a denial is judged only when it could be made.
func TestConformantConfigurations(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite once per configuration: not in -short")
	}
	type expect struct {
		scenario, verdict, why string // a scenario's verdict, and words of its message
	}
	denial := "A denied request is reported as access_denied"
	tests := []struct {
		config string
		rt     string // the response type under test
		expect []expect
	}{
		{"offer=token", "token", nil},
		{"offer=id_token", "id_token", []expect{{"The response holds a non-empty access token", "skipped", `"id_token", issues no access token`}}},
		{"consent=remembered", "token", []expect{{denial, "passed", ""}}},
		{"consent=none", "token", []expect{{denial, "skipped", "no consent page with a deny control was shown"},
			{"A consent forged by another site issues no token", "skipped", "no consent form"}}},
	}
	for _, r := range refserver.Refusals() {
		tests = append(tests, struct {
			config string
			rt     string
			expect []expect
		}{oidcOnly(r).String(), "id_token token", []expect{
			{"A plain token response carries no authorization code", "skipped", `response_type "token" is not offered`},
			{"A plain state is echoed exactly", "passed", ""},
			{"A server that does not offer response_type \"token\" issues no token for it", "passed", ""},
			{denial, "passed", ""},
		}})
	}
	// Every page style (a language, a layout, markup) passes with no hints in
	// the profile: the page reader finds the forms and controls by itself.
	for _, style := range refserver.PageStyles() {
		if style != refserver.PagesPlain && !style.NeedsHints() {
			tests = append(tests, struct {
				config string
				rt     string
				expect []expect
			}{"pages=" + string(style), "token", []expect{{denial, "passed", ""}}})
		}
	}
	for _, tt := range tests {
		t.Run(tt.config, func(t *testing.T) {
			env := referenceEnvWith(t, refserver.Options{Config: mustParseConfig(t, tt.config)})
			if got := env.cfg.Target.ResponseType; got != tt.rt {
				t.Errorf("response type under test %q, want %q", got, tt.rt)
			}
			// Scenarios at once, so that the max_age scenarios' waits overlap
			// the rest; verdicts do not depend on the order.
			env.cfg.Concurrency = 4
			rep := env.run(t, true, true)
			for _, r := range rep.Results {
				if r.Verdict != suite.Passed && r.Verdict != suite.Skipped {
					t.Errorf("%s %q: %s", r.Verdict, r.Name, r.Message)
				}
			}
			for _, e := range tt.expect {
				r, ok := result(rep, e.scenario)
				switch {
				case !ok:
					t.Errorf("no scenario %q", e.scenario)
				case string(r.Verdict) != e.verdict || !strings.Contains(r.Message, e.why):
					t.Errorf("%q: %s (%s), want %s with %q", e.scenario, r.Verdict, r.Message, e.verdict, e.why)
				}
			}
			if r, _ := result(rep, "A plain state is echoed exactly"); r.ResponseType != tt.rt || !r.UsesRT {
				t.Errorf("the state scenario asked for response_type %q (uses the type under test: %v), want %q", r.ResponseType, r.UsesRT, tt.rt)
			}
		})
	}
}

func result(rep *suite.Report, name string) (suite.Result, bool) {
	for _, r := range rep.Results {
		if r.Name == name {
			return r, true
		}
	}
	return suite.Result{}, false
}

// TestFaultMatrixOIDCOnly proves the scenarios keep their teeth on an
// OpenID-Connect-only server: every fault that applies when a server offers
// only "id_token token" and "id_token" is caught there too, by the scenarios
// of its own requirements — or by the OpenID Connect scenarios, which ask
// for the same response type and so see the same defect. The matrix is
// written to docs/fault-matrix-oidc-only.md.
func TestFaultMatrixOIDCOnly(t *testing.T) {
	if os.Getenv("IMPLICITSPEC_TAGS") != "" {
		t.Skip("the fault matrix needs every scenario")
	}
	if testing.Short() {
		t.Skip("the fault matrix runs the suite once per fault: not in -short")
	}
	cfg := oidcOnly(refserver.RefusalFragmentUnsupported)
	var faults []refserver.FaultInfo
	var inapplicable []string
	for _, f := range refserver.Faults() {
		if f.AppliesTo(cfg.ResponseTypes) {
			faults = append(faults, f)
		} else {
			inapplicable = append(inapplicable, "`"+string(f.Fault)+"`")
		}
	}
	reports := runFaults(t, faults, cfg)
	var rows []string
	for i, f := range faults {
		failed := judgeFault(t, f, reports[i], cfg.Primary())
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s |", f.Fault, strings.Join(f.Requirements, ", "), strings.Join(failed, "<br>")))
	}
	doc := "# Fault matrix: an OpenID-Connect-only server\n\n" +
		"Generated by `go test ./internal/suite -run TestFaultMatrixOIDCOnly -update`; the test fails when it drifts.\n\n" +
		"The reference server plays an OpenID Connect provider that offers only `id_token token` and `id_token`\n" +
		"(`--reference \"offer=id_token token|id_token\"`): plain `token` is left out of its metadata and refused. The\n" +
		"flow scenarios then run with `id_token token`. Each fault that applies to such a server is switched on in\n" +
		"turn; the scenarios listed fail, every other passes or is skipped. Besides the scenarios of its own\n" +
		"requirements a flow fault may fail the OpenID Connect scenarios, which ask for the same response type.\n\n" +
		"| fault | requirements | scenarios that fail |\n|---|---|---|\n" + strings.Join(rows, "\n") + "\n\n" +
		"Faults that cannot apply to this server (what they break exists only for plain `token`, or for requests\n" +
		"this server refuses either way): " + strings.Join(inapplicable, ", ") + ".\n"
	checkGolden(t, filepath.Join("..", "..", "docs", "fault-matrix-oidc-only.md"), doc)
}

// judgeFault checks one fault's run: it fails something, only scenarios of
// its own requirements or (for a flow on an OpenID Connect primary type) the
// OpenID Connect scenarios of that type, and never leaves the harness unable
// to judge. It returns the names of the scenarios that failed.
func judgeFault(t *testing.T, f refserver.FaultInfo, rep *suite.Report, primary string) []string {
	t.Helper()
	var failed []string
	for _, r := range rep.Results {
		switch r.Verdict {
		case suite.Errored:
			t.Errorf("fault %s: harness could not judge %q: %s", f.Fault, r.Name, r.Message)
		case suite.Failed:
			failed = append(failed, r.Name)
			// On an OpenID Connect primary type the flow scenarios and the
			// OpenID Connect scenarios ask for the same response type, so a
			// defect of that type shows in both.
			oidcFault := f.Reach == refserver.ReachOIDC || f.Reach == refserver.ReachIDTokenToken || f.Reach == refserver.ReachIDTokenAlone
			sameType := target.IsOpenIDConnect(primary) && profile.SameResponseType(r.ResponseType, primary) &&
				(strings.Contains(r.URI, "oidc") || oidcFault)
			if !slices.ContainsFunc(r.IDs, func(id string) bool { return slices.Contains(f.Requirements, id) }) && !sameType {
				t.Errorf("fault %s (%s) fails %q [%s], which is not its own: %s",
					f.Fault, strings.Join(f.Requirements, ","), r.Name, strings.Join(r.IDs, ","), r.Message)
			}
		}
	}
	if len(failed) == 0 {
		t.Errorf("fault %s breaks nothing: no scenario for %s fails", f.Fault, strings.Join(f.Requirements, ","))
	}
	return failed
}

// TestRefusalShapesKeepFaults: whichever shape an OpenID-Connect-only server
// refuses plain token in, a sample of faults from every area is still
// caught by its own scenarios (the full matrix runs on the default shape).
func TestRefusalShapesKeepFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite once per fault and shape: not in -short")
	}
	sample := []refserver.Fault{"state-dropped-on-success", "response-in-query", "redirect-uri-prefix-match",
		"deny-wrong-error", "unknown-client-redirects", "token-redirect-cacheable", "empty-access-token"}
	var faults []refserver.FaultInfo
	for _, name := range sample {
		f, ok := refserver.LookupFault(string(name))
		if !ok {
			t.Fatalf("no fault %s", name)
		}
		for _, fi := range refserver.Faults() {
			if fi.Fault == f {
				faults = append(faults, fi)
			}
		}
	}
	for _, r := range refserver.Refusals()[1:] {
		t.Run(string(r), func(t *testing.T) {
			cfg := oidcOnly(r)
			reports := runFaults(t, faults, cfg)
			for i, f := range faults {
				judgeFault(t, f, reports[i], cfg.Primary())
			}
		})
	}
}

// scenariosWithoutFlow judge something no authorization request decides:
// the endpoint URL as configured, the metadata, the TLS versions, the CORS
// headers of a probe. On a server that refuses every request they may pass;
// nothing else may.
var scenariosWithoutFlow = []string{
	"The authorization endpoint URL has no fragment",
	"The discovery document names an https authorization endpoint without a fragment",
	"The authorization endpoint refuses TLS versions below 1.2",
	"A cross-origin request to the authorization endpoint gets no CORS grant",
	"A CORS preflight to the authorization endpoint is not granted",
}

// TestRefuseEverything: a server that advertises everything but refuses
// every request, in each refusal shape, fails the preflight (exit 2 for a
// user), and — run anyway — passes no scenario that judges a refusal, a
// missing redirect or a missing token: each is skipped because its positive
// control is refused too. Only the scenarios that judge no flow may pass.
func TestRefuseEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite once per refusal shape: not in -short")
	}
	for _, r := range refserver.Refusals() {
		t.Run(string(r), func(t *testing.T) {
			tg, stop, err := referenceTarget(refserver.Options{Config: refserver.Config{RefuseAll: true, Refusal: r}})
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			var be *target.BaselineError
			if err := tg.Preflight(context.Background(), ""); !errors.As(err, &be) {
				t.Fatalf("preflight: %v, want a baseline error", err)
			}
			rep, err := suite.Run(context.Background(), suite.Config{Target: tg.WithResponseType(target.Token),
				Format: "progress", Concurrency: 1, Strict: true, BCP: true})
			if err != nil {
				t.Fatal(err)
			}
			negatives := 0
			for _, res := range rep.Results {
				if res.Negative {
					negatives++
				}
				if strings.Contains(res.Message, "the unmodified request is refused too") && !strings.Contains(res.Evidence.Text(), "the positive control") {
					t.Errorf("%q is skipped for its refused control, but its evidence does not show the control", res.Name)
				}
				if res.Verdict == suite.Passed && !slices.Contains(scenariosWithoutFlow, res.Name) {
					t.Errorf("passed on a server that refuses everything (negative check: %v): %q", res.Negative, res.Name)
				}
			}
			if negatives < 80 {
				t.Errorf("only %d scenarios reached a negative check: the refusals were not judged", negatives)
			}
		})
	}
}

// TestRunEachResponseType: --response-type all judges each flow scenario
// once per offered type, named with it, and every other scenario once.
func TestRunEachResponseType(t *testing.T) {
	env := referenceEnv(t)
	cfg := env.cfg
	cfg.Tags, cfg.Strict, cfg.BCP = "@STATE-01,@AEP-06,@RT-03,@OIDC-03&&@must", true, true
	rep, err := suite.RunEach(context.Background(), cfg, cfg.Target.Offered())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rep.Results {
		names = append(names, r.Name+" "+string(r.Verdict))
	}
	want := []string{
		"A plain state is echoed exactly [response_type=token] passed",
		"The authorization endpoint URL has no fragment passed",
		"The authorization endpoint URL's own query is kept [response_type=token] skipped",
		"The authorization endpoint URL's own query is kept [response_type=id_token token] skipped",
		"The authorization endpoint URL's own query is kept [response_type=id_token] skipped",
		"A server that does not offer response_type \"token\" issues no token for it skipped",
		"A plain state is echoed exactly [response_type=id_token token] passed",
		"A plain state is echoed exactly [response_type=id_token] passed",
		"The ID token issued with an access token carries its at_hash passed", // asks for id_token token itself: once
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
}
