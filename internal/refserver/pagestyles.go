package refserver

import (
	"html/template"
	"net/http"
	"net/url"
	"time"
)

// Page styles (Config.Pages): the login and consent pages as real servers
// write them, in other languages and layouts. A style's page NAME is the
// template "STYLE/NAME"; a style without its own NAME uses the plain one
// (from the plain set, so the default pages stay byte-identical). Every
// styled head keeps metaReferrerLine and "</head>" verbatim, so the
// consent-page faults of renderPage still apply.
const styleShared = `
{{define "login-hidden"}}<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<input type="hidden" name="request_id" value="{{.RequestID}}">
{{with .Next}}<input type="hidden" name="next" value="{{.}}">
{{end}}{{end}}

{{define "consent-hidden"}}<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<input type="hidden" name="request_id" value="{{.RequestID}}">
{{end}}

{{define "scope-boxes"}}{{range .}}<p><input type="checkbox" id="scope-{{.}}" name="scope" value="{{.}}" checked> <label for="scope-{{.}}">{{.}}</label></p>
{{end}}{{end}}

{{define "lang/head"}}<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.Server}}</title>
</head>
<body>
<main>
{{end}}

{{define "login-notes"}}{{if .Error}}<p class="error" role="alert">{{.Error}}</p>
{{end}}{{with .Note}}<p>{{.}}</p>
{{end}}{{end}}
`

// The language styles translate every visible word; the field names and
// the decision values stay the protocol's (the server reads those). The
// only login error is the wrong-credentials one (renderLogin), so its
// translation is written here.
const styleLanguages = `
{{define "german/login"}}{{template "lang/head" (head "de" "Anmelden")}}<h1>Anmelden</h1>
<p>Melden Sie sich an, um mit <strong>{{.ClientID}}</strong> fortzufahren.</p>
{{if .Error}}<p class="error" role="alert">Benutzername oder Passwort ist falsch.</p>
{{end}}{{with .Note}}<p>{{.}}</p>
{{end}}<form method="post" action="/login">
{{template "login-hidden" .}}<p><label for="username">Benutzername</label>
<input type="text" id="username" name="username" autocomplete="username" value="{{.Username}}"></p>
<p><label for="password">Passwort</label>
<input type="password" id="password" name="password" autocomplete="current-password"></p>
<p><button type="submit" name="action" value="login">Anmelden</button></p>
</form>
{{template "foot"}}{{end}}

{{define "german/consent"}}{{template "lang/head" (head "de" "Zugriff erlauben")}}<h1>Zugriff erlauben</h1>
<p>Die Anwendung <strong>{{.ClientID}}</strong> möchte auf Ihr Konto zugreifen.</p>
<p>Angemeldet als <strong>{{.Username}}</strong>.</p>
<form method="post" action="/consent">
{{template "consent-hidden" .}}<fieldset>
<legend>Berechtigungen</legend>
{{template "scope-boxes" .Scopes}}</fieldset>
<p><button type="submit" name="decision" value="allow">Zulassen</button>
<button type="submit" name="decision" value="deny">Ablehnen</button></p>
</form>
{{template "foot"}}{{end}}

{{define "japanese/login"}}{{template "lang/head" (head "ja" "ログイン")}}<h1>ログイン</h1>
<p><strong>{{.ClientID}}</strong> を続行するには、ログインしてください。</p>
{{if .Error}}<p class="error" role="alert">ユーザー名またはパスワードが正しくありません。</p>
{{end}}{{with .Note}}<p>{{.}}</p>
{{end}}<form method="post" action="/login">
{{template "login-hidden" .}}<p><label for="username">ユーザー名</label>
<input type="text" id="username" name="username" autocomplete="username" value="{{.Username}}"></p>
<p><label for="password">パスワード</label>
<input type="password" id="password" name="password" autocomplete="current-password"></p>
<p><button type="submit" name="action" value="login">ログイン</button></p>
</form>
{{template "foot"}}{{end}}

{{define "japanese/consent"}}{{template "lang/head" (head "ja" "アクセスの許可")}}<h1>アクセスの許可</h1>
<p>アプリケーション <strong>{{.ClientID}}</strong> があなたのアカウントへのアクセスを求めています。</p>
<p>ログイン中のアカウント: <strong>{{.Username}}</strong></p>
<form method="post" action="/consent">
{{template "consent-hidden" .}}<fieldset>
<legend>権限</legend>
{{template "scope-boxes" .Scopes}}</fieldset>
<p><button type="submit" name="decision" value="allow">許可する</button>
<button type="submit" name="decision" value="deny">拒否する</button></p>
</form>
{{template "foot"}}{{end}}
`

