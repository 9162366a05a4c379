package steps

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/registration"
)

// registrationProbe is a scenario's dynamic client registration (RFC 7591).
type registrationProbe struct {
	uris   []string // nil: the registration names none
	what   string   // for messages: "a web client for the implicit grant with redirect URI …"
	answer registration.Answer
	done   bool
}

// controlRedirectURI is the redirect URI of the positive control's
// registration: a web client's https URI, which every server must accept.
const controlRedirectURI = "https://client.example.com/implicitspec-cb"

func registrationWithURI(ctx context.Context, uri string) (context.Context, error) {
	worldFrom(ctx).reg = &registrationProbe{uris: []string{uri},
		what: fmt.Sprintf("a web client for the implicit grant with redirect URI %q", uri)}
	return ctx, nil
}

func registrationWithoutURIs(ctx context.Context) (context.Context, error) {
	worldFrom(ctx).reg = &registrationProbe{what: "a web client for the implicit grant without redirect URIs"}
	return ctx, nil
}

// registrationEndpoint is the target's registration_endpoint from its
// metadata, when it is on one of the target's origins.
func registrationEndpoint(p *profile.Profile) (string, string) {
	ep := p.Metadata.RegistrationEndpoint()
	if ep == "" {
		return "", "the target advertises no registration_endpoint (RFC 7591 dynamic client registration)"
	}
	u, err := url.Parse(ep)
	if err != nil || !slices.Contains(p.Origins(), profile.Origin(u)) {
		return "", "the target's registration_endpoint is not on one of the target's origins"
	}
	return ep, ""
}

func clientRegisters(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if w.reg == nil {
		return ctx, w.harnessErr(errors.New("no registration to send (no Given registration step)"))
	}
	w.metaRead = true // the endpoint is the metadata's
	ep, why := registrationEndpoint(w.t.Profile)
	if ep == "" {
		return ctx, w.skipBecause("%s", why)
	}
	ans, err := registration.Register(ctx, w.sideClient("registration"), ep, registration.WebImplicitClient(w.reg.uris, w.t.ResponseType))
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	if ans.NeedsInitialToken() {
		return ctx, w.skipBecause("the registration endpoint requires an initial access token (HTTP %d)", ans.Status)
	}
	w.reg.answer, w.reg.done = ans, true
	return ctx, nil
}

// registrationRefused judges the refusal, which counts only when the same
// registration with a valid https redirect URI is accepted (the positive
// control: a registration endpoint that refuses everything proves nothing).
func registrationRefused(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	if w.reg == nil || !w.reg.done {
		return ctx, w.harnessErr(errors.New("no registration was sent (no When step)"))
	}
	w.negative = true
	if err := check.RegistrationRefused(w.id(), w.reg.answer.Status, w.reg.answer.Error, w.reg.what); err != nil {
		return ctx, err
	}
	ep, _ := registrationEndpoint(w.t.Profile)
	ans, err := registration.Register(ctx, w.sideClient("registration (the positive control: a valid one)"), ep,
		registration.WebImplicitClient([]string{controlRedirectURI}, w.t.ResponseType))
	switch {
	case err != nil:
		return ctx, w.harnessErr(fmt.Errorf("the positive control (a valid registration): %w", err))
	case !ans.Accepted():
		return ctx, w.skipBecause("a valid registration (redirect URI %q) is refused too (HTTP %d, error %q): this refusal proves nothing",
			controlRedirectURI, ans.Status, ans.Error)
	}
	return ctx, nil
}
