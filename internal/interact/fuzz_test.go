package interact

// Fuzzing where the input is hostile: the page reader reads whatever an authorization server
// (or whoever stands in for it) sends.
//
//	go test ./internal/interact -run '^$' -fuzz '^FuzzReadPage$' -fuzztime 2m
//	go test ./internal/interact -run '^$' -fuzz '^FuzzRunPage$' -fuzztime 2m
//
// Seeds: the pages the golden test characterizes (trickyPages, renderedFakePages, responses),
// and testdata/fuzz/<FuzzName>/, Go's corpus format (hostile markup: unclosed tags, huge
// attributes, nested forms, <base>, formaction, javascript: URLs, NUL bytes, non-UTF-8). A
// crasher the fuzzer finds is written there too: commit it with its fix.
//
// No page markup is written in this file: TestParseGolden characterizes every HTML literal of
// the package's tests, and a fuzz seed is not a page to characterize.

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// fuzzPassword is the person's password in the fuzz targets: letters and digits only, so that
// it reads the same form-encoded, percent-encoded and in HTML.
const fuzzPassword = "Fz9pwQ7xK2"

// fuzzParseLimit bounds one parse: the reader is linear, so a page that takes longer loops.
const fuzzParseLimit = 10 * time.Second

// addPageSeeds adds the pages the golden test characterizes.
func addPageSeeds(f *testing.F) {
	for _, p := range trickyPages {
		f.Add([]byte(p.html))
	}
	for _, p := range renderedFakePages() {
		f.Add([]byte(p.html))
	}
	for _, r := range responses {
		f.Add([]byte(r.body))
	}
}

// FuzzReadPage: reading any bytes as a page never panics and ends, the document it gives holds
// together, and what the person would do on it (both decisions) is a navigation a browser can
// make, carrying the password only in the login form's submission.
func FuzzReadPage(f *testing.F) {
	addPageSeeds(f)
	page, err := url.Parse("https://as.example/authorize?client_id=c&state=s")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		doc := parseWithin(t, body, fuzzParseLimit)
		checkDocument(t, body, doc, page)
		mentioned := mentionsSecret(html.UnescapeString(string(body)), fuzzPassword)
		for _, dec := range []Decision{Approve, Deny} {
			p := &agent.Page{URL: page, Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: body}
			r := &runner{opt: Options{Username: "alice", Password: fuzzPassword, Decision: dec}, out: &Outcome{Kind: Stopped}}
			act, reason, err := r.decide(p)
			checkAction(t, r, act, reason, err, mentioned)
		}
	})
}

// parseWithin parses body, failing the test when it takes longer than limit.
func parseWithin(t *testing.T, body []byte, limit time.Duration) *document {
	t.Helper()
	done := make(chan *document, 1)
	go func() { done <- parseDocument(body) }()
	select {
	case doc := <-done:
		return doc
	case <-time.After(limit):
		t.Fatalf("parseDocument did not end within %s on %d bytes", limit, len(body))
		return nil
	}
}

