package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
)

var (
	//go:embed js/read.js
	readJS string
	//go:embed js/landing.js
	landingJS string
	//go:embed js/act.js
	actJS string
)

// The rhythm of the settle loop: how often the page is looked at, and how
// long it must have been at rest first (a script that navigates after a
// fetch() or a timer gets that long to start).
const (
	pollEvery = 100 * time.Millisecond
	restFor   = 300 * time.Millisecond
	// enableWait is how long a disabled control may take to become
	// pressable (a form that enables its button once the fields are filled).
	enableWait = 2 * time.Second
)

// snapshot is the page as read.js reads it.
type snapshot struct {
	Href  string `json:"href"`
	Title string `json:"title"`
	Ready string `json:"ready"`
	HTML  string `json:"html"`
}

// drive is the flow: the start navigation, then, page after settled page,
// the planner's step, until the main frame leaves the server, the planner
// stops, or trouble.
func (f *flow) drive(pl *interact.Planner, start interact.Start) (*interact.Outcome, error) {
	f.mu.Lock()
	f.start, f.activity = &start, time.Now()
	f.mu.Unlock()
	// The navigation's own result does not matter: its request tells (a
	// departure is an error page for chromium, and an ending for the flow).
	call(f, page.Navigate, page.NavigateParams{URL: start.URL})
	for {
		snap, end, err := f.waitSettled()
		switch {
		case end != nil:
			return conclude(pl, end)
		case err != nil:
			return pl.Failed(err), err
		}
		step, err := pl.Next(f.pageOf(snap))
		switch {
		case err != nil:
			return pl.Outcome(), err
		case step.Stop:
			return pl.Outcome(), nil
		}
		if err := f.act(step); err != nil {
			if end := f.ending(); end != nil {
				return conclude(pl, end)
			}
			return pl.Failed(err), err
		}
	}
}

func conclude(pl *interact.Planner, end *ending) (*interact.Outcome, error) {
	if end.err != nil {
		return pl.Failed(end.err), end.err
	}
	return pl.Departed(end.dep, end.landed), nil
}

// waitSettled waits until the page is at rest (no request in flight, the
// main frame loaded, readyState complete, its DOM the same on two looks
// pollEvery apart) and returns it; or until the flow ended (a departure
// onto a passthrough page waits for that page to settle, and reads its
// landing). A page that does not settle within f.settle is a timeout.
func (f *flow) waitSettled() (*snapshot, *ending, error) {
	deadline := time.NewTimer(f.settle)
	defer deadline.Stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	prev := ""
	for {
		end := f.ending()
		if end != nil && (!end.landing || end.err != nil) {
			return nil, end, nil
		}
		if s := f.look(); s == nil {
			prev = ""
		} else if s.HTML != prev {
			prev = s.HTML
		} else if end != nil {
			end.landed = f.landing()
			return nil, end, nil
		} else {
			return s, nil, nil
		}
		ended := f.ended
		if end != nil {
			ended = nil // closed: it would wake the loop at once
		}
		select {
		case <-tick.C:
		case <-ended:
		case <-f.ctx.Done():
			return nil, nil, harnessError(f.ctx, "waiting for the page", f.ctx.Err())
		case <-f.tab.Done():
			return nil, nil, harnessError(f.ctx, "waiting for the page", errors.New("the tab is gone (chromium crashed or was closed)"))
		case <-deadline.C:
			if end != nil {
				return nil, end, nil // the departure stands; the landing page never settled
			}
			return nil, nil, &agent.Error{Kind: agent.KindTimeout, URL: f.location(),
				Err: fmt.Errorf("chromium: the page did not settle within %s", f.settle)}
		}
	}
}

// look reads the page when it is at rest and loaded; nil otherwise.
func (f *flow) look() *snapshot {
	if !f.quiet(restFor) {
		return nil
	}
	s, err := evaluate[snapshot](f, readJS)
	if err != nil || s.Ready != "complete" {
		return nil
	}
	return &s
}

