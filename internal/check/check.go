// Package check holds the judgements: pure functions over what the flow ended
// in, each returning nil or a Finding that names the clause, what was expected
// and what was seen. It does no I/O; the steps feed it.
//
// It is also the requirement spine: the catalogue (catalogue.go) is the one
// list of requirements, covered or not, and every exported judgement names in
// its doc comment the catalogue rows it judges, so that one grep for an ID
// (grep -rn STATE-03 features internal/check) leads from the requirement to
// its scenarios and its checks. spine_test.go keeps both true.
package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// Finding is a failed requirement, what every judgement returns; ID is its
// catalogue row. Its message is one line, clause first:
// RFC 6749 §4.2.2 (STATE-01): state not echoed: sent "a+b", got "a b"
type Finding struct {
	ID     string
	Clause string
	Msg    string
}

// Error renders the finding, clause first. It judges nothing.
func (f *Finding) Error() string {
	if f.Clause == "" {
		return fmt.Sprintf("(%s): %s", f.ID, f.Msg)
	}
	return fmt.Sprintf("%s (%s): %s", f.Clause, f.ID, f.Msg)
}

// Fail builds a Finding for requirement id. It judges nothing itself: the
// judgements call it with the ID their caller passed (the step's, from the
// scenario's tag), which is why it is the one error-returning export whose
// comment names no requirement. URLs in the message must already be redacted
// by the caller (Describe and Target do it).
func Fail(id, format string, args ...any) error {
	return &Finding{ID: id, Clause: Lookup(id).Clause, Msg: fmt.Sprintf(format, args...)}
}

// Ending is what the authorization flow ended in, as the client sees it: the
// evidence the flow judgements read. It and its accessors judge nothing.
type Ending struct {
	// Left is true when the browser was sent away from the authorization
	// server: to the client, or anywhere else.
	Left     bool
	Via      string // "HTTP 303 redirect", "self-submitting form", "meta refresh", "script"
	Method   string // GET, or POST for a form
	Target   string // the raw target URL, byte for byte, fragment included
	ToClient bool   // the target is one of the client's URIs (query and fragment aside)

	// Credential is the response parameter that carries what the request's
	// response_type asked for: "access_token" (token, id_token token; the
	// default when empty) or "id_token" (id_token alone, which issues no
	// access token: Multiple Response Type Encoding Practices §3).
	Credential string

	Query, Fragment, Form fragment.Params
	HasFragment           bool
	Problems              []fragment.Problem // encoding problems in the fragment or form

	// When the flow stopped on a page of the server.
	StoppedAt string
	Status    int
	Title     string
	Reason    string
}

// Response returns the parameters that carry the authorization response:
// the form body for a POST, else the fragment. An accessor; it judges nothing.
func (e *Ending) Response() fragment.Params {
	if e.Method == "POST" {
		return e.Form
	}
	return e.Fragment
}

