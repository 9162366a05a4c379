package report

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

// browserFaults: a MUST the state scenarios catch, and the error page that
// reflects the unknown client's markup (features/13_security.feature, the
// SEC-09 scenario whose client_id is <img src=x onerror=alert(4711)>), so
// that the report carries live-looking markup from a real server.
var browserFaults = []string{"state-dropped-on-success", "unknown-client-page-unescaped"}

// browserTags keep the run short: the two faults' requirements and a few
// scenarios that pass.
const browserTags = "@STATE-01,@SEC-09,@STATE-02,@TOK-03"

// TestReportInBrowser runs the suite against the reference server with two
// faults, writes report.html and opens it in headless Chromium: the page
// must show the requirements, verdicts and evidence, run no script from the
// evidence, and still run its own filter script under its CSP.
func TestReportInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite and a browser: not in -short")
	}
	chromium := findChromium(t)
	start := time.Now()
	rep := runWithFaults(t, browserFaults, browserTags)
	t.Logf("suite: %d scenarios in %s, verdict %s (exit %d)", len(rep.Results), time.Since(start).Round(time.Millisecond), rep.VerdictWord(), rep.ExitCode())
	if rep.Count(suite.Failed) == 0 || rep.Count(suite.Passed) == 0 {
		t.Fatalf("the run should both fail and pass scenarios: %d failed, %d passed", rep.Count(suite.Failed), rep.Count(suite.Passed))
	}
	dir := t.TempDir()
	if err := Write(dir, rep); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b := openInBrowser(ctx, t, chromium, filepath.Join(dir, HTMLFile))
	b.checkVisibleText(t, rep)
	b.checkNoLiveMarkup(t)
	b.checkFilters(t, rep)
	b.checkDialogProbe(t)
}

// findChromium returns the browser, or skips: a developer without one
// still runs the rest; CI must have it.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on this machine; CI must check the HTML report in a browser (apt-get install chromium)")
	}
	t.Skip("no chromium found (looked for /usr/bin/chromium, chromium, chromium-browser, google-chrome): the HTML report is not checked in a browser")
	return ""
}

// runWithFaults runs the tagged scenarios against the embedded reference
// server with the faults on, as the command does, and fills the run's
// header as the command would.
func runWithFaults(t *testing.T, names []string, tags string) *suite.Report {
	t.Helper()
	var faults []refserver.Fault
	for _, n := range names {
		f, ok := refserver.LookupFault(n)
		if !ok {
			t.Fatalf("no fault %q (see implicitspec --list-faults)", n)
		}
		faults = append(faults, f)
	}
	srv, err := refserver.Start(refserver.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	yaml := srv.ProfileYAML()
	p, err := profile.Parse(yaml, "", os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tg, err := target.New(ctx, p, target.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Preflight(ctx, ""); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	started := time.Now()
	rep, err := suite.Run(ctx, suite.Config{Target: tg, Tags: tags, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	rep.Info = suite.RunInfo{Version: "browser-test", Target: p.Name, Issuer: tg.Issuer(), Endpoint: p.AuthorizationEndpoint,
		ResponseType: tg.ResponseType, Offered: tg.Offered(), ProfileDigest: fmt.Sprintf("sha256:%x", sha256.Sum256(yaml)),
		Flags: []string{"--fault=" + strings.Join(names, ","), "--tags=" + tags}, Started: started, Finished: time.Now(),
		Warnings: tg.Warnings, Stopped: rep.Info.Stopped}
	return rep
}

// browserPage is the report open in Chromium, with what the page did that
// a test must see: dialogs (an alert is a payload that ran) and console
// messages (a CSP violation).
type browserPage struct {
	ctx     context.Context
	mu      sync.Mutex
	dialogs []string
	console []string
}

func openInBrowser(ctx context.Context, t *testing.T, chromium, file string) *browserPage {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is small in containers
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	b := &browserPage{ctx: bctx}
	// Listen before the page loads: a payload would run while it loads.
	if err := chromedp.Listen(bctx, b.onEvent); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	messages := chromedp.Console(bctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m.String())
			b.mu.Unlock()
		}
	}()
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+file)); err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	return b
}

// onEvent records a dialog and dismisses it from another goroutine: an
// open alert blocks the page, and a listener must not run commands.
func (b *browserPage) onEvent(ev any) {
	e, ok := ev.(*page.EventJavascriptDialogOpening)
	if !ok {
		return
	}
	b.mu.Lock()
	b.dialogs = append(b.dialogs, e.Message)
	b.mu.Unlock()
	go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
}

func (b *browserPage) seen() (dialogs, console []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...), append([]string(nil), b.console...)
}

