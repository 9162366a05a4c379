package interact

// Fake authorization servers whose pages copy, quirks included, what the real servers in
// /work/shared/targets/README.md render: Hydra with its login/consent app, Django OAuth Toolkit,
// LemonLDAP::NG, zitadel's example OP, oidc-provider's dev interactions.

import (
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

// clientSite stands at the client's redirect URI. The agent must never contact it.
type clientSite struct {
	*httptest.Server
	n atomic.Int64
}

func newClientSite(t *testing.T) *clientSite {
	t.Helper()
	c := &clientSite{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		io.WriteString(w, "the client")
	}))
	t.Cleanup(func() {
		c.Close()
		if n := c.n.Load(); n != 0 {
			t.Errorf("the client's redirect URI was contacted %d times", n)
		}
	})
	return c
}

func (c *clientSite) callback() string { return c.URL + "/callback" }

func newTestAgent(t *testing.T, c *clientSite, servers ...*httptest.Server) *agent.Agent {
	t.Helper()
	cfg := agent.Config{ClientURIs: []string{c.callback()}, Timeout: 5 * time.Second}
	for _, s := range servers {
		cfg.AllowedOrigins = append(cfg.AllowedOrigins, s.URL)
	}
	a, err := agent.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.CloseIdleConnections)
	return a
}

func writeHTML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// recorder keeps what the fake servers received.
type recorder struct {
	mu    sync.Mutex
	posts map[string][]string // path → raw bodies
	urls  map[string][]string // path → request URIs of POSTs
}

func (r *recorder) post(req *http.Request) url.Values {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.posts == nil {
		r.posts, r.urls = map[string][]string{}, map[string][]string{}
	}
	r.posts[req.URL.Path] = append(r.posts[req.URL.Path], string(b))
	r.urls[req.URL.Path] = append(r.urls[req.URL.Path], req.URL.RequestURI())
	v, _ := url.ParseQuery(string(b))
	return v
}

