package browser

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// cdpTimeout bounds one DevTools command (a script evaluated, a request
// answered): chromium answers them at once unless it is gone.
const cdpTimeout = 5 * time.Second

// flow is one Run: a tab in its own browser context, the agent every
// request goes through, and what the events told about the page.
type flow struct {
	ctx         context.Context    // the caller's: it bounds the waits
	fetchCtx    context.Context    // the caller's until the flow closes: it bounds the agent's requests
	stopFetch   context.CancelFunc // ends the request the agent is making when the flow closes
	worked      sync.WaitGroup     // the worker, done once no request of the flow is left
	tab         context.Context    // the tab's chromedp context
	closeTab    context.CancelFunc // closes the tab and disposes of its browser context
	a           *agent.Agent
	main        cdp.FrameID     // the main frame (a page target's id)
	passthrough map[string]bool // normalised origins chromium loads for real
	settle      time.Duration
	work        chan struct{} // wakes the worker

	mu        sync.Mutex
	closed    bool                        // the flow is over: no request goes out any more
	queue     []*fetch.EventRequestPaused // requests waiting for the agent, in the order chromium made them
	busy      bool                        // the worker is answering a request
	loading   bool                        // the main frame is loading a document
	activity  time.Time                   // the last request, navigation or action
	start     *interact.Start             // the start navigation, until its request is made
	via       string                      // the cause of the next main-frame navigation, when the flow makes it
	asked     asked                       // the last navigation the page asked for
	redirects map[fetch.RequestID]int     // the 3xx answered, by request
	lastMain  *answer                     // the main frame's last document as the agent fetched it
	end       *ending
	ended     chan struct{} // closed with end set
}

// asked is a navigation the main frame's page asked for, and why.
type asked struct {
	url    string
	reason page.ClientNavigationReason
}

// answer is a response the agent fetched for the main frame.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// ending is how the flow ends outside the planner: a departure of the main
// frame (landing: it goes on to a passthrough page, whose landing is read
// once it has settled), or harness trouble.
type ending struct {
	dep     *agent.Departure
	landing bool
	landed  *interact.Landing
	err     error
}

// open makes the flow's tab in a fresh browser context and arms it: every
// request paused for the agent, service workers bypassed, popups closed.
func (b *Browser) open(ctx context.Context, a *agent.Agent, opt interact.Options) (*flow, error) {
	pass := origins(opt.Passthrough)
	tab, closeTab := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(func(p *target.CreateBrowserContextParams) {
		p.ProxyServer, p.ProxyBypassList = b.sink.proxy(), bypass(pass)
	}))
	stop := context.AfterFunc(ctx, closeTab) // the caller's end closes the tab
	f := &flow{ctx: ctx, tab: tab, a: a, passthrough: pass, settle: b.Settle,
		work: make(chan struct{}, 1), redirects: map[fetch.RequestID]int{}, ended: make(chan struct{}),
		activity: time.Now()}
	f.closeTab = func() { stop(); closeTab() }
	f.fetchCtx, f.stopFetch = context.WithCancel(ctx)
	if f.settle <= 0 {
		f.settle = DefaultSettle
	}
	// Listen opens the tab: nothing loads in it before the interception is on.
	if err := chromedp.Listen(tab, f.onEvent); err != nil {
		f.stopFetch()
		f.closeTab()
		return nil, harnessError(ctx, "opening a tab", err)
	}
	f.main = cdp.FrameID(chromedp.FromContext(tab).Target.TargetID)
	err := chromedp.ListenBrowser(tab, f.onBrowserEvent)
	if err == nil {
		err = chromedp.Do(tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, fetch.Enable, fetch.EnableParams{
				Patterns: []*fetch.RequestPattern{{URLPattern: "*", RequestStage: fetch.RequestStageRequest}}})
			if err == nil {
				// A service worker would fetch outside the interception.
				_, err = cdp.Call(ctx, t, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true})
			}
			return err
		}))
	}
	if err != nil {
		f.stopFetch()
		f.closeTab()
		return nil, harnessError(ctx, "arming the tab", err)
	}
	f.worked.Add(1)
	go f.worker()
	return f, nil
}

