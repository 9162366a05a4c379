// Package redact removes secrets — passwords, tokens, cookies — from anything
// the harness prints, attaches or writes. Auditors read the evidence; nobody
// should be able to lift a live credential from it.
//
// A run has one Redactor. Everything that sees a secret (the browser at each
// hop, the recorder of side requests) registers it there with Add, so that by
// the time a report is written the Redactor knows every secret the run saw,
// in every spelling it may take in an artefact. String also masks by
// structure — secret parameters, inputs and JSON members — what nobody
// registered.
package redact

import (
	"net/http"
	"strings"
	"sync"
)

// Mask replaces a secret.
const Mask = "[redacted]"

// minSecret is the shortest literal worth masking: masking "a" everywhere
// would destroy the evidence without protecting anything.
const minSecret = 4

// SecretParam says whether a parameter of this name carries a credential wherever it
// appear: query, fragment, form body, a form's input or a JSON member.
func SecretParam(name string) bool {
	switch strings.ToLower(name) {
	case "access_token", "id_token", "refresh_token", "code", "password", "passwd", "pw",
		"client_secret", "assertion", "client_assertion", "session_state", "registration_access_token":
		return true
	}
	return false
}

// secretHeader are header names whose values are credentials.
func secretHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Cookie", "Set-Cookie", "Authorization", "Proxy-Authorization", "X-Csrf-Token":
		return true
	}
	return false
}

// Redactor masks the literal secrets it was given (the resource owner's
// password, every token and cookie the run saw) wherever they occur, in
// each spelling an artefact may hold them (percent-encoded, HTML-escaped,
// base64), plus every secret parameter, input and JSON member by name. It is
// safe for concurrent use: scenarios register secrets while others are
// being written.
type Redactor struct {
	mu    sync.RWMutex
	known map[string]bool // the secrets as registered
	forms index           // every spelling of them that String masks (index.go)
}

// New returns a Redactor for the given literal secrets (empty ones ignored).
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add registers one more literal secret. Values shorter than four bytes are
// ignored. Add on a nil Redactor does nothing.
func (r *Redactor) Add(secret string) {
	if r == nil || len(secret) < minSecret {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known[secret] {
		return
	}
	if r.known == nil {
		r.known = map[string]bool{}
	}
	r.known[secret] = true
	for _, f := range spellings(secret) {
		if len(f) >= minSecret {
			r.forms.add(f)
		}
	}
}

// Len is how many distinct secrets were registered.
func (r *Redactor) Len() int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.known)
}

// Knows says whether secret was registered.
func (r *Redactor) Knows(secret string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.known[secret]
}

// String masks the literal secrets in s and, by structure, the values of
// secret parameters in any URL or form-encoded text it holds, of inputs
// named like them in markup, and of JSON members named like them.
//
// Both kinds of span are found in s as given and masked together. Masking
// the literals first would let a registered literal that happens to be a
// parameter's name ("id_token", say) turn "&id_token=eyJ…" into
// "&[redacted]=eyJ…", which the structural rules no longer read as a
// parameter: the token would survive.
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	spans := structureSpans(s)
	if r != nil {
		r.mu.RLock()
		literal := r.forms.spans(s)
		r.mu.RUnlock()
		spans = mergeSpans(spans, literal)
	}
	return maskSpans(s, spans)
}

// Header returns a copy of h with credential headers masked and the rest
// passed through String (a Location header carries the token in its fragment).
func (r *Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		for _, v := range vs {
			if secretHeader(k) {
				v = Mask
			} else {
				v = r.String(v)
			}
			out[k] = append(out[k], v)
		}
	}
	return out
}