func (r *recorder) last(path string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.posts[path]
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

func (r *recorder) lastURL(path string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.urls[path]
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

func cookie(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// ---------------------------------------------------------------------------------------------
// Ory Hydra 2.3 and the project's login/consent app (README §1.4–1.6).

type hydraFake struct {
	recorder
	hydra, app *httptest.Server
	client     *clientSite
	remember   bool // the login app skips the form (Hydra says skip:true)
	formPost   bool // response_mode=form_post
}

func newHydra(t *testing.T, c *clientSite) *hydraFake {
	h := &hydraFake{client: c}
	h.hydra = httptest.NewServer(http.HandlerFunc(h.serveHydra))
	h.app = httptest.NewServer(http.HandlerFunc(h.serveApp))
	t.Cleanup(h.hydra.Close)
	t.Cleanup(h.app.Close)
	return h
}

func (h *hydraFake) authURL() string {
	return h.hydra.URL + "/oauth2/auth?client_id=implicit-client&response_type=token&redirect_uri=" +
		url.QueryEscape(h.client.callback()) + "&scope=openid+profile&state=state-abcdefgh-123"
}

func (h *hydraFake) serveHydra(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case r.URL.Path == "/oauth2/fallbacks/error":
		writeHTML(w, 500, `<!DOCTYPE html><html><head><title>An OAuth 2.0 Error Occurred</title></head><body>
<h1>An OAuth 2.0 Error Occurred</h1><p>invalid_request</p><p>The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's pre-registered redirect urls.</p></body></html>`)
	case r.URL.Path != "/oauth2/auth":
		http.NotFound(w, r)
	case q.Get("login_verifier") == "" && q.Get("consent_verifier") == "" && q.Get("redirect_uri") != h.client.callback():
		http.Redirect(w, r, "/oauth2/fallbacks/error?error=invalid_request", http.StatusFound)
	case q.Get("login_verifier") != "":
		if cookie(r, "ory_hydra_login_csrf_dev_1") != "lcsrf" {
			http.Error(w, "no login csrf cookie", http.StatusForbidden)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "ory_hydra_session_dev", Value: "sess", Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "ory_hydra_consent_csrf_dev_1", Value: "ccsrf", Path: "/", HttpOnly: true})
		http.Redirect(w, r, h.app.URL+"/consent?consent_challenge=CC", http.StatusFound)
	case q.Get("consent_verifier") != "":
		if cookie(r, "ory_hydra_consent_csrf_dev_1") != "ccsrf" || cookie(r, "ory_hydra_session_dev") != "sess" {
			w.Header().Set("Location", h.client.callback()+"#error=request_forbidden&state=state-abcdefgh-123")
			w.WriteHeader(http.StatusSeeOther)
			return
		}
		if q.Get("consent_verifier") == "denied" {
			w.Header().Set("Location", h.client.callback()+"#error=access_denied&error_description=The+resource+owner+denied+the+request&state=state-abcdefgh-123")
			w.WriteHeader(http.StatusSeeOther)
			return
		}
		if h.formPost {
			writeHTML(w, 200, `<html><head><title>Submit This Form</title></head><body onload="javascript:document.forms[0].submit()"><form method="post" action="`+
				h.client.callback()+`"><input type="hidden" name="access_token" value="ory_at_XYZ"/><input type="hidden" name="expires_in" value="3600"/><input type="hidden" name="scope" value="openid profile"/><input type="hidden" name="state" value="state-abcdefgh-123"/><input type="hidden" name="token_type" value="bearer"/></form></body></html>`)
			return
		}
		w.Header().Set("Location", h.client.callback()+"#access_token=ory_at_XYZ&expires_in=3600&scope=openid+profile&state=state-abcdefgh-123&token_type=bearer")
		w.WriteHeader(http.StatusSeeOther)
	default:
		http.SetCookie(w, &http.Cookie{Name: "ory_hydra_login_csrf_dev_1", Value: "lcsrf", Path: "/", HttpOnly: true, MaxAge: 1800})
		http.Redirect(w, r, h.app.URL+"/login?login_challenge=LC", http.StatusFound)
	}
}

const hydraLogin = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Login</title></head>
<body>
<h1>Sign in</h1>
%s
<form method="post" action="/login" id="login-form">
  <input type="hidden" name="challenge" value="%s">
  <input type="hidden" name="_csrf" value="%s">
  <label for="username">Username</label> <input type="text" id="username" name="username" autofocus>
  <label for="password">Password</label> <input type="password" id="password" name="password">
  <label><input type="checkbox" name="remember" value="1"> Remember me</label>
  <button type="submit" name="submit" value="login" id="login">Sign in</button>
</form>
</body></html>`

const hydraConsent = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Consent</title></head>
<body>
<h1>Implicit test client wants access</h1>
<form method="post" action="/consent" id="consent-form">
  <input type="hidden" name="challenge" value="%s">
  <input type="hidden" name="_csrf" value="%s">
  <label><input type="checkbox" name="grant_scope" value="openid" checked> openid</label>
  <label><input type="checkbox" name="grant_scope" value="profile" checked> profile</label>
  <button type="submit" name="submit" value="allow" id="accept">Allow access</button>
  <button type="submit" name="submit" value="deny" id="reject">Deny access</button>
</form>
</body></html>`

func (h *hydraFake) serveApp(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/login" && r.Method == http.MethodGet:
		if h.remember {
			http.Redirect(w, r, h.hydra.URL+"/oauth2/auth?client_id=implicit-client&login_verifier=LV", http.StatusFound)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "app_csrf", Value: "csrf-login-1", Path: "/", HttpOnly: true})
		writeHTML(w, 200, fmt.Sprintf(hydraLogin, "", r.URL.Query().Get("login_challenge"), "csrf-login-1"))
	case r.URL.Path == "/login" && r.Method == http.MethodPost:
		v := h.post(r)
		if v.Get("_csrf") != cookie(r, "app_csrf") || v.Get("challenge") != "LC" {
			http.Error(w, "bad csrf", http.StatusForbidden)
			return
		}
		if v.Get("username") != "alice" || v.Get("password") != "alice-pw" {
			writeHTML(w, http.StatusUnauthorized, fmt.Sprintf(hydraLogin,
				`<p class="error" id="error">Invalid username or password</p>`, "LC", "csrf-login-1"))
			return
		}
		http.Redirect(w, r, h.hydra.URL+"/oauth2/auth?client_id=implicit-client&login_verifier=LV", http.StatusFound)
	case r.URL.Path == "/consent" && r.Method == http.MethodGet:
		http.SetCookie(w, &http.Cookie{Name: "app_csrf", Value: "csrf-consent-1", Path: "/", HttpOnly: true})
		writeHTML(w, 200, fmt.Sprintf(hydraConsent, r.URL.Query().Get("consent_challenge"), "csrf-consent-1"))
	case r.URL.Path == "/consent" && r.Method == http.MethodPost:
		v := h.post(r)
		if v.Get("_csrf") != cookie(r, "app_csrf") || v.Get("challenge") != "CC" {
			http.Error(w, "bad csrf", http.StatusForbidden)
			return
		}
		verifier := "granted"
		if v.Get("submit") != "allow" {
			verifier = "denied"
		}
		http.Redirect(w, r, h.hydra.URL+"/oauth2/auth?client_id=implicit-client&consent_verifier="+verifier, http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

// ---------------------------------------------------------------------------------------------
// Django OAuth Toolkit 1.7 with Django's login view (README Part 2 §2).

type dotFake struct {
	recorder
	srv    *httptest.Server
	client *clientSite
}

func newDOT(t *testing.T, c *clientSite) *dotFake {
	d := &dotFake{client: c}
	d.srv = httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(d.srv.Close)
	return d
}

func (d *dotFake) authURL() string {
	return d.srv.URL + "/o/authorize/?client_id=implicit-app&response_type=token&redirect_uri=" +
		url.QueryEscape(d.client.callback()) + "&scope=read&state=st123"
}

const djangoLogin = `<!DOCTYPE html>
<html><head><title>Login</title></head><body>
<h1>Login</h1>
%s
<form method="post" action="/accounts/login/">
  <input type="hidden" name="csrfmiddlewaretoken" value="%s">
  <p><label for="id_username">Username:</label> <input type="text" name="username" autofocus autocapitalize="none" autocomplete="username" maxlength="150" required id="id_username"></p>
  <p><label for="id_password">Password:</label> <input type="password" name="password" autocomplete="current-password" required id="id_password"></p>
  <input type="hidden" name="next" value="%s">
  <input type="submit" value="Log in">
</form>
</body></html>`

const dotConsent = `<!DOCTYPE html>
<html lang="en"><head><title>Django OAuth Toolkit</title>
<link href="//netdna.bootstrapcdn.com/twitter-bootstrap/2.3.2/css/bootstrap-combined.min.css" rel="stylesheet"></head>
<body><div class="container">
<div class="block-center">
    <form id="authorizationForm" method="post">
        <h3 class="block-center-heading">Authorize Implicit App?</h3>
        <input type="hidden" name="csrfmiddlewaretoken" value="%s">
        <input type="hidden" name="redirect_uri" value="%s" id="id_redirect_uri">
        <input type="hidden" name="scope" value="read" id="id_scope">
        <input type="hidden" name="nonce" id="id_nonce">
        <input type="hidden" name="client_id" value="implicit-app" id="id_client_id">
        <input type="hidden" name="state" value="st123" id="id_state">
        <input type="hidden" name="response_type" value="token" id="id_response_type">
        <input type="hidden" name="code_challenge" id="id_code_challenge">
        <input type="hidden" name="code_challenge_method" id="id_code_challenge_method">
        <input type="hidden" name="claims" id="id_claims">
        <p>Application requires the following permissions</p>
        <ul><li>Read scope</li></ul>
        <div class="control-group">
            <div class="controls">
                <input type="submit" class="btn btn-large" value="Cancel"/>
                <input type="submit" class="btn btn-large btn-primary" name="allow" value="Authorize"/>
            </div>
        </div>
    </form>
</div></div></body></html>`

func (d *dotFake) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/accounts/login/":
		if r.Method == http.MethodPost {
			v := d.post(r)
			if v.Get("csrfmiddlewaretoken") == "" || v.Get("csrfmiddlewaretoken") != cookie(r, "csrftoken") {
				writeHTML(w, 403, `<html><head><title>403 Forbidden</title></head><body><h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p></body></html>`)
				return
			}
			if v.Get("username") != "alice" || v.Get("password") != "alice-pw" {
				writeHTML(w, 200, fmt.Sprintf(djangoLogin,
					`<ul class="errorlist nonfield"><li>Please enter a correct username and password. Note that both fields may be case-sensitive.</li></ul>`,
					"tok-2", html.EscapeString(v.Get("next"))))
				return
			}
			http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "s-alice", Path: "/", HttpOnly: true})
			w.Header().Set("Location", v.Get("next")) // relative
			w.WriteHeader(http.StatusFound)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "csrftoken", Value: "tok-1", Path: "/"})
		writeHTML(w, 200, fmt.Sprintf(djangoLogin, "", "tok-1", html.EscapeString(r.URL.Query().Get("next"))))
	case "/o/authorize/":
		if cookie(r, "sessionid") != "s-alice" {
			w.Header().Set("Location", "/accounts/login/?next="+url.QueryEscape(r.URL.RequestURI()))
			w.WriteHeader(http.StatusFound)
			return
		}
		q := r.URL.Query()
		if r.Method == http.MethodPost {
			v := d.post(r)
			if v.Get("csrfmiddlewaretoken") != cookie(r, "csrftoken") {
				http.Error(w, "csrf", http.StatusForbidden)
				return
			}
			if v.Get("allow") == "" {
				w.Header().Set("Location", v.Get("redirect_uri")+"?error=access_denied&state="+url.QueryEscape(v.Get("state")))
			} else {
				w.Header().Set("Location", v.Get("redirect_uri")+"#access_token=XtskrjNBM76ww4Fpr6NHuGFHGlTn3w&expires_in=3600&token_type=Bearer&scope=read&state="+url.QueryEscape(v.Get("state")))
			}
			w.WriteHeader(http.StatusFound)
			return
		}
		if q.Get("redirect_uri") != d.client.callback() {
			writeHTML(w, 400, `<!DOCTYPE html><html><head><title>Django OAuth Toolkit</title></head><body><h2>Error: invalid_request</h2><p>Mismatching redirect URI.</p></body></html>`)
			return
		}
		writeHTML(w, 200, fmt.Sprintf(dotConsent, cookie(r, "csrftoken"), html.EscapeString(q.Get("redirect_uri"))))
	default:
		http.NotFound(w, r)
	}
}

