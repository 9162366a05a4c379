package steps

import (
	"context"

	"github.com/implicitspec/implicitspec/internal/check"
)

// registerMetadataSteps binds the steps of 14_metadata.
func registerMetadataSteps(sc *registrar) {
	sc.Given(`^the request asks for the response mode "([^"]*)", listed or not$`, asksUnlistedResponseMode)
	sc.Given(`^the target publishes a discovery document$`, publishesMetadata)
	sc.Given(`^the discovery document lists the response mode "([a-z_]+)"$`, metadataListsMode)

	sc.Then(`^the discovery document lists "token" among its response types exactly when an access token was issued$`, tokenListedAsServed)
	sc.Then(`^the response arrives as a form posted to the redirect URI$`, arrivesByFormPost)
	sc.Then(`^if the response arrived as a form posted to the redirect URI, the discovery document lists "form_post"$`, formPostListedIfWorks)
	sc.Then(`^the discovery document claims the implicit grant exactly when an access token was issued$`, grantTypesMatch)
	sc.Then(`^the discovery document names an https authorization endpoint without a fragment, for the target's issuer$`, endpointAndIssuer)
}

// metadataOf is the target's discovery document, or a skip. The scenario
// judges it (or skips for want of it): its evidence shows discovery.
func metadataOf(w *world) (check.Metadata, error) {
	w.metaJudged = true
	p := w.t.Profile
	if p.Metadata == nil {
		if p.DiscoveryErr != nil {
			return nil, w.skipBecause("the target's discovery document could not be used: %v", p.DiscoveryErr)
		}
		return nil, w.skipBecause("the target profile names no issuer, so there is no discovery document to judge")
	}
	return p.Metadata, nil
}

func publishesMetadata(ctx context.Context) (context.Context, error) {
	_, err := metadataOf(worldFrom(ctx))
	return ctx, err
}

func metadataListsMode(ctx context.Context, mode string) (context.Context, error) {
	w := worldFrom(ctx)
	m, err := metadataOf(w)
	if err != nil {
		return ctx, err
	}
	modes, _ := m.ResponseModes()
	for _, x := range modes {
		if x == mode {
			return ctx, nil
		}
	}
	return ctx, w.skipBecause("the discovery document does not list %q in response_modes_supported (%q)", mode, modes)
}

// tokenServed: the server answered the plain token request with a token
// response — it serves response_type=token. Served, not issued: an empty
// access_token still answers the request (TOK-01 judges its emptiness), so
// META-01 asks check.Succeeded, the positive control, not whether a
// non-empty token came back.
func tokenServed(w *world) bool { return check.Succeeded(w.ending) }

// implicitWorked: the request of the response type under test was served.
// Every response type that returns tokens from the authorization endpoint
// is the implicit grant (RFC 7591 §2.1; catalogue META-02).
func implicitWorked(w *world) bool { return check.Succeeded(w.ending) }

// byFormPost: the response reached the client as a POSTed form carrying the
// credential (OAuth 2.0 Form Post Response Mode §2).
func byFormPost(w *world) bool {
	e := w.ending
	if !e.Left || e.Method != "POST" {
		return false
	}
	return e.Form.Count(e.CredentialParam()) > 0
}

func tokenListedAsServed(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		m, err := metadataOf(w)
		if err != nil {
			return err
		}
		return check.TokenTypeListedAsServed(w.id(), m, tokenServed(w), w.ending.Describe())
	})
}

func arrivesByFormPost(ctx context.Context) (context.Context, error) {
	return judged(ctx, func(w *world) error {
		m, err := metadataOf(w)
		if err != nil {
			return err
		}
		return check.ListedModeWorks(w.id(), "form_post", m, byFormPost(w), w.ending.Describe())
	})
}

func formPostListedIfWorks(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		m, err := metadataOf(w)
		if err != nil {
			return err
		}
		return check.WorkingModeListed(w.id(), "form_post", m, byFormPost(w))
	})
}

func grantTypesMatch(ctx context.Context) (context.Context, error) {
	return negative(ctx, func(w *world) error {
		m, err := metadataOf(w)
		if err != nil {
			return err
		}
		return check.GrantTypesMatch(w.id(), m, implicitWorked(w))
	})
}

func endpointAndIssuer(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	m, err := metadataOf(w)
	if err != nil {
		return ctx, err
	}
	return ctx, check.EndpointAndIssuer(w.id(), m, w.t.Profile.Issuer)
}

// asksUnlistedResponseMode asks for the mode whatever the metadata lists:
// for the scenario that judges the metadata itself (META-02), where a mode
// served but not listed is the finding, not a reason to skip.
func asksUnlistedResponseMode(ctx context.Context, mode string) (context.Context, error) {
	worldFrom(ctx).req.Set("response_mode", mode)
	return ctx, nil
}
