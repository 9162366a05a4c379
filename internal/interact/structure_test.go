package interact

import (
	"strings"
	"testing"
)

const (
	radioConsent = `<html><head><title>Zugriff</title></head><body><h1>Example App möchte auf Ihr Konto zugreifen</h1>
<form method="post" action="/consent"><input type="hidden" name="c" value="1">
<label><input type="radio" name="decision" value="yes"> Ja, zulassen</label>
<label><input type="radio" name="decision" value="no" checked> Nein</label>
<button type="submit">Weiter</button></form></body></html>`
	selectConsent = `<html><head><title>Consent</title></head><body><form method="post" action="/consent">
<select name="answer"><option value="">Please choose</option><option value="a1">Allow</option><option value="d1">Deny</option></select>
<input type="submit" value="Submit"></form></body></html>`
	// Hungarian: no word the vocabulary knows; the scopes mark the consent form, the look tells the buttons.
	lookConsent = `<html><head><title>Hozzáférés</title></head><body><form method="post" action="/consent">
<label><input type="checkbox" name="grant_scope" value="openid" checked> openid</label>
<button type="submit" name="d" value="1" class="btn btn-secondary">Elutasítás</button>
<button type="submit" name="d" value="2" class="btn btn-primary">Engedélyezés</button></form></body></html>`
	oneRefusal = `<html><head><title>Hozzáférés</title></head><body><form method="post" action="/consent">
<button type="submit" name="d" value="1">Engedélyezés</button><button type="submit" name="d" value="2">Ablehnen</button></form></body></html>`
	denyLinkConsent = `<html><head><title>Zugriff</title></head><body><form method="post" action="/consent">
<button type="submit" name="d" value="1" class="btn-primary">Zulassen</button></form>
<a href="/consent?d=abgebrochen" class="btn-link">Abbrechen</a></body></html>`
	formactionConsent = `<html><head><title>Consent</title></head><body><form method="post" action="/consent">
<button type="submit" name="d" value="ok" formaction="/consent/allow">Allow</button>
<button type="submit" name="d" value="no" formaction="/consent/deny" formmethod="post">Deny</button></form></body></html>`
	ambiguousConsent = `<html><head><title>Hozzáférés</title></head><body><p>Example App wants to access your account.</p>
<form method="post" action="/consent"><button name="d" value="1">Engedélyezés</button><button name="d" value="2">Elutasítás</button></form></body></html>`
	backConsent = `<html><head><title>Zugriff</title></head><body><p>Example App möchte auf Ihr Konto zugreifen.</p>
<form method="post" action="/consent"><button name="d" value="1">Weiter</button><button name="d" value="2">Zurück</button></form></body></html>`
)

// The consent decision taken by structure where the words are absent or do not settle it.
func TestConsentByStructure(t *testing.T) {
	cases := []struct {
		name, page string
		dec        Decision
		path, body string // the request the consent answer makes
	}{
		{"radio group, approve picks the granting option", radioConsent, Approve, "/consent", "c=1&decision=yes"},
		{"radio group, deny picks the refusing option", radioConsent, Deny, "/consent", "c=1&decision=no"},
		{"select, approve", selectConsent, Approve, "/consent", "answer=a1"},
		{"select, deny", selectConsent, Deny, "/consent", "answer=d1"},
		{"primary button approves", lookConsent, Approve, "/consent", "grant_scope=openid&d=2"},
		{"secondary button denies", lookConsent, Deny, "/consent", "grant_scope=openid&d=1"},
		{"the button that is not the refusal approves", oneRefusal, Approve, "/consent", "d=1"},
		{"the refusal in another language", oneRefusal, Deny, "/consent", "d=2"},
		{"approve beside a deny link", denyLinkConsent, Approve, "/consent", "d=1"},
		{"deny by the link", denyLinkConsent, Deny, "/consent", ""},
		{"formaction, approve", formactionConsent, Approve, "/consent/allow", "d=ok"},
		{"formaction, deny", formactionConsent, Deny, "/consent/deny", "d=no"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, map[string]fakePage{
				"/authorize":     {body: tc.page},
				"/consent":       {status: 303, location: "CLIENT#access_token=x"},
				"/consent/allow": {status: 303, location: "CLIENT#access_token=x"},
				"/consent/deny":  {status: 303, location: "CLIENT#error=access_denied"},
			})
			out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Decision: tc.dec})
			wantDeparture(t, out, Redirected)
			if tc.body != "" {
				if got := f.last(tc.path); got != tc.body {
					t.Errorf("%s body %q, want %q (steps %q)", tc.path, got, tc.body, out.Steps)
				}
			}
			if out.Denied != (tc.dec == Deny) || !out.ConsentShown {
				t.Errorf("denied %v consent %v (steps %q)", out.Denied, out.ConsentShown, out.Steps)
			}
		})
	}
}

