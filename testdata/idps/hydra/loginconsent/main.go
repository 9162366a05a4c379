// Command loginconsent is the small login and consent application Ory Hydra
// needs (Hydra has no user interface of its own). It renders plain
// server-side HTML forms, as a real deployment's would: a login form with a
// CSRF field bound to a cookie, and a consent form with one checkbox per
// requested scope and two buttons, allow and deny. It talks to Hydra's admin
// API only. Test fixture of implicitspec: throwaway users, loopback only.
//
//	loginconsent -listen 127.0.0.1:3900 -admin http://127.0.0.1:4445 -users alice:alice-pw
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

type app struct {
	admin string
	users map[string]string
	hc    *http.Client
}

func main() {
	listen := flag.String("listen", "127.0.0.1:3900", "listen address")
	admin := flag.String("admin", "http://127.0.0.1:4445", "Hydra admin URL")
	users := flag.String("users", "alice:alice-pw", "comma-separated user:password pairs")
	flag.Parse()
	a := &app{admin: strings.TrimRight(*admin, "/"), users: map[string]string{}, hc: &http.Client{Timeout: 10 * time.Second}}
	for _, up := range strings.Split(*users, ",") {
		u, p, ok := strings.Cut(up, ":")
		if !ok || u == "" {
			log.Fatalf("bad -users entry %q", up)
		}
		a.users[u] = p
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", a.loginPage)
	mux.HandleFunc("POST /login", a.loginSubmit)
	mux.HandleFunc("GET /consent", a.consentPage)
	mux.HandleFunc("POST /consent", a.consentSubmit)
	mux.HandleFunc("GET /error", errorPage)
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "logged out") })
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	srv := &http.Server{Addr: *listen, Handler: hardened(mux), ReadHeaderTimeout: 10 * time.Second}
	log.Printf("loginconsent listening on %s, admin %s", *listen, a.admin)
	if err := srv.ListenAndServe(); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

