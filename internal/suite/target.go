package suite

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/steps"
)

// Limits bound every request the harness makes.
type Limits struct {
	Timeout time.Duration // per request
	MaxHops int
	MaxBody int64
}

// DefaultLimits suit a server on the same machine or a nearby IdP.
func DefaultLimits() Limits { return Limits{Timeout: 15 * time.Second, MaxHops: 20, MaxBody: 2 << 20} }

// NewEnv prepares a target for a run: trust anchors, discovery (which may
// fill endpoints), the client used for resource requests.
func NewEnv(ctx context.Context, p *profile.Profile, lim Limits) (*steps.Env, error) {
	pool, err := p.CertPool()
	if err != nil {
		return nil, err
	}
	hc := &http.Client{
		Timeout: lim.Timeout,
		Transport: &http.Transport{
			Proxy:           nil, // loopback targets; never through a proxy
			TLSClientConfig: &tls.Config{RootCAs: pool, InsecureSkipVerify: p.TLS.InsecureSkipVerify, MinVersion: tls.VersionTLS12},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if err := p.Discover(ctx, hc); err != nil {
		return nil, err
	}
	return &steps.Env{
		Profile:  p,
		RootCAs:  pool,
		Insecure: p.TLS.InsecureSkipVerify,
		Timeout:  lim.Timeout,
		MaxHops:  lim.MaxHops,
		MaxBody:  lim.MaxBody,
		HTTP:     hc,
	}, nil
}

// Preflight drives one ordinary request through the target before the suite
// runs, so that an unreachable server or a rejected login ends the run with
// one clear reason instead of a page of failures. What the flow ends in is
// not judged here.
func Preflight(ctx context.Context, env *steps.Env) error {
	a, err := agent.New(env.AgentConfig())
	if err != nil {
		return err
	}
	defer a.CloseIdleConnections()
	c := env.Profile.Clients.Implicit
	req := authz.Baseline(env.Profile.AuthorizationEndpoint, c.ClientID, c.RedirectURIs[0], c.Scope, authz.RandomState())
	_, err = interact.Run(ctx, a, interact.Start{Method: "GET", URL: req.URL()}, env.InteractOptions(interact.Approve))
	var ae *agent.Error
	var ie *interact.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return fmt.Errorf("target unreachable: %w", err)
	case errors.As(err, &ie) && ie.Kind == "login-rejected":
		return fmt.Errorf("login rejected for %q: %w", env.Profile.ResourceOwner.Username, err)
	}
	return err
}