// landing is what the client's page shows a script, nil when it cannot
// be read.
func (f *flow) landing() *interact.Landing {
	l, err := evaluate[struct{ Href, Title, Published string }](f, landingJS)
	if err != nil {
		return nil
	}
	return &interact.Landing{URL: l.Href, Title: l.Title, Published: l.Published}
}

// location is the main frame's address without its fragment, for errors.
func (f *flow) location() string {
	href, err := evaluate[string](f, "location.href")
	if err != nil {
		return ""
	}
	if u, err := url.Parse(href); err == nil {
		u.Fragment, u.RawFragment = "", ""
		return u.String()
	}
	return ""
}

// evaluate runs a script in the main frame, bounded.
func evaluate[T any](f *flow, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(f.tab, cdpTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

// pageOf is the rendered page as the planner reads it: at location.href,
// with the status and headers of the main frame's document as the agent
// fetched it. A response that is not HTML is given as it came (the reader
// stops on it as the HTML driver does); chromium's rendering of it is no
// page of the server.
func (f *flow) pageOf(s *snapshot) *agent.Page {
	u, err := url.Parse(s.Href)
	if err != nil {
		u = &url.URL{}
	}
	p := &agent.Page{URL: u, Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(s.HTML)}
	f.mu.Lock()
	last := f.lastMain
	f.mu.Unlock()
	if last != nil {
		p.Status, p.Header = last.status, last.header.Clone()
		if !agent.IsHTML(last.header, last.body) {
			p.Body = last.body
		}
	}
	return p
}

// act does the planner's step in the page: fill, then click (or submit),
// or navigate.
func (f *flow) act(s *interact.DOMStep) error {
	f.mu.Lock()
	// The cause of the navigation the step makes, when chromium cannot
	// tell it (the flow's own location.assign for a link or a refresh).
	f.via, f.activity = "", time.Now()
	if s.Navigate != "" {
		f.via = s.Via
	}
	f.mu.Unlock()
	if s.Navigate != "" {
		return f.hand(s, "go", s.Navigate)
	}
	for _, fill := range s.Fill {
		if err := f.hand(s, "fill", fill.Target, fill.Value, fill.Check); err != nil {
			return err
		}
	}
	if len(s.Fill) > 0 {
		// The page's scripts react to what was typed (a button enabled,
		// a field checked): let them before pressing.
		if _, end, err := f.waitSettled(); err != nil {
			return err
		} else if end != nil {
			return errEnded
		}
	}
	if s.Click == nil {
		return f.hand(s, "submit", *s.Form)
	}
	for wait := time.Now().Add(enableWait); ; {
		err := f.hand(s, "click", *s.Click)
		switch {
		case !errors.Is(err, errDisabled):
			return err
		case time.Now().After(wait):
			return f.pageError(fmt.Sprintf("cannot click %s: it stays disabled", s.Click.Selector))
		}
		time.Sleep(pollEvery)
	}
}

var (
	errDisabled = errors.New("disabled")
	errEnded    = errors.New("browser: the flow ended during the step")
)

// hand runs one function of act.js with args, and says why it could not.
func (f *flow) hand(s *interact.DOMStep, fn string, args ...any) error {
	expr := "(" + actJS + ")." + fn + "("
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		if i > 0 {
			expr += ","
		}
		expr += string(b)
	}
	why, err := evaluate[string](f, expr+")")
	f.touch()
	switch {
	case err != nil:
		return harnessError(f.ctx, s.Step, err)
	case why == errDisabled.Error():
		return errDisabled
	case why != "":
		return f.pageError("cannot " + fn + ": " + why)
	}
	return nil
}

// pageError is the page's trouble as the planner reports it: the reader
// cannot do on it what it decided.
func (f *flow) pageError(detail string) error {
	title, _ := evaluate[string](f, "document.title")
	return &interact.Error{Kind: interact.KindUnreadable, URL: f.location(), Title: title, Detail: detail}
}