// The layout styles: more than one form, controls of other kinds, hidden
// fields, an extra page, URLs a reader must resolve as a browser does.
const styleLayouts = `
{{define "registration-beside-login/login"}}{{template "head" "Sign in or create an account"}}<h1>Welcome</h1>
<section aria-labelledby="register-heading">
<h2 id="register-heading">Create an account</h2>
<p>New here? Create an account to continue to <strong>{{.ClientID}}</strong>.</p>
<form method="post" action="/signup">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<p><label for="reg-username">Username</label>
<input type="text" id="reg-username" name="username" autocomplete="username"></p>
<p><label for="reg-email">Email</label>
<input type="email" id="reg-email" name="email" autocomplete="email"></p>
<p><label for="reg-password">Password</label>
<input type="password" id="reg-password" name="password" autocomplete="new-password"></p>
<p><label for="reg-password-confirm">Confirm password</label>
<input type="password" id="reg-password-confirm" name="password_confirm" autocomplete="new-password"></p>
<p><button type="submit" name="action" value="register">Create account</button></p>
</form>
</section>
<section aria-labelledby="signin-heading">
<h2 id="signin-heading">Sign in</h2>
<p>Already have an account? Sign in to continue to <strong>{{.ClientID}}</strong>.</p>
{{template "login-notes" .}}<form method="post" action="/login">
{{template "login-hidden" .}}<p><label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" value="{{.Username}}"></p>
<p><label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password"></p>
<p><button type="submit" name="action" value="login">Sign in</button></p>
</form>
</section>
{{template "foot"}}{{end}}

{{define "radio-consent/consent"}}{{template "head" "Authorize access"}}<h1>Authorize access</h1>
<p>The application <strong>{{.ClientID}}</strong> asks to access your account <strong>{{.Username}}</strong>.</p>
{{with .Error}}<p class="error" role="alert">{{.}}</p>
{{end}}<form method="post" action="/consent">
{{template "consent-hidden" .}}<fieldset>
<legend>Permissions</legend>
{{template "scope-boxes" .Scopes}}</fieldset>
<fieldset>
<legend>Do you allow {{.ClientID}} to access your account?</legend>
<p><input type="radio" id="decision-allow" name="decision" value="allow"> <label for="decision-allow">Allow access</label></p>
<p><input type="radio" id="decision-deny" name="decision" value="deny"> <label for="decision-deny">Do not allow</label></p>
</fieldset>
<p><button type="submit">Continue</button></p>
</form>
{{template "foot"}}{{end}}

{{define "honeypot/login"}}{{template "head" "Sign in"}}<h1>Sign in</h1>
<p>Sign in to continue to <strong>{{.ClientID}}</strong>.</p>
{{template "login-notes" .}}<form method="post" action="/login">
{{template "login-hidden" .}}<div style="position:absolute;left:-10000px" aria-hidden="true">
<label for="website">Website</label>
<input type="text" id="website" name="website" tabindex="-1" autocomplete="off" value="">
</div>
<p><label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" value="{{.Username}}"></p>
<p><label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password"></p>
<p><button type="submit" name="action" value="login">Sign in</button></p>
</form>
{{template "foot"}}{{end}}

{{define "stay-signed-in/kmsi"}}{{template "head" "Stay signed in?"}}<h1>Stay signed in?</h1>
<p>Signed in as <strong>{{.Username}}</strong>.</p>
<p>Stay signed in so that you don't have to sign in again next time.</p>
<form method="post" action="/kmsi">
{{template "consent-hidden" .}}<p><input type="checkbox" id="dont-show-again" name="dont_show_again" value="1"> <label for="dont-show-again">Don't show this again</label></p>
<p><button type="submit" name="stay_signed_in" value="no">No</button>
<button type="submit" name="stay_signed_in" value="yes">Yes</button></p>
</form>
{{template "foot"}}{{end}}

{{define "formaction/consent"}}{{template "head" "Authorize access"}}<h1>Authorize access</h1>
<p>The application <strong>{{.ClientID}}</strong> asks to access your account <strong>{{.Username}}</strong>.</p>
<form method="post" action="/consent/help">
{{template "consent-hidden" .}}<fieldset>
<legend>Permissions</legend>
{{template "scope-boxes" .Scopes}}</fieldset>
<p><button type="submit" name="decision" value="allow" formaction="/consent">Allow</button>
<button type="submit" name="decision" value="deny" formaction="/consent">Deny</button></p>
<p><button type="submit" name="topic" value="permissions">What do these permissions mean?</button></p>
</form>
{{template "foot"}}{{end}}

{{define "base/head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<base href="/ui/">
<title>{{.}} · implicitspec reference server</title>
</head>
<body>
<main>
{{end}}

{{define "base-href/login"}}{{template "base/head" "Sign in"}}<h1>Sign in</h1>
<p>Sign in to continue to <strong>{{.ClientID}}</strong>.</p>
{{template "login-notes" .}}<form method="post" action="session">
{{template "login-hidden" .}}<p><label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" value="{{.Username}}"></p>
<p><label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password"></p>
<p><button type="submit" name="action" value="login">Sign in</button></p>
</form>
{{template "foot"}}{{end}}

{{define "base-href/consent"}}{{template "base/head" "Authorize access"}}<h1>Authorize access</h1>
<p>The application <strong>{{.ClientID}}</strong> asks to access your account <strong>{{.Username}}</strong>.</p>
<form method="post" action="grant">
{{template "consent-hidden" .}}<fieldset>
<legend>Permissions</legend>
{{template "scope-boxes" .Scopes}}</fieldset>
<p><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></p>
</form>
{{template "foot"}}{{end}}
`