func evalJS[T any](t *testing.T, b *browserPage, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// checkVisibleText reads the page as a person sees it: the verdict, a row
// per requirement with its worst verdict, and the failing evidence with the
// server's markup shown as text.
func (b *browserPage) checkVisibleText(t *testing.T, rep *suite.Report) {
	text := evalJS[string](t, b, `document.body.innerText`)
	for _, want := range []string{"FAIL (exit 1)", "Requirements", "<img src=x onerror=alert(4711)>"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	logged := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "FAIL (exit") || strings.Contains(line, "alert(4711)") && logged < 4 {
			t.Logf("page shows: %.300s", strings.TrimSpace(line))
			logged++
		}
	}
	rows := evalJS[map[string]string](t, b, `Object.fromEntries([...document.querySelectorAll('tr[id^="req-"]')].map(r => [r.id.slice(4), r.innerText]))`)
	for _, want := range requirementRows(rep) {
		row := rows[want.ID]
		if !strings.Contains(row, want.Clause) || !strings.Contains(row, want.Worst.Label) {
			t.Errorf("requirement %s shows %q, want its clause %q and verdict %s", want.ID, row, want.Clause, want.Worst.Label)
		}
		t.Logf("requirement row: %s", strings.Join(strings.Fields(row), " "))
	}
	for _, id := range []string{"STATE-01", "SEC-09"} {
		if !strings.Contains(rows[id], "FAILED") {
			t.Errorf("requirement %s is not shown FAILED: %q", id, rows[id])
		}
	}
}

// checkNoLiveMarkup: nothing from the evidence became an element, and no
// alert opened.
func (b *browserPage) checkNoLiveMarkup(t *testing.T) {
	live := evalJS[int](t, b, `document.querySelectorAll('img, [onerror], iframe, object, embed').length`)
	scripts := evalJS[int](t, b, `document.scripts.length`)
	dialogs, console := b.seen()
	t.Logf("live markup elements: %d, scripts: %d (the page's own), dialogs: %d, console: %q", live, scripts, len(dialogs), console)
	if live != 0 || scripts != 1 || len(dialogs) != 0 {
		t.Errorf("markup from the evidence is live: %d img/onerror/frames, %d scripts, dialogs %q", live, scripts, dialogs)
	}
	for _, m := range console {
		if strings.Contains(m, "Content Security Policy") {
			t.Errorf("the CSP blocked something on the page: %s", m)
		}
	}
}

// checkFilters proves the CSP let the page's own script run: it showed the
// filter form, and choosing "failed" hides every other scenario.
func (b *browserPage) checkFilters(t *testing.T, rep *suite.Report) {
	if !evalJS[bool](t, b, `!document.getElementById('filters').hidden`) {
		t.Fatal("the filter form is still hidden: the page's script did not run (blocked by its CSP?)")
	}
	shown := evalJS[[]string](t, b, `(() => {
		const s = document.getElementById('filter-verdict');
		s.value = 'failed';
		s.dispatchEvent(new Event('change'));
		return [...document.querySelectorAll('article.scenario')].filter(a => a.offsetParent !== null).map(a => a.dataset.verdict);
	})()`)
	t.Logf("filter verdict=failed: %d of %d scenarios shown: %v; status %q", len(shown), len(rep.Results), shown,
		evalJS[string](t, b, `document.getElementById('filter-shown').textContent`))
	if len(shown) != rep.Count(suite.Failed) || slices.ContainsFunc(shown, func(v string) bool { return v != "failed" }) {
		t.Errorf("filter failed shows %v, want the %d failed scenarios only", shown, rep.Count(suite.Failed))
	}
	if evalJS[bool](t, b, `[...document.querySelectorAll('tr[data-verdict="passed"]')].some(r => r.offsetParent !== null)`) {
		t.Error("filter failed still shows passed requirements")
	}
}

// checkDialogProbe is the positive control of checkNoLiveMarkup: an alert
// the test opens itself is seen, so "no dialog" above means none opened.
func (b *browserPage) checkDialogProbe(t *testing.T) {
	evalJS[chromedp.Void](t, b, `alert("implicitspec-probe")`)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if dialogs, _ := b.seen(); len(dialogs) > 0 {
			t.Logf("probe: dialogs seen %q", dialogs)
			if len(dialogs) != 1 || dialogs[0] != "implicitspec-probe" {
				t.Errorf("dialogs %q, want only the probe", dialogs)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("the probe alert was not seen: the dialog check sees nothing")
}
