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
	// Polite, shared by every browser and side request of the run, paces
	// them (--rate) and waits out Retry-After (--max-wait); nil: neither.
	Polite *agent.Polite
}

// DefaultLimits suit a server on the same machine or a nearby IdP: no rate
// limit, and a Retry-After of up to agent.DefaultMaxWait waited out.
func DefaultLimits() Limits {
	p, _ := agent.NewPolite(0, agent.DefaultMaxWait)
	return Limits{Timeout: 15 * time.Second, MaxHops: 20, MaxBody: 2 << 20, Polite: p}
}

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
	// FreshLogin: every browser starts fresh and signs in with the password
	// itself (--fresh-login), as before the run kept one sign-in
	// (session.go). Set it before Preflight.
	FreshLogin bool
	// Concurrency is how many flows Preflight may run at once once the run
	// has signed in (--concurrency; below 1 counts as 1). Set it before
	// Preflight.
	Concurrency int

	probes   map[string]Probe // Preflight's attempt per response type
	controls *controlCache
	// redactor is the run's one Redactor, shared by WithResponseType's
	// copies: every browser and side request registers what it sees there.
	redactor *redact.Redactor
	// base is the transport under HTTP, for the recorded side clients.
	base http.RoundTripper

	// tlsSessions is the TLS session cache every browser of the run shares
	// (resumption: tickets only, never a cookie); nil: full handshakes.
	tlsSessions tls.ClientSessionCache
	// discovery is what discovery sent and received, and attempts the
	// preflight's baseline flows in order (Preparation).
	discovery []agent.Hop
	attempts  []Probe
	// session is the run's one sign-in, logins its count of password
	// logins; both shared by WithResponseType's copies (session.go).
	session *session
	logins  *loginCounter
	// browsers are the run's chromium and callback server (browser.go),
	// shared by WithResponseType's copies.
	browsers *browsers
}

// New prepares a target for a run: trust anchors, the run's redactor, the
// HTTP client, and discovery (which may fill endpoints), recorded for
// Preparation.
func New(ctx context.Context, p *profile.Profile, lim Limits) (*Target, error) {
	pool, err := p.CertPool()
	if err != nil {
		return nil, err
	}
	red := redact.New(profileSecrets(p)...)
	base := &http.Transport{
		Proxy:           nil, // loopback targets; never through a proxy
		TLSClientConfig: &tls.Config{RootCAs: pool, InsecureSkipVerify: p.TLS.InsecureSkipVerify, MinVersion: tls.VersionTLS12},
	}
	// Whoever uses the shared client, the secrets of its answers are known.
	hc := agent.NewSecretsOnly(base, red).Politely(lim.Polite).Client(lim.Timeout)
	disc := agent.NewRecorder(base, red).Politely(lim.Polite)
	err = p.Discover(ctx, disc.Client(lim.Timeout))
	if err != nil {
		return nil, err
	}
	t := &Target{
		Profile:   p,
		RootCAs:   pool,
		Insecure:  p.TLS.InsecureSkipVerify,
		Limits:    lim,
		HTTP:      hc,
		probes:    map[string]Probe{},
		controls:  newControlCache(),
		redactor:  red,
		base:      base,
		discovery: disc.Hops(),
		session:   &session{},
		logins:    &loginCounter{},
		browsers:  &browsers{},
	}
	t.Warnings = plainHTTPWarnings(p)
	t.tlsSessions = tls.NewLRUClientSessionCache(0)
	return t, nil
}

// profileSecrets are the secrets the profile itself holds: the resource
// owner's password (the profile has no client secrets: its clients are
// public, as implicit clients are).
func profileSecrets(p *profile.Profile) []string {
	return []string{p.ResourceOwner.Password}
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
		Secrets:            t.secretSink(),
		TLSSessionCache:    t.tlsSessions,
		Polite:             t.Limits.Polite,
	}
}

// secretSink is the run's redactor as the browser's sink (nil, not a nil
// pointer in an interface, for a Target made without New).
func (t *Target) secretSink() agent.SecretSink {
	if t.redactor == nil {
		return nil
	}
	return t.redactor
}

// Recorded is a client for one side request of a scenario (userinfo, JWKS,
// registration) and the recorder of its exchanges, for the scenario's
// evidence; the secrets of the answers are registered with the run's
// redactor before the caller reads them. It follows no redirect.
func (t *Target) Recorded() (*http.Client, *agent.Recorder) {
	base := t.base
	if base == nil && t.HTTP != nil {
		base = t.HTTP.Transport
	}
	rec := agent.NewRecorder(base, t.secretSink()).Politely(t.Limits.Polite)
	return rec.Client(t.Limits.Timeout), rec
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
			Login:         p.Interaction.LoginButton,
		},
		Decision:   d,
		OnPassword: t.logins.add,
		Driver:     t.Driver(),
		Renderer:   t.renderer(),
	}
}

// Redactor is the run's redactor: it knows the profile's secrets and every
// secret the run has seen so far (the browsers and side requests register
// theirs), and is shared by every copy of the target. A Target made without
// New gets a fresh one that knows the profile's secrets only.
func (t *Target) Redactor() *redact.Redactor {
	if t.redactor == nil {
		return redact.New(profileSecrets(t.Profile)...)
	}
	return t.redactor
}

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