// Describe says in a few words how the flow ended, with secrets masked, for
// the findings' messages. It judges nothing.
func (e *Ending) Describe() string {
	if e.Left {
		return fmt.Sprintf("sent to %s by %s", redact.Params(e.Target), e.Via)
	}
	s := fmt.Sprintf("stopped on %s (HTTP %d", redact.Params(e.StoppedAt), e.Status)
	if e.Title != "" {
		s += fmt.Sprintf(", %q", e.Title)
	}
	s += ")"
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// TargetBeforeFragment is the raw target up to its fragment: what a
// redirect URI is compared with (RFC 6749 §3.1.2.3: simple string comparison).
// An accessor; TargetIs and the steps judge with it.
func (e *Ending) TargetBeforeFragment() string {
	target, _, _ := strings.Cut(e.Target, "#")
	return target
}

// CredentialParam is the parameter whose presence means the request was
// served: access_token, or id_token for response_type=id_token. An accessor
// for the steps; it judges nothing.
func (e *Ending) CredentialParam() string { return e.credential() }

// credential is the parameter whose presence means the request was served.
func (e *Ending) credential() string {
	if e.Credential == "" {
		return "access_token"
	}
	return e.Credential
}

// credentialName is the credential in words, for messages.
func (e *Ending) credentialName() string {
	if e.credential() == "id_token" {
		return "ID token"
	}
	return "access token"
}

// answered reports whether the flow ended at the client in a token
// response: the credential parameter is there, whatever it holds. It is not
// "a token was issued" (issued says that): a response with an empty
// access_token still shows the server serves the request, which is what the
// positive controls and the judgements of the response's other parameters
// need, while TOK-01 judges the emptiness.
func (e *Ending) answered() bool {
	return e.Left && len(e.carriers(e.credential())) > 0
}

// tokenParams are the response parameters that hand over a credential.
var tokenParams = []string{"access_token", "id_token", "code"}

// anyCarrier reports where a parameter appears: "fragment", "query", "form".
func (e *Ending) carriers(name string) []string {
	var where []string
	if e.Fragment.Count(name) > 0 {
		where = append(where, "fragment")
	}
	if e.Query.Count(name) > 0 {
		where = append(where, "query")
	}
	if e.Form.Count(name) > 0 {
		where = append(where, "form body")
	}
	return where
}

// ClientGetsToken judges AEP-01, AEP-02 and STATE-06, and is the finding of
// RDR-01, RDR-11, RDR-18, FRAG-08 and TOK-08 when no token arrives at all: the
// flow ends at the client with a non-empty credential of the response type
// asked for: the access token, or the ID token for response_type=id_token —
// wherever it was put, which is judged elsewhere. The checks of a token
// response's content call it first (issued), so a missing token is reported
// the same way under their IDs.
func ClientGetsToken(id string, e *Ending) error {
	if !e.Left {
		return Fail(id, "no %s issued: the flow %s", e.credentialName(), e.Describe())
	}
	if e.issued() {
		return nil
	}
	if code, ok := e.Response().Get("error"); ok {
		return Fail(id, "no %s issued: the server answered error=%q (%s)", e.credentialName(), code, e.Describe())
	}
	return Fail(id, "no %s issued: %s with no %s", e.credentialName(), e.Describe(), e.credential())
}

// issued reports whether a non-empty credential of the response type asked
// for reached the client, in the fragment, the query or a form. It is the one
// answer to "was a token issued": an empty access_token is no token (TOK-01
// judges it), so every judgement that asks uses this.
func (e *Ending) issued() bool {
	for _, ps := range []fragment.Params{e.Fragment, e.Query, e.Form} {
		if v, ok := ps.Get(e.credential()); ok && v != "" {
			return true
		}
	}
	return false
}

// InFragment judges FRAG-01 and FRAG-06: the success parameters are in the
// fragment (RFC 6749 §4.2.2; OpenID Connect Core §3.2.2.5 for the ID token).
func InFragment(id string, e *Ending) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	if e.Method == "POST" {
		return Fail(id, "expected the response in the fragment of a redirect, got a form POST to %s", redact.Params(e.Target))
	}
	cred := e.credential()
	if _, ok := e.Fragment.Get(cred); ok {
		return nil
	}
	if w := e.carriers(cred); len(w) > 0 {
		return Fail(id, "%s is in the %s, not the fragment (%s)", cred, strings.Join(w, " and "), e.Describe())
	}
	if !e.HasFragment {
		return Fail(id, "the redirect has no fragment (%s)", e.Describe())
	}
	return Fail(id, "the fragment holds no %s, only %s", cred, names(e.Fragment))
}

// QueryAsRegistered judges FRAG-02: nothing is added to the redirect URI's
// query — no credential or response parameter leaks into it (MRT §5, RFC 6750
// §5.3).
func QueryAsRegistered(id string, e *Ending, registered string) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	regQuery, _, _ := fragment.FromURL(registered)
	gotQuery, _, _ := fragment.FromURL(e.Target)
	if gotQuery == regQuery {
		return nil
	}
	reg, _ := fragment.Parse(regQuery)
	var added []string
	for _, p := range e.Query {
		if reg.Count(p.Name) == 0 {
			added = append(added, p.Name)
		}
	}
	if len(added) > 0 {
		return Fail(id, "parameters added to the query of the redirect URI: %s (expected query %q)", strings.Join(unique(added), ", "), regQuery)
	}
	return Fail(id, "the query of the redirect URI changed: expected %q, got %q", regQuery, redact.Params(gotQuery))
}