// styleSloppy is HTML as old hand-written templates have it, still a valid
// page for a browser. Values that may be empty are written only when set
// (html/template writes an empty unquoted value as "ZgotmplZ"). The
// referrer meta line and "</head>" stay as the faults expect them.
const styleSloppy = `
{{define "sloppy/head"}}<!doctype html>
<HTML LANG=en>
<HEAD>
<META CHARSET=utf-8>
<meta name="referrer" content="no-referrer">
<TITLE>{{.}} · implicitspec reference server</TITLE>
</head>
<BODY>
{{end}}

{{define "sloppy-html/login"}}{{template "sloppy/head" "Sign in"}}<H1>Sign in</H1>
<P>Sign in to continue to <B>{{.ClientID}}</B>.
{{if .Error}}<P CLASS=error ROLE=alert>{{.Error}}
{{end}}{{with .Note}}<P>{{.}}
{{end}}<FORM METHOD=post ACTION=/login>
<INPUT TYPE=hidden NAME=csrf_token {{with .CSRF}}VALUE={{.}} {{end}}>
<INPUT TYPE=hidden NAME=request_id {{with .RequestID}}VALUE={{.}} {{end}}>
{{with .Next}}<INPUT TYPE=hidden NAME=next VALUE={{.}} >
{{end}}<UL>
<LI><LABEL FOR=username>Username</LABEL> <INPUT TYPE=text ID=username NAME=username AUTOCOMPLETE=username {{with .Username}}VALUE={{.}} {{end}}>
<LI><LABEL FOR=password>Password</LABEL> <INPUT TYPE=password ID=password NAME=password AUTOCOMPLETE=current-password>
</UL>
<P><BUTTON TYPE=submit NAME=action VALUE=login>Sign in</BUTTON>
</FORM>
{{end}}

{{define "sloppy-html/consent"}}{{template "sloppy/head" "Authorize access"}}<H1>Authorize access</H1>
<P>The application <B>{{.ClientID}}</B> asks to access your account <B>{{.Username}}</B>.
<FORM METHOD=post ACTION=/consent>
<INPUT TYPE=hidden NAME=csrf_token VALUE={{.CSRF}} >
<INPUT TYPE=hidden NAME=request_id VALUE={{.RequestID}} >
<FIELDSET>
<LEGEND>Permissions</LEGEND>
<UL>
{{range .Scopes}}<LI><INPUT TYPE=checkbox ID=scope-{{.}} NAME=scope VALUE={{.}} CHECKED> <LABEL FOR=scope-{{.}}>{{.}}</LABEL>
{{end}}</UL>
</FIELDSET>
<P><BUTTON TYPE=submit NAME=decision VALUE=allow>Allow</BUTTON>
<BUTTON TYPE=submit NAME=decision VALUE=deny>Deny</BUTTON>
</FORM>
{{end}}
`

