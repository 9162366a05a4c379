package target

import (
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/profile"
)

// Request is an authorization request and what it asked for, for judging
// the answer.
type Request struct {
	*authz.Request
	ResponseType string
	Nonce        string // "" unless the response type asks for an ID token
	State        string
}

// Baseline is request B of the catalogue for client c at its registered
// redirect URI uri, asking for response type rt: the client's scope (else
// the implicit client's), a fresh random state and, for a response type
// that returns an ID token, the openid scope and a fresh nonce (OpenID
// Connect Core §3.1.2.1: "OpenID Connect requests MUST contain the openid
// scope value"; §3.2.2.1: nonce is REQUIRED in the implicit flow).
func (t *Target) Baseline(c *profile.Client, uri, rt string) Request {
	scope := c.Scope
	if scope == "" && t.Profile.Clients.Implicit != nil {
		scope = t.Profile.Clients.Implicit.Scope
	}
	r := Request{ResponseType: rt, State: authz.RandomState()}
	if IsOpenIDConnect(rt) {
		scope = WithOpenID(scope)
		r.Nonce = authz.RandomString(24)
	}
	r.Request = authz.Baseline(t.Profile.AuthorizationEndpoint, c.ClientID, uri, scope, r.State)
	r.Set("response_type", rt)
	if r.Nonce != "" {
		r.Add("nonce", r.Nonce)
	}
	return r
}

// WithOpenID is scope with "openid" first, unless it has it.
func WithOpenID(scope string) string {
	if slices.Contains(strings.Fields(scope), "openid") {
		return scope
	}
	return strings.TrimSpace("openid " + scope)
}