// close ends the flow: the requests still waiting are dropped, the one
// being made is canceled, and close returns once the worker is done, so
// that no hop is added to the agent's log after Run returned.
func (f *flow) close() {
	f.mu.Lock()
	f.closed, f.queue = true, nil
	f.mu.Unlock()
	f.stopFetch()
	f.closeTab()
	f.worked.Wait()
}

// onEvent sees the tab's events in order, on chromedp's reader: it only
// notes them (a listener must not run commands).
func (f *flow) onEvent(ev any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch ev := ev.(type) {
	case *fetch.EventRequestPaused:
		f.queue = append(f.queue, ev)
		f.activity = time.Now()
		select {
		case f.work <- struct{}{}:
		default:
		}
	case *page.EventFrameRequestedNavigation:
		if ev.FrameID == f.main {
			f.asked, f.activity = asked{url: ev.URL, reason: ev.Reason}, time.Now()
		}
	case *page.EventFrameStartedLoading:
		if ev.FrameID == f.main {
			f.loading, f.activity = true, time.Now()
		}
	case *page.EventFrameStoppedLoading:
		if ev.FrameID == f.main {
			f.loading, f.activity = false, time.Now()
		}
	case *page.EventJavascriptDialogOpening:
		// An open dialog stops the page: a person says OK.
		go call(f, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
	}
}

// onBrowserEvent closes the windows the page opens: they would load
// outside the agent, and the flow the checks judge stays in one tab.
func (f *flow) onBrowserEvent(ev any) {
	if ev, ok := ev.(*target.EventTargetCreated); ok && ev.TargetInfo != nil &&
		ev.TargetInfo.OpenerID == target.ID(f.main) && ev.TargetInfo.Type == "page" {
		id := ev.TargetInfo.TargetID
		go func() {
			c := chromedp.FromContext(f.tab)
			ctx, cancel := context.WithTimeout(f.tab, cdpTimeout)
			defer cancel()
			cdp.Call(ctx, c.Browser, target.CloseTarget, target.CloseTargetParams{TargetID: id})
		}()
	}
}

// call runs one command on the tab, bounded; its error is the caller's to
// judge.
func call[P, R any](f *flow, cmd cdp.Command[P, R], params P) (R, error) {
	ctx, cancel := context.WithTimeout(f.tab, cdpTimeout)
	defer cancel()
	return chromedp.Call(ctx, cmd, params)
}

// worker answers the paused requests one at a time, in the order chromium
// made them: the agent is one browser making one request at a time, and
// its hop log keeps the page's order.
func (f *flow) worker() {
	defer f.worked.Done()
	for {
		select {
		case <-f.tab.Done():
			return
		case <-f.work:
		}
		for ev := f.pop(); ev != nil; ev = f.pop() {
			f.handle(ev)
		}
	}
}

func (f *flow) pop() *fetch.EventRequestPaused {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.busy = len(f.queue) > 0 && !f.closed
	f.activity = time.Now()
	if !f.busy {
		return nil
	}
	ev := f.queue[0]
	f.queue = f.queue[1:]
	return ev
}

// finish ends the flow, once: the first ending wins.
func (f *flow) finish(e *ending) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.end == nil {
		f.end = e
		close(f.ended)
	}
}

func (f *flow) ending() *ending {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.end
}

// quiet reports a page at rest for at least d: no request waiting or being
// answered, the main frame not loading, nothing done.
func (f *flow) quiet(d time.Duration) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue) == 0 && !f.busy && !f.loading && time.Since(f.activity) >= d
}

func (f *flow) touch() {
	f.mu.Lock()
	f.activity = time.Now()
	f.mu.Unlock()
}

// origins normalises "scheme://host[:port]" origins for lookup.
func origins(list []string) map[string]bool {
	m := map[string]bool{}
	for _, o := range list {
		if n := originOf(o); n != "" {
			m[n] = true
		}
	}
	return m
}

// originOf is the normalised origin of a URL ("" when it has none).
func originOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
