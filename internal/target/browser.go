package target

import (
	"context"
	"fmt"
	"sync"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/browser"
	"github.com/implicitspec/implicitspec/internal/callback"
	"github.com/implicitspec/implicitspec/internal/interact"
	"github.com/implicitspec/implicitspec/internal/profile"
)

// browsers are the run's one headless chromium and the browser client's
// callback server: each started on first use (a run against a server whose
// pages need no JavaScript never starts chromium), shared by
// WithResponseType's copies, stopped by Close.
type browsers struct {
	mu        sync.Mutex
	found     bool // Find has been asked
	path      string
	findErr   error
	started   bool
	b         *browser.Browser
	startErr  error
	cbStarted bool
	cb        *callback.Server
	cbErr     error
	closed    bool
}

// chromium is Find's answer, asked once per run.
func (bs *browsers) chromium() (string, error) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if !bs.found {
		bs.found = true
		bs.path, bs.findErr = browser.Find()
	}
	return bs.path, bs.findErr
}

// browser starts chromium on first use. Its life is the run's, not the
// scenario's that first needed it: ctx is not kept.
func (bs *browsers) browser() (*browser.Browser, error) {
	path, err := bs.chromium()
	if err != nil {
		return nil, err
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.closed {
		return nil, fmt.Errorf("the run's browser is closed")
	}
	if !bs.started {
		bs.started = true
		bs.b, bs.startErr = browser.Start(context.Background(), path)
	}
	return bs.b, bs.startErr
}

// Close stops the run's chromium and callback server, when they were started.
func (t *Target) Close() error {
	bs := t.browsers
	if bs == nil {
		return nil
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.closed = true
	var err error
	if bs.b != nil {
		err = bs.b.Close()
		bs.b = nil
	}
	if bs.cb != nil {
		if cerr := bs.cb.Close(); err == nil {
			err = cerr
		}
		bs.cb = nil
	}
	return err
}

// Driver is what drives the pages of this run (profile interaction.driver):
// html, browser, or auto; unset, auto where a chromium is found and html
// elsewhere, so that a page needing JavaScript still gets a browser without
// a hint.
func (t *Target) Driver() interact.Driver {
	switch t.Profile.Interaction.Driver {
	case profile.DriverHTML:
		return interact.DriverHTML
	case profile.DriverBrowser:
		return interact.DriverBrowser
	case profile.DriverAuto:
		return interact.DriverAuto
	}
	if t.browsers == nil {
		return interact.DriverHTML
	}
	if _, err := t.browsers.chromium(); err != nil {
		return interact.DriverHTML
	}
	return interact.DriverAuto
}

// BrowserAvailable says whether a real browser can be used in this run, and
// why not.
func (t *Target) BrowserAvailable() (bool, string) {
	if t.browsers == nil {
		return false, "this target was made without a browser"
	}
	if _, err := t.browsers.chromium(); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// renderer is the run's real browser for interact, nil for a target made
// without New.
func (t *Target) renderer() interact.Renderer {
	if t.browsers == nil {
		return nil
	}
	return lazyRenderer{t.browsers}
}

// lazyRenderer starts the run's chromium when a flow first needs it.
type lazyRenderer struct{ bs *browsers }

func (l lazyRenderer) Run(ctx context.Context, a *agent.Agent, start interact.Start, opt interact.Options, prior *interact.Outcome) (*interact.Outcome, error) {
	b, err := l.bs.browser()
	if err != nil {
		out := &interact.Outcome{Kind: interact.Stopped, Reason: "no real browser: " + err.Error()}
		if prior != nil {
			out.Steps = append([]string(nil), prior.Steps...)
			out.Page, out.Title = prior.Page, prior.Title
		}
		return out, fmt.Errorf("the flow needs a real browser (interaction.driver), but none could be started: %w", err)
	}
	return b.Run(ctx, a, start, opt, prior)
}

// BrowserOptions are InteractOptions for a flow a real browser plays to the
// end: it loads the client's page at the browser client's redirect URI,
// which the run's callback server serves (Outcome.Landing).
func (t *Target) BrowserOptions(d interact.Decision, cb *callback.Server) interact.Options {
	o := t.InteractOptions(d)
	o.Driver = interact.DriverBrowser
	o.Passthrough = []string{cb.Origin()}
	return o
}

// Callback is the run's callback server, at the first redirect URI of
// clients.browser_client, started on first use.
func (t *Target) Callback() (*callback.Server, error) {
	c := t.Profile.Clients.Browser
	if c == nil || t.browsers == nil {
		return nil, fmt.Errorf("the target profile names no clients.browser_client")
	}
	bs := t.browsers
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.closed {
		return nil, fmt.Errorf("the run's callback server is closed")
	}
	if !bs.cbStarted {
		bs.cbStarted = true
		bs.cb, bs.cbErr = callback.Start(c.RedirectURIs[0])
	}
	return bs.cb, bs.cbErr
}
