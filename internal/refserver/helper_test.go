package refserver

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// R1 and R2 are the registered redirect URIs of the fixture clients.
const (
	r1 = "https://client.example.com/cb"
	r2 = "https://client.example.com/cb2"
)

// startServer starts a server with faults and closes it when the test ends.
func startServer(t *testing.T, faults ...Fault) *Server {
	t.Helper()
	s, err := Start(Options{Faults: faults})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// browser is a tiny user agent for the tests: it trusts the server's CA,
// keeps cookies by name (one host only), and never follows redirects.
type browser struct {
	t       *testing.T
	srv     *Server
	hc      *http.Client
	cookies map[string]string
	// userAgent, when set, is sent as User-Agent (the browser faults look
	// at it); otherwise Go's default, which no server takes for a browser.
	userAgent string
}

// on returns the browser for use inside subtest t (same cookies and client):
// a helper's Fatal must run on the goroutine of the test that owns it.
func (b *browser) on(t *testing.T) *browser {
	c := *b
	c.t = t
	return &c
}

type response struct {
	status   int
	header   http.Header
	body     string
	location string
}

func newBrowser(t *testing.T, srv *Server) *browser {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(srv.CACertPEM()) {
		t.Fatal("CACertPEM: no certificate")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	t.Cleanup(tr.CloseIdleConnections)
	return &browser{
		t:   t,
		srv: srv,
		hc: &http.Client{
			Transport:     tr,
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		cookies: map[string]string{},
	}
}

// do sends one request; target is absolute or a path on the server. A
// non-nil form is sent as an application/x-www-form-urlencoded POST body.
func (b *browser) do(method, target string, form url.Values, header http.Header) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	return b.doRaw(method, target, body, "application/x-www-form-urlencoded", header)
}

func (b *browser) doRaw(method, target string, body io.Reader, contentType string, header http.Header) response {
	b.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.srv.Issuer() + target
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		b.t.Fatalf("NewRequest %s %s: %v", method, target, err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if b.userAgent != "" {
		req.Header.Set("User-Agent", b.userAgent)
	}
	for name, value := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("%s %s: reading body: %v", method, target, err)
	}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(raw), location: resp.Header.Get("Location")}
}

func (b *browser) get(target string) response {
	b.t.Helper()
	return b.do(http.MethodGet, target, nil, nil)
}

func (b *browser) post(target string, form url.Values) response {
	b.t.Helper()
	return b.do(http.MethodPost, target, form, nil)
}

// authorize sends GET /authorize with the raw query.
func (b *browser) authorize(rawQuery string) response {
	b.t.Helper()
	return b.get("/authorize?" + rawQuery)
}

// formOf returns the successful controls of the page's form whose action is
// action (hidden and text inputs, checked checkboxes; no buttons), reading
// the HTML with x/net/html.
func formOf(t *testing.T, page, action string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	var form *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "form" && attr(n, "action") == action {
			form = n
			break
		}
	}
	if form == nil {
		t.Fatalf("no form with action %q in page:\n%s", action, page)
	}
	vals := url.Values{}
	for n := range form.Descendants() {
		if n.Type != html.ElementNode || n.Data != "input" || attr(n, "name") == "" {
			continue
		}
		switch attr(n, "type") {
		case "checkbox", "radio":
			if hasAttr(n, "checked") {
				vals.Add(attr(n, "name"), attr(n, "value"))
			}
		case "submit", "button", "image":
		default:
			vals.Add(attr(n, "name"), attr(n, "value"))
		}
	}
	return vals
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// login drives the login page the /authorize response sent the browser to
// and returns the response to the credentials POST (a 303 to consent).
func (b *browser) login(authz response) response {
	b.t.Helper()
	if authz.status != http.StatusSeeOther || !strings.HasPrefix(authz.location, "/login?") {
		b.t.Fatalf("authorize: want 303 to /login, got %d Location %q\n%s", authz.status, authz.location, authz.body)
	}
	page := b.get(authz.location)
	if page.status != http.StatusOK {
		b.t.Fatalf("GET %s: status %d\n%s", authz.location, page.status, page.body)
	}
	form := formOf(b.t, page.body, "/login")
	form.Set("username", "alice")
	form.Set("password", b.srv.password)
	form.Set("action", "login")
	resp := b.post("/login", form)
	if resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.location, "/consent?") {
		b.t.Fatalf("POST /login: want 303 to /consent, got %d Location %q\n%s", resp.status, resp.location, resp.body)
	}
	return resp
}

// consentPage fetches the consent page the previous response pointed to.
func (b *browser) consentPage(prev response) response {
	b.t.Helper()
	if prev.status != http.StatusSeeOther || !strings.HasPrefix(prev.location, "/consent?") {
		b.t.Fatalf("want 303 to /consent, got %d Location %q\n%s", prev.status, prev.location, prev.body)
	}
	page := b.get(prev.location)
	if page.status != http.StatusOK {
		b.t.Fatalf("GET %s: status %d\n%s", prev.location, page.status, page.body)
	}
	return page
}

// decide submits the consent form with the button decision ("allow" or "deny").
func (b *browser) decide(page response, decision string) response {
	b.t.Helper()
	form := formOf(b.t, page.body, "/consent")
	form.Set("decision", decision)
	return b.post("/consent", form)
}