// checkDocument checks what parseDocument promises, whatever the markup.
func checkDocument(t *testing.T, body []byte, doc *document, page *url.URL) {
	t.Helper()
	if doc == nil {
		t.Fatal("parseDocument returned nil")
	}
	if collapse(doc.title) != doc.title {
		t.Errorf("title %q is not collapsed", doc.title)
	}
	// Every control belongs to at most one form, and the form it names as owner is the one
	// that lists it.
	seen := map[*control]string{}
	for i, fm := range doc.forms {
		if fm.index != i {
			t.Errorf("form %d has index %d", i, fm.index)
		}
		for _, c := range fm.controls {
			if where, dup := seen[c]; dup {
				t.Fatalf("control %q is in form %d and in %s", c.name, i, where)
			}
			seen[c] = fmt.Sprintf("form %d", i)
			if c.owner != fm {
				t.Errorf("control %q is listed by form %d but owned by another", c.name, i)
			}
		}
	}
	for _, c := range doc.orphans {
		if where, dup := seen[c]; dup {
			t.Fatalf("orphan control %q is also in %s", c.name, where)
		}
		seen[c] = "the orphans"
		if c.owner != nil {
			t.Errorf("orphan control %q has an owner form", c.name)
		}
	}
	for c := range seen {
		if collapse(c.label) != c.label || collapse(c.text) != c.text {
			t.Errorf("control %q: label %q or text %q not collapsed", c.name, c.label, c.text)
		}
	}
	for _, rf := range doc.refreshes {
		if !(rf.delay >= 0) { // also NaN
			t.Errorf("refresh delay %v", rf.delay)
		}
		if rf.hasURL != (rf.url != "") {
			t.Errorf("refresh hasURL %v with URL %q", rf.hasURL, rf.url)
		}
	}
	// Scripts detected are text of the page: the tokenizer normalises newlines and replaces
	// NUL in raw text, and nothing else.
	norm := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "\ufffd").Replace(string(body))
	for _, js := range doc.scripts {
		if !strings.Contains(norm, js) {
			t.Errorf("script %q is not text of the page", js)
		}
	}
	if len(doc.scripts)+doc.scriptSrcs > strings.Count(strings.ToLower(string(body)), "<script") {
		t.Errorf("%d inline and %d external scripts, from %d <script", len(doc.scripts), doc.scriptSrcs,
			strings.Count(strings.ToLower(string(body)), "<script"))
	}
	base := page
	if doc.base != "" {
		if _, b, err := agent.Resolve(page, doc.base); err == nil && !isScriptURL(b) {
			base = b
		}
	}
	for _, fm := range doc.forms {
		subs := append([]*control{nil}, fm.submits()...)
		if len(subs) > 8 {
			subs = subs[:8]
		}
		for _, sub := range subs {
			checkSubmission(t, fm, page, base, sub)
		}
	}
}

// checkSubmission: the entries encode to application/x-www-form-urlencoded that decodes back to
// them, and the submission goes to an absolute URL a browser can navigate to, or is refused.
func checkSubmission(t *testing.T, fm *form, page, base *url.URL, sub *control) {
	t.Helper()
	entries := fm.entries(sub, nil)
	data := urlencode(entries)
	checkURLEncoded(t, data, entries)
	s, err := fm.submit(page, base, sub, nil)
	if err != nil {
		return
	}
	_, u, err := agent.Resolve(nil, s.url)
	if err != nil {
		t.Fatalf("form %d: the submission URL %q does not parse: %v", fm.index, s.url, err)
	}
	if !u.IsAbs() || isScriptURL(u) {
		t.Fatalf("form %d: the submission URL %q is not one to navigate to", fm.index, s.url)
	}
	switch s.method {
	case http.MethodPost:
		if s.body != data {
			t.Fatalf("form %d: POST body %q, entries encode to %q", fm.index, s.body, data)
		}
	case http.MethodGet:
		if s.body != "" {
			t.Fatalf("form %d: GET with a body %q", fm.index, s.body)
		}
		if u.RawQuery != data && u.Opaque == "" {
			t.Fatalf("form %d: GET %q has query %q, entries encode to %q", fm.index, s.url, u.RawQuery, data)
		}
	default:
		t.Fatalf("form %d: method %q", fm.index, s.method)
	}
}

// checkURLEncoded: data uses only the bytes of application/x-www-form-urlencoded output, and
// decodes to entries, in order.
func checkURLEncoded(t *testing.T, data string, entries []entry) {
	t.Helper()
	if data == "" {
		if len(entries) != 0 {
			t.Fatalf("%d entries encode to nothing", len(entries))
		}
		return
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("*-._+&=", c) >= 0:
		case c == '%' && i+2 < len(data) && isUpperHex(data[i+1]) && isUpperHex(data[i+2]):
		default:
			t.Fatalf("byte %q at %d of %q is not form-urlencoded", c, i, data)
		}
	}
	pairs := strings.Split(data, "&")
	if len(pairs) != len(entries) {
		t.Fatalf("%d entries encode to %d pairs: %q", len(entries), len(pairs), data)
	}
	for i, pair := range pairs {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			t.Fatalf("pair %q has no '='", pair)
		}
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || dk != entries[i].name || dv != entries[i].value {
			t.Fatalf("pair %q decodes to %q=%q (%v %v), want %q=%q", pair, dk, dv, err1, err2, entries[i].name, entries[i].value)
		}
	}
}

func isUpperHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

// checkAction: the person's action is a navigation to an absolute URL that is no script, and
// only the login form's submission carries the password; the words the run reports never do.
func checkAction(t *testing.T, r *runner, act *action, reason string, err error, mentioned bool) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("decide: error %T %v, want *interact.Error", err, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	}
	if act == nil {
		if err == nil && reason == "" {
			t.Fatal("decide: no action, no reason, no error")
		}
		return
	}
	if err != nil || reason != "" {
		t.Fatalf("decide: an action and a reason %q or an error %v", reason, err)
	}
	_, u, uerr := agent.Resolve(nil, act.url)
	if uerr != nil || !u.IsAbs() || isScriptURL(u) {
		t.Fatalf("decide: action to %q (%v), not a URL a browser navigates to", act.url, uerr)
	}
	switch act.method {
	case http.MethodGet, http.MethodPost:
	default:
		t.Fatalf("decide: method %q", act.method)
	}
	if mentioned {
		return
	}
	for _, s := range []string{act.step, reason, r.out.Reason, r.out.Title} {
		if mentionsSecret(s, fuzzPassword) {
			t.Fatalf("the password appears in %q", s)
		}
	}
	if mentionsSecret(act.url, fuzzPassword) || mentionsSecret(act.body, fuzzPassword) {
		if act.via != agent.ViaForm || !r.passwordSent || !strings.HasPrefix(act.step, "filled login form") {
			t.Fatalf("the password is sent by %q (%s), which is not the login form's submission", act.via, act.step)
		}
	}
}

// mentionsSecret reports s holding secret as is, percent-decoded or form-decoded.
func mentionsSecret(s, secret string) bool {
	if strings.Contains(s, secret) {
		return true
	}
	d := percentDecode(s)
	return strings.Contains(d, secret) || strings.Contains(percentDecode(d), secret)
}

// percentDecode decodes the valid %XX escapes of s and leaves the rest as is.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// fuzzSite is the stage of FuzzRunPage: an authorization server that serves the fuzzed page
// once, at /start, and plain text after that; the client's site; and a foreign site. Only the
// first may be contacted.
type fuzzSite struct {
	as, client, foreign *httptest.Server
	clientHits          atomic.Int64
	foreignHits         atomic.Int64

	mu     sync.Mutex
	page   []byte
	served bool
}

func newFuzzSite(f *testing.F) *fuzzSite {
	s := &fuzzSite{}
	s.as = httptest.NewServer(http.HandlerFunc(s.serveAS))
	s.client = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.clientHits.Add(1)
		io.WriteString(w, "the client")
	}))
	s.foreign = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.foreignHits.Add(1)
		io.WriteString(w, "a foreign site")
	}))
	f.Cleanup(s.as.Close)
	f.Cleanup(s.client.Close)
	f.Cleanup(s.foreign.Close)
	return s
}

