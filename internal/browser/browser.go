package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// Timeouts of the browser's own work; the agent's Config.Timeout bounds
// each request it makes.
const (
	// DefaultSettle bounds the wait for a page to settle (loaded, no
	// request in flight, its DOM unchanged between two looks).
	DefaultSettle = 10 * time.Second
	// startTimeout bounds chromium's start when the caller's context has
	// no deadline.
	startTimeout = 30 * time.Second
)

// flags are chromium's command line, exactly: headless, no sandbox (the
// harness runs in containers, often as root), no GPU, and none of the
// traffic of its own (component updates, sync, background networking)
// that would leave outside the agent. And its shared memory in the temporary
// directory rather than /dev/shm: a container's /dev/shm is often 64 MB,
// shared by every chromium of a run, and a full one makes chromium crash at
// its start. Debian's launcher means to add that flag when /dev/shm is
// small, but its test breaks when /dev/shm is mounted twice
// ("[: ...: unexpected operator").
var flags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"disable-component-update", "disable-sync", "no-first-run",
	"disable-dev-shm-usage",
}

// Browser is one headless chromium for a whole run. It is an
// interact.Renderer: each Run drives one flow in a fresh incognito browser
// context of its own, so that flows running at once share no cookie, no
// storage, no cache. Its methods are safe for concurrent use.
type Browser struct {
	dir         string // the user data directory, removed by Close
	sink        *sink  // the proxy of every browser context: nothing gets past it
	ctx         context.Context
	cancel      context.CancelFunc // the root context: its cancellation stops chromium
	cancelAlloc context.CancelFunc
	// Settle bounds the wait for a page to settle; DefaultSettle when 0.
	// Set it before the first Run.
	Settle time.Duration

	closeOnce sync.Once
}

// Start starts chromium at path (see Find), headless, with a temporary user
// data directory. ctx bounds the start only: chromium then lives until
// Close. Errors are *agent.Error of kind transport (chromium did not start)
// or of ctx's kind.
func Start(ctx context.Context, path string) (*Browser, error) {
	sk, err := newSink()
	if err != nil {
		return nil, &agent.Error{Kind: agent.KindTransport, Err: fmt.Errorf("browser: proxy sink: %w", err)}
	}
	dir, err := os.MkdirTemp("", "implicitspec-chromium-")
	if err != nil {
		sk.close()
		return nil, &agent.Error{Kind: agent.KindTransport, Err: fmt.Errorf("browser: chromium's user data directory: %w", err)}
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(dir)}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	// chromium's life is Close's business, not that of the context of the
	// call that starts it.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	bctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{dir: dir, sink: sk, ctx: bctx, cancel: cancel, cancelAlloc: cancelAlloc}
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	limit := time.NewTimer(startTimeout)
	defer limit.Stop()
	select {
	case err = <-started:
	case <-ctx.Done():
		err = ctx.Err()
	case <-limit.C:
		err = fmt.Errorf("chromium did not start within %s", startTimeout)
	}
	if err != nil {
		b.Close()
		return nil, harnessError(ctx, "starting "+path, err)
	}
	return b, nil
}

// Close stops chromium and removes its user data directory. The error says
// what could not be cleaned up; calling Close again does nothing and
// returns nil.
func (b *Browser) Close() error {
	var err error
	b.closeOnce.Do(func() {
		// A graceful close, bounded: chromium flushes its profile and exits.
		cctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		if cerr := chromedp.Cancel(cctx); cerr != nil {
			b.cancel() // not gracefully, then
		}
		b.cancelAlloc()
		b.sink.close()
		if rerr := os.RemoveAll(b.dir); rerr != nil {
			err = fmt.Errorf("browser: removing chromium's user data directory: %w", rerr)
		}
	})
	return err
}

// Run drives the flow from start in a fresh incognito browser context,
// every request through a (interact.Renderer). The Outcome has the shapes
// interact.Run gives; errors are *agent.Error (the agent's, or chromium's
// trouble: a crash, a page that never settles) or *interact.Error.
func (b *Browser) Run(ctx context.Context, a *agent.Agent, start interact.Start, opt interact.Options, prior *interact.Outcome) (*interact.Outcome, error) {
	pl := interact.NewPlanner(opt, prior)
	if a == nil {
		err := errors.New("browser: nil agent")
		return pl.Failed(err), err
	}
	// What the agent could not navigate to, chromium is not asked to.
	if _, u, err := agent.Resolve(nil, start.URL); err != nil || u.Scheme != "http" && u.Scheme != "https" {
		err := &agent.Error{Kind: agent.KindInvalidURL, URL: redactFragment(start.URL),
			Err: errors.New("the start of a flow is an absolute http(s) URL")}
		return pl.Failed(err), err
	}
	f, err := b.open(ctx, a, opt)
	if err != nil {
		return pl.Failed(err), err
	}
	defer f.close()
	return f.drive(pl, start)
}

// redactFragment drops a URL's fragment (it may hold a token) for an error.
func redactFragment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return s[:i] + "#…"
	}
	return s
}

// harnessError is chromium's or the wait's trouble as the harness reports
// trouble: an *agent.Error of ctx's kind when ctx ended, else of kind
// transport.
func harnessError(ctx context.Context, doing string, err error) error {
	var ae *agent.Error
	if errors.As(err, &ae) {
		return ae
	}
	kind := agent.KindTransport
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		kind = agent.KindCanceled
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded):
		kind = agent.KindTimeout
	}
	return &agent.Error{Kind: kind, Err: fmt.Errorf("chromium: %s: %w", doing, err)}
}