var page = template.Must(template.New("p").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head><body>
<h1>{{.Title}}</h1>
{{if .Error}}<p class="error" id="error">{{.Error}}</p>{{end}}
{{if eq .Kind "login"}}
<form method="post" action="/login" id="login-form">
  <input type="hidden" name="challenge" value="{{.Challenge}}">
  <input type="hidden" name="_csrf" value="{{.CSRF}}">
  <p><label for="username">Username</label> <input type="text" id="username" name="username" autocomplete="username"></p>
  <p><label for="password">Password</label> <input type="password" id="password" name="password" autocomplete="current-password"></p>
  <p><label><input type="checkbox" name="remember" value="1"> Remember me</label></p>
  <button type="submit" name="submit" value="login" id="login">Sign in</button>
</form>
{{else if eq .Kind "consent"}}
<p>The application <strong>{{.Client}}</strong> asks for access to your account.</p>
<form method="post" action="/consent" id="consent-form">
  <input type="hidden" name="challenge" value="{{.Challenge}}">
  <input type="hidden" name="_csrf" value="{{.CSRF}}">
  {{range .Scopes}}<p><label><input type="checkbox" name="grant_scope" value="{{.}}" checked> {{.}}</label></p>
  {{end}}
  <button type="submit" name="submit" value="allow" id="accept">Allow access</button>
  <button type="submit" name="submit" value="deny" id="reject">Deny access</button>
</form>
{{end}}
</body></html>
`))

type view struct {
	Kind, Title, Error, Challenge, CSRF, Client string
	Scopes                                      []string
}

const csrfCookie = "loginconsent_csrf"

// csrf returns the request's CSRF token, setting the cookie when absent.
func csrf(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	v := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return v
}

func csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	return err == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("_csrf"))) == 1
}

func render(w http.ResponseWriter, status int, v view) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := page.Execute(w, v); err != nil {
		log.Print(err)
	}
}

// call sends one admin API request and decodes the JSON answer into out.
func (a *app) call(method, path, kind, challenge string, body, out any) error {
	u := a.admin + "/admin/oauth2/auth/requests/" + path + "?" + url.Values{kind + "_challenge": {challenge}}.Encode()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("hydra admin %s %s: HTTP %d", method, path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

type redirect struct {
	RedirectTo string `json:"redirect_to"`
}

func (a *app) loginPage(w http.ResponseWriter, r *http.Request) {
	ch := r.URL.Query().Get("login_challenge")
	var lr struct {
		Skip    bool   `json:"skip"`
		Subject string `json:"subject"`
	}
	if err := a.call("GET", "login", "login", ch, nil, &lr); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if lr.Skip { // a remembered session: no form this time
		a.acceptLogin(w, r, ch, lr.Subject, false)
		return
	}
	render(w, http.StatusOK, view{Kind: "login", Title: "Sign in", Challenge: ch, CSRF: csrf(w, r)})
}

func (a *app) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if !csrfOK(r) {
		http.Error(w, "CSRF token missing or wrong", http.StatusForbidden)
		return
	}
	ch := r.PostFormValue("challenge")
	user, pw := r.PostFormValue("username"), r.PostFormValue("password")
	want, ok := a.users[user]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(pw)) != 1 {
		render(w, http.StatusUnauthorized, view{Kind: "login", Title: "Sign in", Error: "Invalid username or password", Challenge: ch, CSRF: csrf(w, r)})
		return
	}
	a.acceptLogin(w, r, ch, user, r.PostFormValue("remember") == "1")
}

func (a *app) acceptLogin(w http.ResponseWriter, r *http.Request, ch, subject string, remember bool) {
	var rd redirect
	body := map[string]any{"subject": subject, "remember": remember, "remember_for": 3600}
	if err := a.call("PUT", "login/accept", "login", ch, body, &rd); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, rd.RedirectTo, http.StatusFound)
}

type consentRequest struct {
	Subject        string   `json:"subject"`
	RequestedScope []string `json:"requested_scope"`
	Audience       []string `json:"requested_access_token_audience"`
	Client         struct {
		ClientID   string `json:"client_id"`
		ClientName string `json:"client_name"`
	} `json:"client"`
}

func (a *app) consentPage(w http.ResponseWriter, r *http.Request) {
	ch := r.URL.Query().Get("consent_challenge")
	var cr consentRequest
	if err := a.call("GET", "consent", "consent", ch, nil, &cr); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	name := cr.Client.ClientName
	if name == "" {
		name = cr.Client.ClientID
	}
	render(w, http.StatusOK, view{Kind: "consent", Title: "Authorize " + name, Challenge: ch, CSRF: csrf(w, r), Client: name, Scopes: cr.RequestedScope})
}

func (a *app) consentSubmit(w http.ResponseWriter, r *http.Request) {
	if !csrfOK(r) {
		http.Error(w, "CSRF token missing or wrong", http.StatusForbidden)
		return
	}
	ch := r.PostFormValue("challenge")
	var rd redirect
	if r.PostFormValue("submit") != "allow" {
		body := map[string]any{"error": "access_denied", "error_description": "The resource owner denied the request"}
		if err := a.call("PUT", "consent/reject", "consent", ch, body, &rd); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		http.Redirect(w, r, rd.RedirectTo, http.StatusFound)
		return
	}
	var cr consentRequest
	if err := a.call("GET", "consent", "consent", ch, nil, &cr); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	granted := []string{}
	for _, s := range r.PostForm["grant_scope"] {
		for _, req := range cr.RequestedScope { // only what was asked for
			if s == req {
				granted = append(granted, s)
			}
		}
	}
	body := map[string]any{
		"grant_scope":                 granted,
		"grant_access_token_audience": cr.Audience,
		"remember":                    false,
		"session": map[string]any{"id_token": map[string]any{
			"name": cr.Subject, "email": cr.Subject + "@example.test",
		}},
	}
	if err := a.call("PUT", "consent/accept", "consent", ch, body, &rd); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, rd.RedirectTo, http.StatusFound)
}

// hardened sends the headers a production login app sends on every page
// (RFC 6749 §10.13, RFC 9700 §4.16: no framing by other sites; RFC 9700
// §4.2.4: no Referer leaking the challenge to other origins), so that the
// suite's findings are about Hydra, not about this fixture.
func hardened(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// errorPage is Hydra's urls.error: where it sends the browser when it must not
// redirect to the client (an unregistered redirect_uri, an unknown client).
func errorPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>An error occurred</h1>\n<p id=\"error\">%s</p>\n<p id=\"error_description\">%s</p>\n</body></html>\n",
		template.HTMLEscapeString(q.Get("error")), template.HTMLEscapeString(q.Get("error_description")))
}