// ---------------------------------------------------------------------------------------------
// LemonLDAP::NG 2.16 portal (README Part 2 §4): action="#", id before type, a hidden input
// without value, a nameless submit, Domain=.127.0.0.1 session cookie, Refuse via val + JS.

type llngFake struct {
	recorder
	srv          *httptest.Server
	client       *clientSite
	blankButtons bool // the Accept button's text is filled by JavaScript (trspan): empty here
}

func newLLNG(t *testing.T, c *clientSite) *llngFake {
	l := &llngFake{client: c}
	l.srv = httptest.NewServer(http.HandlerFunc(l.serve))
	t.Cleanup(l.srv.Close)
	return l
}

func (l *llngFake) authURL() string {
	return l.srv.URL + "/oauth2/authorize?response_type=id_token+token&client_id=implicit-rp&scope=openid&nonce=n1&state=st123&redirect_uri=" +
		url.QueryEscape(l.client.callback())
}

const llngLogin = `<!DOCTYPE html>
<html lang="en"><head><title>LemonLDAP::NG</title>
<script type="text/javascript" src="/static/bwr/jquery/dist/jquery.min.js"></script>
<script type="application/init">{"appurl":"http://127.0.0.1/"}</script>
</head><body>
<div id="errormsg"><div class="message message-positive alert" trmsg="9">%s</div></div>
<form id="lform" action="#" method="post" class="login" role="form">
<input type="hidden" name="url" value="aHR0cDovLzEyNy4wLjAuMTo4MDkwLw==" />
<input type="hidden" name="timezone" />
<input type="hidden" name="skin" value="bootstrap" />
<input id="token" type="hidden" name="token" value="1795892225_55010"/>
<div class="form">
  <div class="input-group mb-3"><input name="user" type="text" class="form-control" trplaceholder="login" placeholder="Login" aria-required="true" required autocomplete="username" /></div>
  <div class="input-group mb-3"><input name="password" type="password" class="form-control" trplaceholder="password" placeholder="Password" aria-required="true" required /></div>
  <div class="form-check"><input type="checkbox" id="checkLogins" name="checkLogins" value="1"><label for="checkLogins" trspan="checkLastLogins">Check my last logins</label></div>
  <button type="submit" class="btn btn-success"><span class="fa fa-sign-in"></span> <span trspan="connect">Connect</span></button>
</div>
</form>
</body></html>`

