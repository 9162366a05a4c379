package refserver

import (
	"bytes"
	"html"
	"html/template"
	"net/http"
	"strings"
)

// The page templates are parsed once and only executed afterwards.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} · implicitspec reference server</title>
</head>
<body>
<main>
{{end}}

{{define "foot"}}</main>
</body>
</html>
{{end}}

{{define "error"}}{{template "head" .Title}}<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{template "foot"}}{{end}}

{{define "login"}}{{template "head" "Sign in"}}<h1>Sign in</h1>
<p>Sign in to continue to <strong>{{.ClientID}}</strong>.</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>
{{end}}{{with .Note}}<p>{{.}}</p>
{{end}}<form method="post" action="/login">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<input type="hidden" name="request_id" value="{{.RequestID}}">
{{with .Next}}<input type="hidden" name="next" value="{{.}}">
{{end}}<p><label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" value="{{.Username}}"></p>
<p><label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password"></p>
<p><button type="submit" name="action" value="login">Sign in</button></p>
</form>
{{template "foot"}}{{end}}

{{define "consent"}}{{template "head" "Authorize access"}}<h1>Authorize access</h1>
<p>The application <strong>{{.ClientID}}</strong> asks to access your account <strong>{{.Username}}</strong>.</p>
<form method="post" action="/consent">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<input type="hidden" name="request_id" value="{{.RequestID}}">
<fieldset>
<legend>Permissions</legend>
{{range .Scopes}}<p><input type="checkbox" id="scope-{{.}}" name="scope" value="{{.}}" checked> <label for="scope-{{.}}">{{.}}</label></p>
{{end}}</fieldset>
<p><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></p>
</form>
{{template "foot"}}{{end}}
`))

type errorPage struct {
	Title   string
	Message any // a string, escaped; template.HTML only under FaultUnknownClientUnescaped
}

type loginPage struct {
	ClientID, CSRF, RequestID, Username, Error string
	Next                                       string        // under FaultLoginOpenRedirect only
	Note                                       template.HTML // under FaultStateUnescapedOnLogin only
}

type consentPage struct {
	ClientID, Username, CSRF, RequestID string
	Scopes                              []string
	Error                               string // the radio-consent style's "choose one" only
}

// renderPage executes one template, in the configured page style
// (pagestyles.go), into a buffer, then writes it, so a template error never
// leaves half a page.
func (s *Server) renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	set, styled := s.pageTemplate(name)
	if err := set.ExecuteTemplate(&buf, styled, data); err != nil {
		http.Error(w, "internal error rendering page", http.StatusInternalServerError)
		return
	}
	body := s.withoutReferrerPolicy(buf.Bytes()) // FaultNoReferrerPolicy: every page
	// RFC 9700 §4.2.4: the consent page keeps its address from other sites;
	// the fault drops both the header and the meta element.
	if name == "consent" && s.faults.on(FaultConsentNoReferrerPolicy) {
		body = bytes.Replace(body, []byte(metaReferrerLine), nil, 1)
		w.Header().Del("Referrer-Policy")
	}
	// RFC 9700 §4.2.4: third-party content on the consent page would receive
	// its address; the fault loads a script from another site.
	if name == "consent" && s.faults.on(FaultConsentThirdPartyScript) {
		body = bytes.Replace(body, []byte("</head>"), []byte(`<script src="https://cdn.analytics.example/track.js"></script>`+"\n</head>"), 1)
	}
	writeHTML(w, status, body)
}

// metaReferrerLine is the referrer policy every page's head carries.
const metaReferrerLine = `<meta name="referrer" content="no-referrer">` + "\n"

// renderError shows an error page at the server's own origin. It contains no
// link, refresh, form or script (RFC 6749 §4.2.2.1: inform the resource owner,
// never redirect); everything reflected is escaped by html/template.
func (s *Server) renderError(w http.ResponseWriter, status int, title, message string) {
	// RFC 9700 §4.16: "Authorization servers MUST prevent clickjacking
	// attacks" — error pages included; the fault lets them be framed.
	if s.faults.on(FaultErrorPageFramable) {
		w.Header().Del("X-Frame-Options")
		w.Header().Del("Content-Security-Policy")
	}
	s.renderPage(w, status, "error", errorPage{Title: title, Message: message})
}

// renderFormPost writes the self-submitting form of OAuth 2.0 Form Post
// Response Mode §2. It is built by hand, not by html/template, so that the
// action is exactly the redirect URI once HTML-unescaped (html/template would
// normalise the URL).
func (s *Server) renderFormPost(w http.ResponseWriter, action string, params []kv) {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"referrer\" content=\"no-referrer\">\n" +
		"<title>Submit this form · implicitspec reference server</title>\n</head>\n" +
		"<body onload=\"document.forms[0].submit()\">\n")
	method := "post"
	if s.faults.on(FaultFormPostMethodGet) {
		// Form Post Response Mode §2: the parameters are sent by "HTTP POST".
		method = "get"
	}
	if s.faults.on(FaultFormPostActionRewritten) {
		// Form Post Response Mode §2: the form's action is the client's
		// redirection URI, exactly.
		action = addTrailingSlash(action)
	}
	b.WriteString(`<form method="` + method + `" action="` + html.EscapeString(action) + "\">\n")
	for _, p := range params {
		b.WriteString(`<input type="hidden" name="` + html.EscapeString(p.name) +
			`" value="` + html.EscapeString(p.value) + "\">\n")
	}
	b.WriteString("<noscript><p>JavaScript is off: press Continue to return to the application.</p>" +
		"<button type=\"submit\">Continue</button></noscript>\n</form>\n</body>\n</html>\n")
	if s.faults.on(FaultFormPostCacheable) {
		// Form Post Response Mode §2: the page must not be stored or reused
		// ("Cache-Control: no-store").
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=300")
		w.Header().Del("Pragma")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(b.String()))
		return
	}
	writeHTML(w, http.StatusOK, s.withoutReferrerPolicy([]byte(b.String())))
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