// AccessToken judges TOK-01 and TOK-09: access_token is present and non-empty
// in the response.
func AccessToken(id string, e *Ending) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	v, ok := e.Response().Get("access_token")
	switch {
	case !ok:
		return Fail(id, "access_token missing from the response (got %s)", names(e.Response()))
	case v == "":
		return Fail(id, "access_token is empty")
	}
	return nil
}

// TokenType judges TOK-03: token_type is present and non-empty. Its value is
// compared case-insensitively elsewhere (RFC 6749 §5.1: "bearer" = "Bearer").
func TokenType(id string, e *Ending) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	v, ok := e.Response().Get("token_type")
	switch {
	case !ok:
		return Fail(id, "token_type missing from the response (got %s)", names(e.Response()))
	case strings.TrimSpace(v) == "":
		return Fail(id, "token_type is empty")
	}
	return nil
}

// StateEchoed judges STATE-01, STATE-03 and STATE-05, and STATE-08 through
// StateEchoedOrRefused: the state comes back exactly, after one form-decoding.
func StateEchoed(id string, e *Ending, sent string) error {
	if err := leftForClient(id, e); err != nil {
		return err
	}
	got, ok := e.Response().Get("state")
	if !ok {
		return Fail(id, "state not echoed: sent %q, got no state parameter", sent)
	}
	if got != sent {
		return Fail(id, "state not echoed: sent %q, got %q", sent, got)
	}
	if n := e.Response().Count("state"); n > 1 {
		return Fail(id, "state returned %d times", n)
	}
	return nil
}

// StateEchoedOrRefused judges STATE-08: the state is echoed exactly, or the
// request is refused; a mangled echo is never acceptable.
func StateEchoedOrRefused(id string, e *Ending, sent string) error {
	if !e.Left {
		return nil // refused on an error page
	}
	if code, ok := e.Response().Get("error"); ok && code == "invalid_request" {
		if got, has := e.Response().Get("state"); has && got != sent {
			return Fail(id, "state refused but returned altered: sent %q, got %q", sent, got)
		}
		return nil
	}
	return StateEchoed(id, e, sent)
}

// NoStateInvented judges STATE-06: a request without state gets no state back.
func NoStateInvented(id string, e *Ending) error {
	if !e.Left {
		return nil
	}
	for _, where := range []fragment.Params{e.Fragment, e.Query, e.Form} {
		if v, ok := where.Get("state"); ok && v != "" {
			return Fail(id, "no state was sent, but the response carries state=%q", v)
		}
	}
	return nil
}

// ErrorCode judges RT-04 and ERR-01: the client receives an error response with
// this code, in the fragment (RFC 6749 §4.2.2.1) or, for form_post, in the
// form.
func ErrorCode(id string, e *Ending, want string) error {
	if !e.Left {
		return Fail(id, "expected error=%s sent to the client, but the flow %s", want, e.Describe())
	}
	if e.issued() {
		return Fail(id, "expected error=%s, but an %s was issued", want, e.credentialName())
	}
	got, ok := e.Response().Get("error")
	if !ok {
		if q, inQuery := e.Query.Get("error"); inQuery {
			return Fail(id, "error=%s is in the query, not the fragment (RFC 6749 §4.2.2.1)", q)
		}
		return Fail(id, "expected error=%s, got no error parameter (%s; parameters: %s)", want, e.Describe(), names(e.Response()))
	}
	if got != want {
		return Fail(id, "expected error=%s, got error=%s", want, got)
	}
	return nil
}