const llngConsent = `<!DOCTYPE html>
<html lang="en"><head><title>LemonLDAP::NG</title>
<script type="text/javascript" src="/static/common/js/confirm.min.js"></script></head><body>
<div class="message message-warning alert"><span trspan="oidcConsent">The application implicit-rp would like to know:</span></div>
<form id="form" action="#" method="post" class="confirm" role="form">
<input type="hidden" name="redirect_uri" value="%s" />
<input type="hidden" name="state" value="st123" />
<input type="hidden" name="response_type" value="id_token token" />
<input type="hidden" name="client_id" value="implicit-rp" />
<input type="hidden" name="scope" value="openid" />
<input type="hidden" name="nonce" value="n1" />
<input type="hidden" name="url" value="aHR0cDovLzEyNy4wLjAuMTo4MDkwLw==" />
<input id="confirm" type="hidden" name="confirm" value="KEY42" />
<input type="hidden" name="skin" value="bootstrap" />
<div class="buttons">
  <button type="submit" class="positive btn btn-success"><span class="fa fa-check-circle"></span> <span trspan="accept">%s</span></button>
  <button type="submit" class="negative btn btn-danger" id="refuse" val="-KEY42"><span class="fa fa-times-circle"></span> <span trspan="refuse">%s</span></button>
</div>
</form>
</body></html>`