func (s *fuzzSite) serveAS(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	// Every run is a new agent, hence a new connection: the server closes it, so that
	// TIME_WAIT is the server's and a long run does not exhaust the ephemeral ports.
	w.Header().Set("Connection", "close")
	s.mu.Lock()
	page, first := s.page, !s.served && r.URL.Path == "/start"
	if first {
		s.served = true
	}
	s.mu.Unlock()
	if !first {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "done")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

// stage sets the page of the next run: {{as}}, {{client}} and {{foreign}} in it stand for the
// servers' URLs, so that seeds can point forms and links at each.
func (s *fuzzSite) stage(body []byte) []byte {
	page := strings.NewReplacer("{{as}}", s.as.URL, "{{client}}", s.client.URL+"/callback",
		"{{foreign}}", s.foreign.URL).Replace(string(body))
	s.mu.Lock()
	s.page, s.served = []byte(page), false
	s.mu.Unlock()
	return []byte(page)
}

// FuzzRunPage: a whole run on a page the server sends once. The run ends; the browser contacts
// neither the client nor a foreign site; the password reaches the server only in the login
// form's submission, and no departure but a form's carries it; nothing the run reports quotes it.
func FuzzRunPage(f *testing.F) {
	addPageSeeds(f)
	site := newFuzzSite(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		page := site.stage(body)
		a, err := agent.New(agent.Config{AllowedOrigins: []string{site.as.URL},
			ClientURIs: []string{site.client.URL + "/callback"}, Timeout: 5 * time.Second, MaxHops: 4})
		if err != nil {
			t.Fatal(err)
		}
		defer a.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := Run(ctx, a, Start{URL: site.as.URL + "/start?client_id=c&state=s"},
			Options{Username: "alice", Password: fuzzPassword, MaxSteps: 3})
		if out == nil {
			t.Fatalf("Run returned no Outcome (err %v)", err)
		}
		if ctx.Err() != nil {
			t.Fatalf("Run did not end within its deadline (err %v)", err)
		}
		if err != nil {
			var ae *agent.Error
			var ie *Error
			if !errors.As(err, &ae) && !errors.As(err, &ie) {
				t.Fatalf("Run: error %T %v, neither *agent.Error nor *interact.Error", err, err)
			}
		}
		if n := site.clientHits.Swap(0); n != 0 {
			t.Fatalf("the client was contacted %d times", n)
		}
		if n := site.foreignHits.Swap(0); n != 0 {
			t.Fatalf("a foreign site was contacted %d times", n)
		}
		if d := out.Departure; d != nil && !d.Unparsable {
			if d.URL == nil || !d.URL.IsAbs() {
				t.Fatalf("departure to %v, not an absolute URL", d.URL)
			}
		}
		if mentionsSecret(html.UnescapeString(string(page)), fuzzPassword) {
			return // the page spells the password out: anything may carry it
		}
		texts := append([]string{out.Reason, out.Title}, out.Steps...)
		if err != nil {
			texts = append(texts, err.Error())
		}
		for _, s := range texts {
			if mentionsSecret(s, fuzzPassword) {
				t.Fatalf("the password appears in %q", s)
			}
		}
		carriers := 0
		for _, h := range a.Hops() {
			if !mentionsSecret(h.URL, fuzzPassword) && !mentionsSecret(h.RequestBody, fuzzPassword) &&
				!mentionsSecret(h.RequestHeader.Get("Referer"), fuzzPassword) {
				continue
			}
			carriers++
			if h.Via != agent.ViaForm || !h.Sent {
				continue // a departure, checked below
			}
			if !sameOrigin(h.URL, site.as.URL) {
				t.Fatalf("the password was sent to %s, outside the allowed origin", h.URL)
			}
		}
		if carriers > 1 {
			t.Fatalf("the password was sent %d times in one run of one page", carriers)
		}
		if d := out.Departure; d != nil && d.Via != agent.ViaForm &&
			(mentionsSecret(d.RawURL, fuzzPassword) || mentionsSecret(d.Body, fuzzPassword)) {
			t.Fatalf("a departure by %q carries the password", d.Via)
		}
		if carriers == 1 && !loggedIn(out.Steps) {
			t.Fatalf("the password was sent without a login step: %q", out.Steps)
		}
	})
}

func loggedIn(steps []string) bool {
	for _, s := range steps {
		if strings.HasPrefix(s, "filled login form") {
			return true
		}
	}
	return false
}

func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host)
}