// When neither words nor look tell the buttons apart the reader says so, lists them and names
// the hint, and presses nothing; with the hint it goes on.
func TestAmbiguous(t *testing.T) {
	cases := []struct {
		name, page string
		dec        Decision
		hints      Hints
		detail     string
	}{
		{"unknown words, approve", ambiguousConsent, Approve, Hints{},
			`"Engedélyezés" (name=d value=1), "Elutasítás" (name=d value=2); set interaction.approve in the profile to one of: "Engedélyezés", "Elutasítás"`},
		{"unknown words, deny", ambiguousConsent, Deny, Hints{}, `set interaction.deny in the profile to one of: "Engedélyezés", "Elutasítás"`},
		{"Weiter and Zurück, deny: a refusal is never inferred", backConsent, Deny, Hints{}, `set interaction.deny in the profile to one of: "Weiter", "Zurück"`},
		{"login with two unknown buttons", `<html><head><title>Belépés</title></head><body><form method="post" action="/login">
<input name="user"><input type="password" name="pw"><button name="b" value="1">Belépés</button><button name="b" value="2">Tovább</button></form></body></html>`,
			Approve, Hints{}, `set interaction.login_button in the profile to one of: "Belépés", "Tovább"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, map[string]fakePage{"/authorize": {body: tc.page}})
			out, err := run(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Username: "u", Password: "pw", Decision: tc.dec})
			e := wantError(t, err, KindAmbiguous)
			if !strings.Contains(e.Detail, tc.detail) {
				t.Errorf("detail %q, want it to hold %q", e.Detail, tc.detail)
			}
			if f.last("/consent")+f.last("/login") != "" || len(out.Steps) != 0 || out.Denied {
				t.Errorf("something was pressed: steps %q denied %v", out.Steps, out.Denied)
			}
		})
	}
	t.Run("the hint settles it", func(t *testing.T) {
		c := newClientSite(t)
		f := newPages(t, c, map[string]fakePage{"/authorize": {body: backConsent}, "/consent": {status: 303, location: "CLIENT#error=access_denied"}})
		out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Decision: Deny, Hints: Hints{Deny: "zurück"}})
		if got := f.last("/consent"); got != "d=2" || !out.Denied {
			t.Errorf("consent body %q denied %v", got, out.Denied)
		}
	})
}

const (
	kmsiPage = `<html><head><title>Anmelden</title></head><body><h1>Angemeldet bleiben?</h1>
<p>So müssen Sie sich seltener anmelden.</p><form method="post" action="/kmsi"><input type="hidden" name="ctx" value="k1">
<label><input type="checkbox" name="dontshow"> Nicht mehr anzeigen</label>
<input type="button" value="Nein" id="back" onclick="history.back()">
<button type="submit" name="LoginOptions" value="0" class="secondary">Nein</button>
<button type="submit" name="LoginOptions" value="1" class="primary" autofocus>Ja</button></form></body></html>`
	kmsiConsent = `<html><head><title>Example App</title></head><body><h1>Example App möchte auf Ihr Konto zugreifen</h1>
<form method="post" action="/consent"><button name="d" value="ja">Ja</button><button name="d" value="nein">Nein</button></form></body></html>`
)

// A "Stay signed in?" page is neither the consent nor a refusal: its "Nein" is pressed and
// the flow goes on to the consent, which alone decides Denied.
func TestStaySignedIn(t *testing.T) {
	for _, dec := range []Decision{Approve, Deny} {
		t.Run(dec.String(), func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, map[string]fakePage{
				"/authorize": {body: kmsiPage},
				"/kmsi":      {body: kmsiConsent},
				"/consent":   {status: 303, location: "CLIENT#access_token=x"},
			})
			out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Decision: dec})
			wantDeparture(t, out, Redirected)
			if got := f.last("/kmsi"); got != "ctx=k1&LoginOptions=0" {
				t.Errorf("kmsi body %q", got)
			}
			want := map[Decision]string{Approve: "d=ja", Deny: "d=nein"}[dec]
			if got := f.last("/consent"); got != want || out.Denied != (dec == Deny) {
				t.Errorf("consent body %q denied %v", got, out.Denied)
			}
			pressed := map[Decision]string{Approve: "Ja", Deny: "Nein"}[dec]
			wantSteps(t, out, `stay signed in? clicked "Nein"`, `consent: clicked "`+pressed+`"`)
		})
	}
	t.Run("no consent after it: not denied", func(t *testing.T) {
		c := newClientSite(t)
		f := newPages(t, c, map[string]fakePage{"/authorize": {body: kmsiPage}, "/kmsi": {status: 303, location: "CLIENT#access_token=x"}})
		out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+"/authorize", Options{Decision: Deny})
		if out.Denied || out.ConsentShown {
			t.Errorf("denied %v consent %v", out.Denied, out.ConsentShown)
		}
	})
}

// Markup a person does not see, resolves, or reads past.
func TestPageStructure(t *testing.T) {
	cases := []struct {
		name, path, page string
		post, body       string // where the login went, with what
	}{
		{"honeypot stays empty", "/authorize", `<html><head><title>Sign in</title></head><body><form method="post" action="/login">
<div style="display: none"><label>Email <input name="email" tabindex="-1" autocomplete="off"></label></div>
<p aria-hidden="true"><input name="website"></p><input class="hp" name="phone">
<label>Benutzer <input name="user"></label><input type="password" name="pw">
<button type="submit" class="d-none" name="bot" value="1">Go</button><button>Anmelden</button></form></body></html>`,
			"/login", "email=&website=&phone=&user=alice&pw=pw"},
		{"base href", "/app/authorize", `<html><head><base href="/idp/"><title>Login</title></head><body>
<form method="post" action="login"><input name="user"><input type="password" name="pw"><button>Log in</button></form></body></html>`,
			"/idp/login", "user=alice&pw=pw"},
		{"sloppy HTML", "/authorize", `<HTML><BODY><P>Bitte anmelden<P>Willkommen
<UL><LI>eins<LI>zwei</UL><FORM METHOD=POST ACTION=/login><P>Benutzer <INPUT NAME=user>
<P>Passwort <INPUT TYPE=PASSWORD NAME=pw><LI><BUTTON CLASS=secondary NAME=b VALUE=r>Passwort vergessen</BUTTON>
<BUTTON NAME=b VALUE=l>Anmelden</BUTTON></FORM>`,
			"/login", "user=alice&pw=pw&b=l"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClientSite(t)
			f := newPages(t, c, map[string]fakePage{tc.path: {body: tc.page}, tc.post: {status: 303, location: "CLIENT#access_token=x"}})
			out := mustRun(t, newTestAgent(t, c, f.srv), f.srv.URL+tc.path, Options{Username: "alice", Password: "pw"})
			wantDeparture(t, out, Redirected)
			if got := f.last(tc.post); got != tc.body {
				t.Errorf("%s body %q, want %q", tc.post, got, tc.body)
			}
		})
	}
}