func (l *llngFake) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/oauth2/authorize" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	if r.Method == http.MethodGet {
		writeHTML(w, 200, fmt.Sprintf(llngLogin, ""))
		return
	}
	v := l.post(r)
	if q.Get("client_id") != "implicit-rp" {
		writeHTML(w, 200, `<html><head><title>LemonLDAP::NG</title></head><body><div class="alert">Query lost</div></body></html>`)
		return
	}
	switch {
	case v.Has("user"):
		if _, ok := v["timezone"]; !ok || v.Get("token") != "1795892225_55010" {
			writeHTML(w, 200, fmt.Sprintf(llngLogin, "Authentication tried without token"))
			return
		}
		if v.Get("user") != "dwho" || v.Get("password") != "dwho" {
			writeHTML(w, 401, fmt.Sprintf(llngLogin, "Wrong credentials"))
			return
		}
		w.Header().Add("Set-Cookie", "lemonldap=sess-dwho; domain=.127.0.0.1; path=/; HttpOnly; SameSite=Lax")
		accept, refuse := "Accept", "Refuse"
		if l.blankButtons {
			accept = ""
		}
		writeHTML(w, 200, fmt.Sprintf(llngConsent, html.EscapeString(q.Get("redirect_uri")), accept, refuse))
	case v.Has("confirm"):
		if cookie(r, "lemonldap") != "sess-dwho" {
			writeHTML(w, 200, fmt.Sprintf(llngLogin, "Your session has expired"))
			return
		}
		switch v.Get("confirm") {
		case "KEY42":
			w.Header().Set("Location", v.Get("redirect_uri")+"#access_token=5cf7e370&state=st123&id_token=eyJ.x.y&token_type=bearer&expires_in=3600&session_state=J4W%3D")
		case "-KEY42":
			w.Header().Set("Location", v.Get("redirect_uri")+"#error=consent_required&state=st123")
		default:
			http.Error(w, "bad confirm", 400)
			return
		}
		w.WriteHeader(http.StatusFound)
	default:
		http.Error(w, "?", 400)
	}
}

