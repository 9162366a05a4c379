// Package target is the target of one run: the profile, its discovery
// document with typed accessors, the response type under test, the
// preflight that proves the baseline flow before any scenario runs, and the
// cached positive controls that every negative verdict leans on.
//
// A Target is shared by every scenario of a run, which run concurrently: it
// is read-only after Preflight, except for the control cache, which guards
// itself.
package target

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/redact"
)

// Limits bound every request the harness makes.
type Limits struct {
	Timeout time.Duration // per request
	MaxHops int
	MaxBody int64
}

// DefaultLimits suit a server on the same machine or a nearby IdP.
func DefaultLimits() Limits { return Limits{Timeout: 15 * time.Second, MaxHops: 20, MaxBody: 2 << 20} }

// Target is what every scenario of a run shares.
type Target struct {
	Profile  *profile.Profile
	RootCAs  *x509.CertPool
	Insecure bool
	Limits   Limits
	// HTTP is the client for discovery, JWKS, userinfo and registration
	// requests (not the browser: it keeps no cookies).
	HTTP *http.Client

	// ResponseType is the implicit response type under test: every scenario
	// about the flow itself sends it (Preflight chooses it).
	ResponseType string
	// Warnings are what the run should say once, before any scenario: a
	// plain-http endpoint off loopback, a listed response type refused.
	Warnings []string

	probes   map[string]Probe // Preflight's attempt per response type
	controls *controlCache
}

// New prepares a target for a run: trust anchors, the HTTP client, and
// discovery (which may fill endpoints).
func New(ctx context.Context, p *profile.Profile, lim Limits) (*Target, error) {
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
	t := &Target{
		Profile:  p,
		RootCAs:  pool,
		Insecure: p.TLS.InsecureSkipVerify,
		Limits:   lim,
		HTTP:     hc,
		probes:   map[string]Probe{},
		controls: newControlCache(),
	}
	t.Warnings = plainHTTPWarnings(p)
	return t, nil
}

// Meta is the discovery document (nil when there is none).
func (t *Target) Meta() profile.Metadata { return t.Profile.Metadata }

// Issuer is the issuer identifier: the discovery document's, else the
// profile's ("" when neither names one).
func (t *Target) Issuer() string {
	if s := t.Meta().Issuer(); s != "" {
		return s
	}
	return t.Profile.Issuer
}

// AgentConfig is the browser configuration for one scenario.
func (t *Target) AgentConfig() agent.Config {
	var clientURIs []string
	for _, c := range t.Profile.Clients.All() {
		clientURIs = append(clientURIs, c.RedirectURIs...)
	}
	return agent.Config{
		MaxHops:            t.Limits.MaxHops,
		Timeout:            t.Limits.Timeout,
		MaxBody:            t.Limits.MaxBody,
		RootCAs:            t.RootCAs,
		InsecureSkipVerify: t.Insecure,
		AllowedOrigins:     t.Profile.Origins(),
		ClientURIs:         clientURIs,
	}
}

// InteractOptions tells the person at the browser who they are and what
// to decide.
func (t *Target) InteractOptions(d interact.Decision) interact.Options {
	p := t.Profile
	return interact.Options{
		Username: p.ResourceOwner.Username,
		Password: p.ResourceOwner.Password,
		Hints: interact.Hints{
			UsernameField: p.Interaction.UsernameField,
			PasswordField: p.Interaction.PasswordField,
			Approve:       p.Interaction.Approve,
			Deny:          p.Interaction.Deny,
		},
		Decision: d,
	}
}

// Redactor masks this target's secrets.
func (t *Target) Redactor() *redact.Redactor { return redact.New(t.Profile.ResourceOwner.Password) }

// CloseIdleConnections releases the run's HTTP connections.
func (t *Target) CloseIdleConnections() {
	if t.HTTP != nil {
		t.HTTP.CloseIdleConnections()
	}
}

// plainHTTPWarnings: RFC 6749 §3.1 and §10.9 require TLS at the
// authorization endpoint; on loopback a plain-http target is a test setup,
// anywhere else the user is told once (SEC-01 judges it either way).
func plainHTTPWarnings(p *profile.Profile) []string {
	var out []string
	for _, ep := range []struct{ key, raw string }{
		{"authorization_endpoint", p.AuthorizationEndpoint},
		{"userinfo_endpoint", p.UserinfoEndpoint},
	} {
		u, err := url.Parse(ep.raw)
		if err != nil || u.Scheme != "http" || IsLoopback(u.Hostname()) {
			continue
		}
		out = append(out, "the "+ep.key+" "+ep.raw+" is plain http on a host that is not loopback: "+
			"tokens and the password cross the network in clear (RFC 6749 §10.9; scenario SEC-01 judges it)")
	}
	return out
}

// IsLoopback reports whether host names the local machine: localhost or a
// loopback IP (RFC 8252 §7.3, §8.3).
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
