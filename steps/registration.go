package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/profile"
)

// registrationKey carries a scenario's dynamic client registration (RFC
// 7591) in the context, beside the world.
type registrationKey struct{}

type registrationProbe struct {
	metadata map[string]any
	what     string // for messages: "a web client for the implicit grant with redirect URI …"
	status   int
	code     string // the error code of a refusal
	done     bool
}

func registrationFrom(ctx context.Context) *registrationProbe {
	r, _ := ctx.Value(registrationKey{}).(*registrationProbe)
	return r
}

func webImplicitMetadata() map[string]any {
	return map[string]any{
		"application_type":           "web",
		"client_name":                "implicitspec probe",
		"grant_types":                []string{"implicit"},
		"response_types":             []string{"token"},
		"token_endpoint_auth_method": "none",
	}
}

func registrationWithURI(ctx context.Context, uri string) (context.Context, error) {
	md := webImplicitMetadata()
	md["redirect_uris"] = []string{uri}
	return context.WithValue(ctx, registrationKey{}, &registrationProbe{metadata: md,
		what: fmt.Sprintf("a web client for the implicit grant with redirect URI %q", uri)}), nil
}

func registrationWithoutURIs(ctx context.Context) (context.Context, error) {
	return context.WithValue(ctx, registrationKey{}, &registrationProbe{metadata: webImplicitMetadata(),
		what: "a web client for the implicit grant without redirect URIs"}), nil
}

// registrationEndpoint is the target's registration_endpoint from its
// metadata, when it is on one of the target's origins.
func registrationEndpoint(p *profile.Profile) (string, string) {
	ep, _ := p.Metadata["registration_endpoint"].(string)
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
	reg := registrationFrom(ctx)
	if reg == nil {
		return ctx, w.harnessErr(errors.New("no registration to send (no Given registration step)"))
	}
	ep, why := registrationEndpoint(w.env.Profile)
	if ep == "" {
		return ctx, w.skipBecause("%s", why)
	}
	body, err := json.Marshal(reg.metadata)
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep, bytes.NewReader(body))
	if err != nil {
		return ctx, w.harnessErr(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := w.env.HTTP.Do(req)
	if err != nil {
		return ctx, w.harnessErr(fmt.Errorf("registration request: %w", err))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var answer struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(data, &answer)
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return ctx, w.skipBecause("the registration endpoint requires an initial access token (HTTP %d)", resp.StatusCode)
	}
	reg.status, reg.code, reg.done = resp.StatusCode, answer.Error, true
	return ctx, nil
}

func registrationRefused(ctx context.Context) (context.Context, error) {
	w := worldFrom(ctx)
	reg := registrationFrom(ctx)
	if reg == nil || !reg.done {
		return ctx, w.harnessErr(errors.New("no registration was sent (no When step)"))
	}
	return ctx, check.RegistrationRefused(w.id(), reg.status, reg.code, reg.what)
}