// ---------------------------------------------------------------------------------------------
// zitadel/oidc 3.52 example OP (README Part 1 §3.2): relative Location, username input without
// type, nameless button, wrong password re-rendered with 200, no consent.

type zitadelFake struct {
	recorder
	srv    *httptest.Server
	client *clientSite
}

func newZitadel(t *testing.T, c *clientSite) *zitadelFake {
	z := &zitadelFake{client: c}
	z.srv = httptest.NewServer(http.HandlerFunc(z.serve))
	t.Cleanup(z.srv.Close)
	return z
}

func (z *zitadelFake) authURL() string {
	return z.srv.URL + "/auth?client_id=web&response_type=id_token%20token&redirect_uri=" + url.QueryEscape(z.client.callback()) +
		"&scope=openid%20profile%20email&state=state-abc&nonce=nonce-xyz"
}

const zitadelLogin = `<!DOCTYPE html>
<html>
	<head>
		<meta charset="UTF-8">
		<title>Login</title>
	</head>
	<body style="display: flex; align-items: center; justify-content: center; height: 100vh;">
		<form method="POST" action="/login/username" style="height: 200px; width: 200px;">
			<input type="hidden" name="id" value="%s">
			<div>
				<label for="username">Username:</label>
				<input id="username" name="username" style="width: 100%%">
			</div>
			<div>
				<label for="password">Password:</label>
				<input id="password" name="password" type="password" style="width: 100%%">
			</div>
			<p style="color:red; min-height: 1rem;">%s</p>
			<button type="submit">Login</button>
		</form>
	</body>
</html>`

