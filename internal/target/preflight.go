package target

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
	c := t.Profile.Clients.Implicit
	uri := c.RedirectURIs[0]
	candidates := t.candidates(want)
	// The first served flow signs the run in (session.go): the later
	// candidates start from a copy of it, and so do the scenarios that
	// only need a signed-in resource owner.
	var signedIn *agent.Jar
	for _, rt := range candidates {
		var jar *agent.Jar
		if signedIn != nil {
			jar = signedIn.Clone()
		}
		r, err := t.baseline(ctx, c, uri, rt, jar)
		p := r.probe
		t.attempts = append(t.attempts, p) // evidence, whatever happened (Preparation)
		if err != nil {
			return t.harnessError(err)
		}
		t.probes[rt] = p
		t.controls.seed(p)
		if p.OK && signedIn == nil && !t.FreshLogin && t.session != nil {
			signedIn = r.jar
			t.session.seed(r.jar.Clone(), r.out)
		}
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
