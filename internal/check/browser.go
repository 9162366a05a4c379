package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/fragment"
)

// Step 4 of the flow, as a real browser plays it (RFC 6749 §4.2, (C) to (F)):
// the server redirects with the response in the fragment, the browser keeps the
// fragment, follows the redirects (a Location without a fragment inherits the
// request's, RFC 9110 §10.2.2), loads the client's page without sending the
// fragment, and the page's script reads it from location.hash.

// TokenRedirect is the first exchange whose Location carries a token (access
// or ID token, in the fragment or the query): the server's answer to the
// authorization request. ok is false when the flow sent none.
func TokenRedirect(xs []agent.Hop) (agent.Hop, bool) {
	for _, x := range xs {
		if x.Location == "" {
			continue
		}
		if tokenIn(x.Location) != "" {
			return x, true
		}
	}
	return agent.Hop{}, false
}

// tokenIn names the first of access_token and id_token that a Location
// carries, in its query or its fragment ("" for none).
func tokenIn(location string) string {
	q, f, _ := fragment.FromURL(location)
	qp, _ := fragment.Parse(q)
	fp, _ := fragment.Parse(f)
	for _, name := range []string{"access_token", "id_token"} {
		if qp.Count(name)+fp.Count(name) > 0 {
			return name
		}
	}
	return ""
}

// credentials are the response parameters a page must find as sent.
var credentials = []string{"access_token", "id_token", "token_type", "state"}

// PageReadToken judges FRAG-01 at step (F): the script of the client's page,
// reading location.hash, found the access token (or, for id_token, the ID
// token) and the state the server's redirect carried in its fragment. read
// are the parameters the page decoded (callback's page script).
func PageReadToken(id string, sent fragment.Params, read map[string]string) error {
	cred := "access_token"
	if sent.Count(cred) == 0 {
		cred = "id_token"
	}
	want, ok := sent.Get(cred)
	if !ok {
		return Fail(id, "the server's redirect carried no access token or ID token in its fragment, so the client's page could not read one from location.hash")
	}
	got, found := read[cred]
	switch {
	case !found:
		return Fail(id, "the client's page found no %s in location.hash (it read %s); the server's redirect had put one in the fragment",
			cred, describeNames(read))
	case got != want:
		return Fail(id, "the client's page read a %s from location.hash that differs from the one in the server's redirect (%d characters, sent %d)",
			cred, len(got), len(want))
	}
	if s, sentState := sent.Get("state"); sentState {
		if r, ok := read["state"]; !ok || r != s {
			return Fail(id, "the client's page read state %q from location.hash, the server's redirect carried %q", r, s)
		}
	}
	return nil
}

// FragmentSurvived judges FRAG-01 across the redirects of the flow: every
// parameter of the fragment the server's token redirect carried is in the
// fragment the browser holds at the client's page, unchanged, and nothing
// was added. A Location without a fragment inherits the request's (RFC 9110
// §10.2.2); one with a fragment replaces it, and a script navigation drops it.
// hops is how many navigations came after the token redirect, for the message.
func FragmentSurvived(id, sentFragment, landedHash string, hops int) error {
	sent, _ := fragment.Parse(sentFragment)
	landed, _ := fragment.Parse(strings.TrimPrefix(landedHash, "#"))
	var missing, changed []string
	for _, p := range sent {
		switch v, ok := landed.Get(p.Name); {
		case !ok:
			missing = append(missing, p.Name)
		case v != p.Value && !isCredential(p.Name):
			changed = append(changed, fmt.Sprintf("%s (sent %q, arrived %q)", p.Name, p.Value, v))
		case v != p.Value:
			changed = append(changed, p.Name)
		}
	}
	after := fmt.Sprintf("after %d further navigation(s)", hops)
	switch {
	case len(missing) == len(sent) && len(sent) > 0:
		return Fail(id, "the fragment of the server's token redirect did not reach the client's page %s: the page's location.hash is %s",
			after, describeHash(landedHash, landed))
	case len(missing) > 0:
		return Fail(id, "parameters of the server's fragment were lost on the way to the client's page %s: %s", after, strings.Join(missing, ", "))
	case len(changed) > 0:
		return Fail(id, "parameters of the server's fragment arrived changed at the client's page %s: %s", after, strings.Join(changed, "; "))
	}
	return nil
}

func isCredential(name string) bool {
	return name == "access_token" || name == "id_token" || name == "code"
}

func describeHash(raw string, ps fragment.Params) string {
	if strings.TrimPrefix(raw, "#") == "" {
		return "empty"
	}
	return fmt.Sprintf("%q with parameters %s", "#…", strings.Join(ps.Names(), ", "))
}

func describeNames(read map[string]string) string {
	if len(read) == 0 {
		return "nothing"
	}
	names := make([]string, 0, len(read))
	for n := range read {
		names = append(names, n)
	}
	slices.Sort(names)
	return "only " + strings.Join(names, ", ")
}

// NoTokenAtClientServer judges FRAG-02 at step (E): the client's web server,
// which a real browser loaded the page from and sent its onward requests to,
// never received the token: not in a path, a query, a header (Referer) or a
// body. places are where it was found (callback.Found), already unquoted.
func NoTokenAtClientServer(id string, places []string) error {
	if len(places) == 0 {
		return nil
	}
	return Fail(id, "the token reached the client's web server, which only the fragment kept from it: %s", strings.Join(places, "; "))
}

// ReferrerPolicyOnTokenPath judges SEC-03 in a real browser (RFC 9700
// §4.2.4): the token redirect sets a referrer policy that keeps addresses
// from other origins, or every page of the server the browser rendered before
// it does. xs are the flow's exchanges; redirect is TokenRedirect's.
func ReferrerPolicyOnTokenPath(id string, xs []agent.Hop, redirect agent.Hop) error {
	if pol := referrerPolicy(redirect); safeReferrer[pol] {
		return nil
	}
	var unsafe []string
	for _, p := range pages(xs) {
		if pol := referrerPolicy(p); !safeReferrer[pol] {
			if pol == "" {
				pol = "none"
			}
			unsafe = append(unsafe, fmt.Sprintf("%s: %s", where(p), pol))
		}
	}
	if len(unsafe) == 0 {
		return nil
	}
	pol := referrerPolicy(redirect)
	if pol == "" {
		pol = "none"
	}
	return Fail(id, "neither the token redirect (%s, Referrer-Policy %s) nor every page before it keeps its address from other origins; "+
		"expected no-referrer, same-origin or strict-origin*; pages without one: %s", where(redirect), pol, strings.Join(unsafe, "; "))
}
