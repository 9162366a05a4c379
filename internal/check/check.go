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
	// Warning marks a finding the catalogue grades WARN inside a row of a
	// stricter level (SCOPE-01's error page where a redirect was due, OIDC-07's
	// unspecified ID token): the suite reports it as a @should failure is
	// reported, a warning unless --strict.
	Warning bool
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

// Warn builds a warning-grade Finding for requirement id (Finding.Warning).
// Like Fail it judges nothing itself.
func Warn(id, format string, args ...any) error {
	return &Finding{ID: id, Clause: Lookup(id).Clause, Msg: fmt.Sprintf(format, args...), Warning: true}
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

// errorResponse finds the error response in what reached the client: the
// response parameters (fragment or form), else the query. where names it.
func (e *Ending) errorResponse() (ps fragment.Params, where string, ok bool) {
	if !e.Left {
		return nil, "", false
	}
	if _, has := e.Response().Get("error"); has {
		where = "fragment"
		if e.Method == "POST" {
			where = "form body"
		}
		return e.Response(), where, true
	}
	if _, has := e.Query.Get("error"); has {
		return e.Query, "query", true
	}
	return nil, "", false
}

// served: the browser was sent on with no error. Whether the token is a good
// one (TOK-01) and where it went (RDR-01) are judged by their own scenarios.
func (e *Ending) served() bool {
	return e.Left && !HasErrorResponse(e)
}

// Succeeded reports whether the flow was served: it ended at the client
// with the credential parameter of the response type asked for and no
// error. This is the positive control of every negative verdict (catalogue
// §1.1): what the credential holds and where it went are judged elsewhere.
// It judges no requirement itself.
func Succeeded(e *Ending) bool {
	return e.answered() && !HasErrorResponse(e)
}

// TokenParams returns the parameters that carry the credential (the access
// token, or the ID token of response_type=id_token): the fragment, the form
// body or, wrongly, the query — where they were put is judged by
// FRAG-01/02, not by the checks of their content. An accessor; it judges
// nothing.
func (e *Ending) TokenParams() fragment.Params {
	for _, ps := range []fragment.Params{e.Response(), e.Fragment, e.Form, e.Query} {
		if ps.Count(e.credential()) > 0 {
			return ps
		}
	}
	return e.Response()
}

// ErrorParams returns the parameters that carry an error response (the
// fragment or form, else the query), and whether there is one. An accessor;
// it judges nothing.
func (e *Ending) ErrorParams() (fragment.Params, bool) {
	for _, ps := range []fragment.Params{e.Response(), e.Query} {
		if ps.Count("error") > 0 {
			return ps, true
		}
	}
	return nil, false
}
