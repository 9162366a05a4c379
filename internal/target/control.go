package target

import (
	"context"
	"fmt"
	"sync"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/evidence"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
)

// Probe is one baseline flow, run in a fresh browser with the resource
// owner approving: the preflight's attempt at a response type, or the
// positive control of a client and response type.
type Probe struct {
	ResponseType string
	ClientID     string
	RedirectURI  string
	// OK: the flow was served (check.Succeeded): the browser reached the
	// client with the response type's credential and no error.
	OK bool
	// Describe says how the flow ended, secrets masked, with the text of
	// the page it stopped on.
	Describe string
	Evidence evidence.Group // what the control sent and received, redacted
}

// controlCache runs each control once per run; scenarios run concurrently
// and wait for a control another scenario started.
type controlCache struct {
	mu      sync.Mutex
	entries map[string]*controlEntry
}

type controlEntry struct {
	once  sync.Once
	probe Probe
	err   error
}

func newControlCache() *controlCache { return &controlCache{entries: map[string]*controlEntry{}} }

func controlKey(clientID, uri, rt string) string { return clientID + "\x00" + uri + "\x00" + rt }

func (c *controlCache) entry(key string) *controlEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		e = &controlEntry{}
		c.entries[key] = e
	}
	return e
}

// seed records a probe already run (the preflight's) as the control of its
// client, redirect URI and response type.
func (c *controlCache) seed(p Probe) {
	e := c.entry(controlKey(p.ClientID, p.RedirectURI, p.ResponseType))
	e.once.Do(func() { e.probe = p })
}

// Control is the positive control of a negative verdict: the baseline
// request of client c at its registered redirect URI uri for response type
// rt, without any tampering, run once per run and cached. A negative verdict
// ("refused", "not redirected", "no token", "error X") counts only when its
// control is OK; otherwise the refusal proves nothing (catalogue §1.1). The
// error is harness trouble (the target unreachable), never a refusal.
func (t *Target) Control(ctx context.Context, c *profile.Client, uri, rt string) (Probe, error) {
	e := t.controls.entry(controlKey(c.ClientID, uri, rt))
	e.once.Do(func() { e.probe, e.err = t.runBaseline(ctx, c, uri, rt) })
	return e.probe, e.err
}

// runBaseline drives the baseline request of c at uri for rt through a new
// browser, the resource owner approving: one signed in as the run is
// (SignedIn), unless there is no such session or FreshLogin.
func (t *Target) runBaseline(ctx context.Context, c *profile.Client, uri, rt string) (Probe, error) {
	r, err := t.baseline(ctx, c, uri, rt, t.SignedIn(ctx))
	return r.probe, err
}

// baselineRun is a baseline flow: its probe, how it ended, and its
// browser's cookie jar.
type baselineRun struct {
	probe Probe
	out   *interact.Outcome
	jar   *agent.Jar
}

// baseline drives the baseline request of c at uri for rt through a new
// browser whose cookie jar is jar (nil: a fresh browser), the resource
// owner approving.
func (t *Target) baseline(ctx context.Context, c *profile.Client, uri, rt string, jar *agent.Jar) (baselineRun, error) {
	cfg := t.AgentConfig()
	cfg.Jar = jar
	a, err := agent.New(cfg)
	if err != nil {
		return baselineRun{}, err
	}
	defer a.CloseIdleConnections()
	req := t.Baseline(c, uri, rt)
	out, err := interact.Run(ctx, a, interact.Start{Method: "GET", URL: req.URL()}, t.InteractOptions(interact.Approve))
	r := baselineRun{probe: Probe{ResponseType: rt, ClientID: c.ClientID, RedirectURI: uri}, out: out, jar: a.Jar()}
	p := &r.probe
	if hops := a.Hops(); len(hops) > 0 {
		// Also when the harness could not finish the flow: what it saw is
		// the clue.
		p.Evidence = evidence.FromHops("the positive control (the unmodified request)", hops, t.Redactor())
	}
	if err != nil {
		return r, err
	}
	e := EndingOf(out, rt)
	p.OK = check.Succeeded(e)
	p.Describe = t.Redactor().String(describeOutcome(e, out))
	return r, nil
}

// describeOutcome is Ending.Describe plus, for a page, what it says: an
// error page's own words are the best clue to a refusal.
func describeOutcome(e *check.Ending, out *interact.Outcome) string {
	d := e.Describe()
	if e.Left {
		if ps, ok := e.ErrorParams(); ok {
			code, _ := ps.Get("error")
			desc, _ := ps.Get("error_description")
			d += fmt.Sprintf(" with error=%s", code)
			if desc != "" {
				d += fmt.Sprintf(" (%q)", desc)
			}
		}
		return d
	}
	if text := interact.PageText(out.Page, 200); text != "" {
		d += fmt.Sprintf("; the page says %q", text)
	}
	return d
}