// ErrorCarriesState judges STATE-02: an error response carries the state
// exactly. Where the error sits (fragment or query) is judged by FRAG-05, not
// here.
func ErrorCarriesState(id string, e *Ending, sent string) error {
	if !e.Left {
		return Fail(id, "expected an error response sent to the client, but the flow %s", e.Describe())
	}
	for _, ps := range []fragment.Params{e.Response(), e.Query} {
		if _, ok := ps.Get("error"); ok {
			got, has := ps.Get("state")
			if !has {
				return Fail(id, "state not echoed on the error response: sent %q, got no state parameter", sent)
			}
			if got != sent {
				return Fail(id, "state not echoed on the error response: sent %q, got %q", sent, got)
			}
			return nil
		}
	}
	return Fail(id, "expected an error response, got %s (parameters: %s)", e.Describe(), names(e.Response()))
}

// NeverRedirected judges the catalogue's NR rule, for AEP-05, CID-01, RDR-03,
// RDR-04, RDR-05, RDR-06, RDR-07, RDR-08, RDR-09, RDR-10, RDR-12, RDR-13,
// RDR-14, RDR-15, RDR-16, RDR-17, RDR-19, RDR-22 and OIDC-06: the browser is
// not sent away from the server at all — not to the URI given, not to a
// registered one — by a 3xx, a meta refresh, a self-submitting form or a
// script.
func NeverRedirected(id string, e *Ending) error {
	if e.Left {
		return Fail(id, "expected no redirect, but the browser was %s", e.Describe())
	}
	return nil
}

// NoToken judges AEP-05, RT-03, RT-04, CID-01, RDR-03, RDR-04, RDR-05, RDR-06,
// RDR-07, RDR-08, RDR-09, RDR-10, RDR-12, RDR-13, RDR-14, RDR-15, RDR-16,
// RDR-17, RDR-19, RDR-22, OIDC-01 and OIDC-06: no credential is issued.
// Refused, RefusedWith, ForgedConsentRefused and
// NotRedirectedOrInvalidRequestAt build on it.
func NoToken(id string, e *Ending) error {
	if !e.Left {
		return nil
	}
	for _, name := range tokenParams {
		if w := e.carriers(name); len(w) > 0 {
			return Fail(id, "a credential (%s) was issued in the %s (%s)", name, strings.Join(w, " and "), e.Describe())
		}
	}
	return nil
}

// TargetIs judges RDR-01 and RDR-11, and RDR-18 through TokenAt: the browser
// is sent to exactly this URI, byte for byte, before the fragment (RFC 6749
// §3.1.2.3: simple string comparison).
func TargetIs(id string, e *Ending, want string) error {
	if !e.Left {
		return Fail(id, "expected a redirect to %s, but the flow %s", want, e.Describe())
	}
	if got := e.TargetBeforeFragment(); got != want {
		return Fail(id, "redirect URI not used exactly as registered: expected %q, got %q", want, redact.Params(got))
	}
	return nil
}

func leftForClient(id string, e *Ending) error {
	if !e.Left {
		return Fail(id, "expected a response sent to the client, but the flow %s", e.Describe())
	}
	if code, ok := e.Response().Get("error"); ok {
		return Fail(id, "expected a successful response, got error=%q (%s)", code, e.Describe())
	}
	if code, ok := e.Query.Get("error"); ok {
		return Fail(id, "expected a successful response, got error=%q in the query (%s)", code, e.Describe())
	}
	return nil
}

func names(ps fragment.Params) string {
	n := ps.Names()
	if len(n) == 0 {
		return "no parameters"
	}
	return strings.Join(n, ", ")
}

func unique(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// ResourceAccepts judges TOK-09: a protected resource answers a request bearing
// the token with success (RFC 6750 §2.1). 401 means the token is not a real
// one.
func ResourceAccepts(id, endpoint string, status int, wwwAuthenticate string) error {
	if status >= 200 && status < 300 {
		return nil
	}
	msg := fmt.Sprintf("the access token was refused at %s: HTTP %d", endpoint, status)
	if wwwAuthenticate != "" {
		msg += fmt.Sprintf(" (WWW-Authenticate: %s)", wwwAuthenticate)
	}
	return Fail(id, "%s", msg)
}