// styleUnknownWords is a consent page the reader cannot read: Hungarian,
// which words.tsv does not know, two buttons that look alike and opaque
// values ("1", "2") under an opaque name. The scope checkboxes keep their
// name, so the form is still recognised as a consent form; the login page
// is the plain one. See PageStyle.NeedsHints.
const styleUnknownWords = `
{{define "unknown-words/consent"}}{{template "lang/head" (head "hu" "Hozzáférési kérelem")}}<h1>Hozzáférési kérelem</h1>
<p>Az alkalmazás <strong>{{.ClientID}}</strong> hozzáférést kér a fiókjához.</p>
<p>Bejelentkezve: <strong>{{.Username}}</strong>.</p>
<form method="post" action="/consent">
{{template "consent-hidden" .}}<fieldset>
<legend>Jogosultságok</legend>
{{template "scope-boxes" .Scopes}}</fieldset>
<p><button type="submit" name="valasztas" value="1">Engedélyezés</button>
<button type="submit" name="valasztas" value="2">Elutasítás</button></p>
</form>
{{template "foot"}}{{end}}
`

// langHead is the head of a page in another language: its lang attribute,
// its title, and the server's name in that language.
type langHead struct{ Lang, Title, Server string }

// serverNames names the server in each language of the styles.
var serverNames = map[string]string{
	"de": "implicitspec Referenzserver",
	"ja": "implicitspec リファレンスサーバー",
	"hu": "implicitspec referenciaszerver",
}

// styledPages is the plain set plus every style's templates, parsed once.
var styledPages = func() *template.Template {
	t := template.Must(pages.Clone())
	t.Funcs(template.FuncMap{"head": func(lang, title string) langHead {
		return langHead{Lang: lang, Title: title, Server: serverNames[lang]}
	}})
	for _, src := range []string{styleShared, styleLanguages, styleLayouts, styleSloppy, styleUnknownWords, styleJSLogin} {
		template.Must(t.Parse(src))
	}
	return t
}()

// pageTemplate is the template set and name that write page name in the
// configured style.
func (s *Server) pageTemplate(name string) (*template.Template, string) {
	if st := s.cfg.Pages; st != "" && st != PagesPlain {
		if styled := string(st) + "/" + name; styledPages.Lookup(styled) != nil {
			return styledPages, styled
		}
	}
	return pages, name
}

// Paths and fields that only some styles have.
const (
	pathStaySignedIn  = "/kmsi"       // stay-signed-in: the interstitial
	pathBaseLogin     = "/ui/session" // base-href: "session" under <base href="/ui/">
	pathBaseConsent   = "/ui/grant"   // base-href: "grant" under <base href="/ui/">
	fieldHoneypot     = "website"     // honeypot: the field people never see
	fieldStaySignedIn = "stay_signed_in"
	// unknown-words: the consent buttons' name and their opaque values.
	fieldChoice             = "valasztas"
	choiceAllow, choiceDeny = "1", "2"
)

// routeStyles registers the routes of the configured style only: under
// every other style these paths stay "Not found".
func (s *Server) routeStyles(mux *http.ServeMux) {
	switch s.cfg.Pages {
	case PagesStaySignedIn:
		mux.HandleFunc(pathStaySignedIn, s.handleStaySignedIn)
	case PagesBaseHref:
		mux.HandleFunc(pathBaseLogin, s.handleLogin)
		mux.HandleFunc(pathBaseConsent, s.handleConsent)
	case PagesUnknownWords:
		// More specific than "/consent" (it names the method): only the
		// submission is read differently, the page is shown as always.
		mux.HandleFunc(http.MethodPost+" /consent", s.submitChoice)
	case PagesJSLogin:
		mux.HandleFunc(pathJSONLogin, s.handleJSONLogin)
		// More specific than "/login": the page is shown as always, but
		// its form is built by script and posted to pathJSONLogin.
		mux.HandleFunc(http.MethodPost+" /login", s.formLoginGone)
	}
}

// submitChoice answers the unknown-words consent form, whose buttons carry
// the decision as opaque values: choiceAllow allows, choiceDeny denies. A
// "decision" field decides nothing under this style (the page has none);
// without a known choice nothing is decided (noDecision). Everything else
// (CSRF, session, pending request) is the plain consent handling.
func (s *Server) submitChoice(w http.ResponseWriter, r *http.Request) {
	form, ok := s.readForm(w, r)
	if !ok {
		s.renderError(w, http.StatusBadRequest, "Invalid form", "The form submission could not be read.")
		return
	}
	form.Del(fieldDecision) // r.PostForm, what submitConsent reads again
	switch form.Get(fieldChoice) {
	case choiceAllow:
		form.Set(fieldDecision, "allow")
	case choiceDeny:
		form.Set(fieldDecision, "deny")
	}
	s.handleConsent(w, r)
}