func (z *zitadelFake) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/auth":
		w.Header().Set("Location", "/login/username?authRequestID=6f1c")
		w.WriteHeader(http.StatusFound)
	case "/login/username":
		if r.Method == http.MethodGet {
			writeHTML(w, 200, fmt.Sprintf(zitadelLogin, r.URL.Query().Get("authRequestID"), ""))
			return
		}
		v := z.post(r)
		if v.Get("username") != "test-user@127.0.0.1" || v.Get("password") != "verysecure" {
			writeHTML(w, 200, fmt.Sprintf(zitadelLogin, v.Get("id"), "username or password wrong"))
			return
		}
		http.Redirect(w, r, z.srv.URL+"/auth/callback?id="+v.Get("id"), http.StatusFound)
	case "/auth/callback":
		w.Header().Set("Location", z.client.callback()+"#access_token=eyJhbGciOiJBMjU2R0NNS1ci.a.b.c.d&expires_in=299&id_token=eyJ.x.y&scope=openid+profile+email&state=state-abc&token_type=Bearer")
		w.WriteHeader(http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

// ---------------------------------------------------------------------------------------------
// oidc-provider 9.x dev interactions (README Part 2 §1): 303 to a relative /interaction/UID,
// path-scoped cookies, login field "login", consent with a lone Continue and a Cancel link.

type oidcProviderFake struct {
	recorder
	srv      *httptest.Server
	client   *clientSite
	formPost bool
}

func newOIDCProvider(t *testing.T, c *clientSite) *oidcProviderFake {
	o := &oidcProviderFake{client: c}
	o.srv = httptest.NewServer(http.HandlerFunc(o.serve))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *oidcProviderFake) authURL() string {
	return o.srv.URL + "/auth?client_id=implicit-web&response_type=id_token%20token&redirect_uri=" + url.QueryEscape(o.client.callback()) +
		"&scope=openid%20profile&state=st123&nonce=n-0S6_WzA2Mj"
}

const oidcLogin = `<!DOCTYPE html>
<html >
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
    <title>Sign-in</title>
    <style>/* .login-card { width: 274px; } */</style>
  </head>
  <body>
    <div class="login-card">
      <h1>Sign-in</h1>
      <form autocomplete="off" action="%[1]s/interaction/%[2]s" method="post">
        <input type="hidden" name="prompt" value="login"/>
        <input required type="text" name="login" placeholder="Enter any login" autofocus="on">
        <input required type="password" name="password" placeholder="and password">
        <button type="submit" class="login login-submit">Sign-in</button>
      </form>
      <div class="login-help">
        <a href="%[1]s/interaction/%[2]s/abort">[ Cancel ]</a>
      </div>
    </div>
    <div><details><summary>DEBUG</summary><pre>client_id: implicit-web</pre></details></div>
  </body>
</html>`

const oidcConsent = `<!DOCTYPE html>
<html >
  <head><meta charset="utf-8"><title>Authorize</title></head>
  <body>
    <div class="login-card">
      <h1>Authorize</h1>
      <div class="login-client-image"></div>
      <ul><li>scopes:</li><ul><li>openid</li><li>profile</li></ul></ul>
      <form autocomplete="off" action="%[1]s/interaction/%[2]s" method="post">
        <input type="hidden" name="prompt" value="consent"/>
        <button autofocus type="submit" class="login login-submit">Continue</button>
      </form>
      <div class="login-help">
        <a href="%[1]s/interaction/%[2]s/abort">[ Cancel ]</a>
      </div>
    </div>
  </body>
</html>`

const oidcFormPost = `<!DOCTYPE html>
<html>
<head>
<title>Submitting Callback</title>
<script nonce="abc">document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });</script>
</head>
<body>
<form method="post" action="%s">
<input type="hidden" name="id_token" value="eyJ.x.y"/>
<input type="hidden" name="access_token" value="f2tteuWP"/>
<input type="hidden" name="expires_in" value="3600"/>
<input type="hidden" name="token_type" value="Bearer"/>
<input type="hidden" name="scope" value="openid profile"/>
<input type="hidden" name="state" value="st123"/>
<noscript>Your browser does not support JavaScript or you've disabled it.<br/>
<button autofocus type="submit">Continue</button>
</noscript>
</form>
</body>
</html>`

func (o *oidcProviderFake) serve(w http.ResponseWriter, r *http.Request) {
	redirect303 := func(loc string) {
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusSeeOther)
	}
	interaction := func(uid string) {
		http.SetCookie(w, &http.Cookie{Name: "_interaction", Value: uid, Path: "/interaction/" + uid, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "_interaction_resume", Value: uid, Path: "/auth/" + uid, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		redirect303("/interaction/" + uid) // relative
	}
	p := r.URL.Path
	switch {
	case p == "/auth":
		interaction("UID1")
	case p == "/auth/UID1":
		if cookie(r, "_interaction_resume") != "UID1" || cookie(r, "_interaction") != "" {
			http.Error(w, "resume cookie missing or interaction cookie leaked outside its path", 400)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "_session", Value: "alice", Path: "/", HttpOnly: true})
		interaction("UID2")
	case p == "/auth/UID2":
		if cookie(r, "_interaction_resume") != "UID2" || cookie(r, "_session") != "alice" {
			http.Error(w, "resume cookie missing", 400)
			return
		}
		switch {
		case r.URL.Query().Get("abort") == "1":
			redirect303(o.client.callback() + "#error=access_denied&error_description=End-User+aborted+interaction&state=st123&iss=" + url.QueryEscape(o.srv.URL))
		case o.formPost:
			writeHTML(w, 200, fmt.Sprintf(oidcFormPost, o.client.callback()))
		default:
			redirect303(o.client.callback() + "#id_token=eyJ.x.y&access_token=f2tteuWP&expires_in=3600&token_type=Bearer&scope=openid+profile&state=st123")
		}
	case strings.HasPrefix(p, "/interaction/"):
		rest := strings.TrimPrefix(p, "/interaction/")
		uid, sub, _ := strings.Cut(rest, "/")
		if cookie(r, "_interaction") != uid {
			writeHTML(w, 400, `<html><head><title>oops! something went wrong</title></head><body><pre>error: invalid_request
error_description: interaction session not found</pre></body></html>`)
			return
		}
		switch {
		case sub == "abort":
			redirect303(o.srv.URL + "/auth/" + uid + "?abort=1")
		case r.Method == http.MethodPost:
			v := o.post(r)
			if uid == "UID1" && v.Get("prompt") == "login" && v.Get("login") != "" && v.Get("password") != "" {
				redirect303(o.srv.URL + "/auth/UID1")
				return
			}
			if uid == "UID2" && v.Get("prompt") == "consent" {
				redirect303(o.srv.URL + "/auth/UID2")
				return
			}
			http.Error(w, "bad interaction", 400)
		case uid == "UID1":
			writeHTML(w, 200, fmt.Sprintf(oidcLogin, o.srv.URL, uid))
		default:
			writeHTML(w, 200, fmt.Sprintf(oidcConsent, o.srv.URL, uid))
		}
	default:
		http.NotFound(w, r)
	}
}

// ---------------------------------------------------------------------------------------------
// pagesFake serves fixed pages; CLIENT in a body is replaced by the client's callback URL and
// SELF by the server's URL.

type fakePage struct {
	status      int
	contentType string // default text/html
	body        string
	location    string
	header      map[string]string
}

type pagesFake struct {
	recorder
	srv    *httptest.Server
	client *clientSite
	pages  map[string]fakePage // by path; POST and GET alike
}

func newPages(t *testing.T, c *clientSite, pages map[string]fakePage) *pagesFake {
	f := &pagesFake{client: c, pages: pages}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *pagesFake) subst(s string) string {
	return strings.NewReplacer("CLIENT", f.client.callback(), "SELF", f.srv.URL).Replace(s)
}

func (f *pagesFake) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		f.post(r)
	}
	key := r.URL.Path
	if _, ok := f.pages[r.Method+" "+key]; ok {
		key = r.Method + " " + key
	}
	p, ok := f.pages[key]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if p.location != "" {
		w.Header().Set("Location", f.subst(p.location))
	}
	for k, v := range p.header {
		w.Header().Set(k, f.subst(v))
	}
	ct := p.contentType
	if ct == "" {
		ct = "text/html; charset=utf-8"
	}
	if ct == "none" {
		w.Header()["Content-Type"] = nil // no sniffing either
	} else {
		w.Header().Set("Content-Type", ct)
	}
	st := p.status
	if st == 0 {
		st = 200
	}
	w.WriteHeader(st)
	io.WriteString(w, f.subst(p.body))
}
