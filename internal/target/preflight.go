package target

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
)

// All asks Preflight to prove every implicit response type the target
// offers (--response-type all).
const All = "all"

// Preflight proves the baseline before any scenario runs: the implicit
// client's request, at its first registered redirect URI, reaches the
// client with a token or ID token. It chooses the response type under test
// (want "" or All: the first offered of token, id_token token, id_token;
// otherwise want itself), and records each attempt, so that Offers and the
// positive controls know what the target really serves.
//
// Every implicit type the target lists is tried (all three when it lists
// none), so a type refused in any shape — an error redirect in the fragment
// or the query, an error page before or after the login — is never taken
// for the flow. When none can be completed the run cannot judge anything:
// the error names the page the flow stopped on and the profile keys to
// check.
func (t *Target) Preflight(ctx context.Context, want string) error {
	candidates := t.candidates(want)
	results, err := t.runBaselines(ctx, candidates)
	for _, r := range results {
		t.attempts = append(t.attempts, r.probe) // evidence, whatever happened (Preparation)
	}
	if err != nil {
		return t.harnessError(err)
	}
	for i, rt := range candidates {
		t.probes[rt] = results[i].probe
		t.controls.seed(results[i].probe)
	}
	for _, rt := range candidates {
		if t.probes[rt].OK {
			t.ResponseType = rt
			break
		}
	}
	if t.ResponseType == "" {
		return t.baselineError(candidates)
	}
	for _, rt := range candidates {
		if listed, _ := t.lists(rt); listed && !t.probes[rt].OK {
			t.Warnings = append(t.Warnings, fmt.Sprintf("the target lists response_type %q, but its baseline request %s; "+
				"scenarios about the flow use %q", rt, t.probes[rt].Describe, t.ResponseType))
		}
	}
	return nil
}

// runBaselines runs each candidate's baseline flow, in the candidates'
// order. The first served flow signs the run in (session.go); the
// candidates after it start from copies of that session, all at once (up
// to Concurrency): at 50 ms a round trip, three flows one after the other
// were a second of every run's wall time that no --concurrency shortened.
// Until a flow is served, each candidate signs in by itself, in turn.
func (t *Target) runBaselines(ctx context.Context, candidates []string) ([]baselineRun, error) {
	c := t.Profile.Clients.Implicit
	uri := c.RedirectURIs[0]
	results := make([]baselineRun, 0, len(candidates))
	for i, rt := range candidates {
		r, err := t.baseline(ctx, c, uri, rt, nil)
		results = append(results, r)
		if err != nil {
			return results, err
		}
		if !r.probe.OK || t.FreshLogin || t.session == nil {
			continue
		}
		t.session.seed(r.jar.Clone(), r.out)
		rest, err := t.baselinesFrom(ctx, r.jar, candidates[i+1:])
		return append(results, rest...), err
	}
	return results, nil
}

// baselinesFrom runs the baseline flows of rts concurrently, each from its
// own copy of the signed-in jar. The results keep rts' order; the error is
// the first candidate's, in that order.
func (t *Target) baselinesFrom(ctx context.Context, signedIn *agent.Jar, rts []string) ([]baselineRun, error) {
	c := t.Profile.Clients.Implicit
	results := make([]baselineRun, len(rts))
	errs := make([]error, len(rts))
	sem := make(chan struct{}, max(1, t.Concurrency))
	var wg sync.WaitGroup
	for i, rt := range rts {
		jar := signedIn.Clone()
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = t.baseline(ctx, c, c.RedirectURIs[0], rt, jar)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return results[:i+1], err
		}
	}
	return results, nil
}

// candidates are the response types Preflight tries, in order of preference.
func (t *Target) candidates(want string) []string {
	if want != "" && want != All {
		return []string{want}
	}
	var listed []string
	for _, rt := range Implicit() {
		if ok, _ := t.lists(rt); ok {
			listed = append(listed, rt)
		}
	}
	if len(listed) == 0 {
		// No list, or one that names no implicit type: find out.
		return Implicit()
	}
	return listed
}

// harnessError words an error of the browser or the page reader.
func (t *Target) harnessError(err error) error {
	var ae *agent.Error
	var ie *interact.Error
	switch {
	case errors.As(err, &ae):
		return fmt.Errorf("target unreachable: %w", err)
	case errors.As(err, &ie) && ie.Kind == interact.KindLoginRejected:
		return fmt.Errorf("login rejected for %q (check resource_owner in the target profile): %w", t.Profile.ResourceOwner.Username, err)
	}
	return err
}

// BaselineError is Preflight's failure: no response type's baseline request
// could be completed.
type BaselineError struct{ Msg string }

func (e *BaselineError) Error() string { return e.Msg }

func (t *Target) baselineError(tried []string) error {
	c := t.Profile.Clients.Implicit
	var how []string
	for _, rt := range tried {
		how = append(how, fmt.Sprintf("response_type=%q %s", rt, t.probes[rt].Describe))
	}
	types, source := t.Listed()
	offered := "the target lists no response types"
	if types != nil {
		offered = fmt.Sprintf("%s: %s", source, strings.Join(types, ", "))
	}
	keys := []string{
		fmt.Sprintf("clients.implicit.client_id (%q)", c.ClientID),
		fmt.Sprintf("clients.implicit.redirect_uris (%q must be registered for it, exactly)", c.RedirectURIs[0]),
		fmt.Sprintf("authorization_endpoint (%s)", t.Profile.AuthorizationEndpoint),
		"interaction (hints for login and consent pages the harness did not understand)",
	}
	if !slices.ContainsFunc(types, func(s string) bool {
		return slices.ContainsFunc(Implicit(), func(rt string) bool { return profile.SameResponseType(s, rt) })
	}) && types != nil {
		keys = append(keys, "response_types (which implicit response types the client may use)")
	}
	return &BaselineError{Msg: fmt.Sprintf("the baseline request of the implicit client did not reach the client with a token "+
		"or ID token, so no verdict would mean anything (%s). %s. Check in the target profile: %s",
		offered, strings.Join(how, "; "), strings.Join(keys, "; "))}
}