// afterLogin is where a successful login of pending request id sends the
// browser: the consent page, or the stay-signed-in interstitial first.
func (s *Server) afterLogin(id string) string {
	next := "/consent"
	if s.cfg.Pages == PagesStaySignedIn {
		next = pathStaySignedIn
	}
	return next + "?" + fieldRequestID + "=" + url.QueryEscape(id)
}

// botSuspected refuses, with an error page, a login that filled the
// honeypot style's hidden field: a person never sees it, a script filling
// every text input does. Nothing else of the login is looked at.
func (s *Server) botSuspected(w http.ResponseWriter, form url.Values) bool {
	if s.cfg.Pages != PagesHoneypot || form.Get(fieldHoneypot) == "" {
		return false
	}
	s.renderError(w, http.StatusBadRequest, "Sign-in blocked",
		"This sign-in looked automated, so it was blocked. Nothing was authorized.")
	return true
}

// noDecision answers a consent submission that carries neither allow nor
// deny. The radio-consent style shows its page again with the error (a
// person who pressed Continue without choosing sees what is missing);
// nothing is decided either way (RFC 6749 §4.2.1: the decision is the
// resource owner's).
func (s *Server) noDecision(w http.ResponseWriter, pr pendingRequest, user string) {
	if s.cfg.Pages != PagesRadioConsent {
		s.renderError(w, http.StatusBadRequest, "No decision", "Choose Allow or Deny.")
		return
	}
	s.renderPage(w, http.StatusBadRequest, "consent", consentPage{
		ClientID:  pr.clientID,
		Username:  user,
		CSRF:      s.csrfToken("consent", pr.id, pr.browser),
		RequestID: pr.id,
		Scopes:    pr.scopes,
		Error:     "Choose whether to allow access, then press Continue.",
	})
}

type staySignedInPage struct {
	Username, CSRF, RequestID string
}

// handleStaySignedIn is the stay-signed-in interstitial between login and
// consent. Its answer only decides whether the session cookie outlives the
// browser; "No" is not a denial: both answers lead to the consent page.
func (s *Server) handleStaySignedIn(w http.ResponseWriter, r *http.Request) {
	if !s.methodAllowed(w, r) {
		return
	}
	if r.Method == http.MethodGet {
		s.showStaySignedIn(w, r, r.URL.Query().Get(fieldRequestID))
		return
	}
	form, ok := s.readForm(w, r)
	if !ok {
		s.renderError(w, http.StatusBadRequest, "Invalid form", "The form submission could not be read.")
		return
	}
	id := form.Get(fieldRequestID)
	if s.faults.on(FaultLogin307) && form.Get(fieldPassword) != "" {
		// Under FaultLogin307 the browser re-posts the login form here;
		// the interstitial is shown as for a GET (as /consent does).
		s.showStaySignedIn(w, r, id)
		return
	}
	// RFC 6749 §10.12: every form of the flow is CSRF-protected.
	browser := cookieValue(r, browserCookie)
	if !s.sameOrigin(r) || !s.csrfValid("kmsi", id, browser, form.Get(fieldCSRF)) {
		s.forbidden(w)
		return
	}
	if pr, ok := s.getPending(id); !ok || pr.browser != browser {
		s.unknownRequest(w)
		return
	}
	sessionID := cookieValue(r, sessionCookie)
	if _, ok := s.lookupSession(sessionID); ok && form.Get(fieldStaySignedIn) == "yes" {
		c := s.cookie(sessionCookie, sessionID)
		c.MaxAge = int(sessionLifetime / time.Second)
		http.SetCookie(w, c)
	}
	w.Header().Set("Location", "/consent?"+fieldRequestID+"="+url.QueryEscape(id))
	w.WriteHeader(http.StatusSeeOther)
}

// showStaySignedIn shows the interstitial of pending request id to the
// signed-in browser that made it; a browser not signed in is sent to the
// login page, as showConsent does.
func (s *Server) showStaySignedIn(w http.ResponseWriter, r *http.Request, id string) {
	pr, se, ok := s.signedInPending(w, r, id)
	if !ok {
		return
	}
	s.renderPage(w, http.StatusOK, "kmsi", staySignedInPage{
		Username:  se.username,
		CSRF:      s.csrfToken("kmsi", pr.id, pr.browser),
		RequestID: pr.id,
	})
}