// flow runs a whole authorization (request, login, consent) in a fresh
// browser and returns the final response.
func flow(t *testing.T, srv *Server, rawQuery, decision string) response {
	t.Helper()
	b := newBrowser(t, srv)
	return b.decide(b.consentPage(b.login(b.authorize(rawQuery))), decision)
}

// query builds a raw query from name/value pairs, in order (repeats allowed).
func query(pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, url.QueryEscape(pairs[i])+"="+url.QueryEscape(pairs[i+1]))
	}
	return strings.Join(parts, "&")
}

// baseline is request B of the catalogue for client spa.
func baseline(state string) string {
	return query("response_type", "token", "client_id", "spa", "redirect_uri", r1, "scope", "read", "state", state)
}

// splitLocation cuts a Location into the part before '#' and the decoded
// fragment (url.ParseQuery, strict).
func splitLocation(t *testing.T, loc string) (base string, frag url.Values, hasFrag bool) {
	t.Helper()
	base, rawFrag, hasFrag := strings.Cut(loc, "#")
	frag, err := url.ParseQuery(rawFrag)
	if err != nil {
		t.Fatalf("fragment of %q: %v", loc, err)
	}
	return base, frag, hasFrag
}

// fragmentNames lists the names in a raw fragment in order.
func fragmentNames(rawFrag string) []string {
	var names []string
	for pair := range strings.SplitSeq(rawFrag, "&") {
		name, _, _ := strings.Cut(pair, "=")
		names = append(names, name)
	}
	return names
}

// userinfo calls /userinfo with the bearer token.
func userinfo(t *testing.T, srv *Server, token string) response {
	t.Helper()
	return newBrowser(t, srv).do(http.MethodGet, "/userinfo", nil, http.Header{"Authorization": {"Bearer " + token}})
}

// wantConformantSuccess checks a success redirect for request baseline(state)
// the way the harness would, and that the token works at /userinfo.
func wantConformantSuccess(t *testing.T, srv *Server, resp response, state string) {
	t.Helper()
	if resp.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", resp.status, resp.body)
	}
	if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	base, frag, hasFrag := splitLocation(t, resp.location)
	if base != r1 || !hasFrag {
		t.Fatalf("Location %q: want %s#...", resp.location, r1)
	}
	_, rawFrag, _ := strings.Cut(resp.location, "#")
	if got, want := strings.Join(fragmentNames(rawFrag), ","), "access_token,token_type,expires_in,scope,iss,state"; got != want {
		t.Errorf("fragment names %s, want %s", got, want)
	}
	for name, vs := range frag {
		if len(vs) != 1 {
			t.Errorf("fragment has %s %d times", name, len(vs))
		}
	}
	tok := frag.Get("access_token")
	if len(tok) != 43 || strings.ContainsAny(tok, "+/=") {
		t.Errorf("access_token %q: want 43 base64url characters", tok)
	}
	if frag.Get("token_type") != "Bearer" || frag.Get("expires_in") != "3600" || frag.Get("scope") != "read" {
		t.Errorf("fragment %v: want token_type=Bearer expires_in=3600 scope=read", frag)
	}
	if got := frag.Get("state"); got != state {
		t.Errorf("state %q, want %q", got, state)
	}
	ui := userinfo(t, srv, tok)
	if ui.status != http.StatusOK || strings.TrimSpace(ui.body) != `{"sub":"alice"}` {
		t.Errorf("userinfo: %d %s", ui.status, ui.body)
	}
}

// wantErrorRedirect checks an error redirect to r1 with the fragment error
// code and, when state != "", the echoed state; "-" means no state expected.
func wantErrorRedirect(t *testing.T, resp response, code, state string) {
	t.Helper()
	if resp.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303 error redirect\n%s", resp.status, resp.body)
	}
	base, frag, hasFrag := splitLocation(t, resp.location)
	if base != r1 || !hasFrag {
		t.Fatalf("Location %q: want %s#...", resp.location, r1)
	}
	if got := frag.Get("error"); got != code {
		t.Errorf("error %q, want %q (Location %q)", got, code, resp.location)
	}
	if frag.Has("access_token") {
		t.Errorf("error response carries an access_token: %q", resp.location)
	}
	switch {
	case state == "-" && frag.Has("state"):
		t.Errorf("state %q present, want none", frag.Get("state"))
	case state != "-" && frag.Get("state") != state:
		t.Errorf("state %q, want %q", frag.Get("state"), state)
	}
	for _, d := range frag["error_description"] {
		for _, c := range []byte(d) {
			if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
				t.Errorf("error_description %q has a character outside NQSCHAR", d)
			}
		}
	}
}

// wantErrorPage checks the NR rule: an HTML page at the server's own origin,
// no redirect, nothing pointing at the client.
func wantErrorPage(t *testing.T, resp response) {
	t.Helper()
	if resp.status != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.status)
	}
	if resp.location != "" {
		t.Errorf("Location %q, want none", resp.location)
	}
	lower := strings.ToLower(resp.body)
	for _, bad := range []string{"<a ", "<meta http-equiv", "<form", "<script", "refresh", "href="} {
		if strings.Contains(lower, bad) {
			t.Errorf("error page contains %q:\n%s", bad, resp.body)
		}
	}
	if !strings.Contains(lower, "<title>") {
		t.Errorf("error page has no <title>")
	}
}
