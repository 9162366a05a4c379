package refserver

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// seenPages are the pages a person saw in one styled flow.
type seenPages struct {
	login, interstitial, consent string
}

// styleCase is how a person reaches the controls of one page style (the
// form actions as written, and where a browser resolves them) and what the
// style's pages must show.
type styleCase struct {
	style                       PageStyle
	loginAction, loginPost      string // formOf action; where a browser posts it
	consentAction, consentPost  string
	interstitial                bool // stay-signed-in: /kmsi between login and consent
	markers                     func(t *testing.T, p seenPages)
	decisionField, allow, deny  string // the consent control: name and values ("": decision=allow|deny)
	decisionByRadio, helpButton bool
}

func styleCases() []styleCase {
	plain := func(sc styleCase) styleCase {
		if sc.loginAction == "" {
			sc.loginAction, sc.loginPost = "/login", "/login"
		}
		if sc.consentAction == "" {
			sc.consentAction, sc.consentPost = "/consent", "/consent"
		}
		return sc
	}
	return []styleCase{
		plain(styleCase{style: PagesPlain, markers: wantPlainMarkers}),
		plain(styleCase{style: PagesGerman, markers: wantGermanMarkers}),
		plain(styleCase{style: PagesJapanese, markers: wantJapaneseMarkers}),
		plain(styleCase{style: PagesRegistrationBesideLogin, markers: wantRegistrationMarkers}),
		plain(styleCase{style: PagesRadioConsent, markers: wantRadioMarkers}),
		plain(styleCase{style: PagesHoneypot, markers: wantHoneypotMarkers}),
		plain(styleCase{style: PagesStaySignedIn, interstitial: true, markers: wantStaySignedInMarkers}),
		plain(styleCase{style: PagesFormaction, consentAction: "/consent/help", consentPost: "/consent", markers: wantFormactionMarkers}),
		{style: PagesBaseHref, loginAction: "session", loginPost: "/ui/session", consentAction: "grant", consentPost: "/ui/grant",
			markers: wantBaseHrefMarkers},
		plain(styleCase{style: PagesSloppyHTML, markers: wantSloppyMarkers}),
		plain(styleCase{style: PagesUnknownWords, markers: wantUnknownWordsMarkers,
			decisionField: fieldChoice, allow: choiceAllow, deny: choiceDeny}),
	}
}

// decide sets, in a consent form, the control of sc that means decision
// ("allow" or "deny").
func (sc styleCase) decide(form url.Values, decision string) {
	if sc.decisionField == "" {
		form.Set(fieldDecision, decision)
		return
	}
	value := sc.allow
	if decision == "deny" {
		value = sc.deny
	}
	form.Set(sc.decisionField, value)
}

// TestPageStyles: every page style with forms shows its markers and,
// driven as a browser would drive it, approves (a working token in the
// fragment) and denies (access_denied, RFC 6749 §4.2.2.1) like the plain
// pages. The styles that NeedsScript sign in by script: TestJSLogin.
func TestPageStyles(t *testing.T) {
	t.Parallel()
	cases := styleCases()
	var names []PageStyle
	for _, sc := range cases {
		names = append(names, sc.style)
	}
	if withForms := slices.DeleteFunc(PageStyles(), PageStyle.NeedsScript); !slices.Equal(names, withForms) {
		t.Fatalf("cases cover %q, want every one of PageStyles() with forms %q", names, withForms)
	}
	for _, sc := range cases {
		t.Run(string(sc.style), func(t *testing.T) {
			t.Parallel()
			srv := startConfigured(t, Config{Pages: sc.style})
			resp, seen := styledFlow(t, srv, sc, "allow", "xyz")
			sc.markers(t, seen)
			wantConformantSuccess(t, srv, resp, "xyz")
			resp, _ = styledFlow(t, srv, sc, "deny", "abc")
			wantErrorRedirect(t, resp, "access_denied", "abc")
		})
	}
}

// styledFlow runs baseline(state) through srv in a fresh browser, as a
// person reads sc's pages, deciding decision ("allow" or "deny").
func styledFlow(t *testing.T, srv *Server, sc styleCase, decision, state string) (response, seenPages) {
	t.Helper()
	var seen seenPages
	b := newBrowser(t, srv)
	authz := b.authorize(baseline(state))
	if authz.status != http.StatusSeeOther || !strings.HasPrefix(authz.location, "/login?") {
		t.Fatalf("authorize: want 303 to /login, got %d %q", authz.status, authz.location)
	}
	seen.login = wantPage(t, b.get(authz.location))
	form := formOf(t, seen.login, sc.loginAction)
	form.Set("username", username)
	form.Set("password", srv.password)
	next := b.post(sc.loginPost, form)
	if sc.interstitial {
		if next.status != http.StatusSeeOther || !strings.HasPrefix(next.location, "/kmsi?") {
			t.Fatalf("login: want 303 to /kmsi, got %d %q\n%s", next.status, next.location, next.body)
		}
		seen.interstitial = wantPage(t, b.get(next.location))
		form := formOf(t, seen.interstitial, "/kmsi")
		form.Set(fieldStaySignedIn, "no") // "No" is not a denial
		next = b.post("/kmsi", form)
	}
	seen.consent = b.consentPage(next).body
	form = formOf(t, seen.consent, sc.consentAction)
	sc.decide(form, decision)
	return b.post(sc.consentPost, form), seen
}

func wantPage(t *testing.T, resp response) string {
	t.Helper()
	if resp.status != http.StatusOK {
		t.Fatalf("want a page (200), got %d %q\n%s", resp.status, resp.location, resp.body)
	}
	return resp.body
}

// TestPageStyleTemplates: the plain style is the plain template set (so the
// default pages are byte-identical), and every other style writes at least
// one page of its own.
func TestPageStyleTemplates(t *testing.T) {
	t.Parallel()
	for _, st := range PageStyles() {
		s := &Server{cfg: Config{Pages: st}}
		own := 0
		for _, name := range []string{"login", "consent", "kmsi"} {
			set, styled := s.pageTemplate(name)
			if set != pages && styled == string(st)+"/"+name {
				own++
			}
		}
		if (own == 0) != (st == PagesPlain) {
			t.Errorf("style %q writes %d pages of its own", st, own)
		}
	}
	for _, name := range []string{"login", "consent", "error"} {
		if set, styled := (&Server{}).pageTemplate(name); set != pages || styled != name {
			t.Errorf("default style: page %q from %q", name, styled)
		}
	}
}

// TestPageStyleRefusals: the pages that only a careful reader gets right
// fail visibly for a careless one, and nothing is decided.
func TestPageStyleRefusals(t *testing.T) {
	t.Parallel()
	t.Run("radio-consent without a choice", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Pages: PagesRadioConsent})
		b := newBrowser(t, srv)
		page := b.consentPage(b.login(b.authorize(baseline("xyz"))))
		form := formOf(t, page.body, "/consent")
		resp := b.post("/consent", form) // Continue pressed, no radio chosen
		if resp.status != http.StatusBadRequest || resp.location != "" {
			t.Fatalf("no choice: status %d Location %q, want 400 and no redirect", resp.status, resp.location)
		}
		if !strings.Contains(resp.body, "Choose whether to allow access") || len(inputsOf(t, resp.body, "radio")) != 2 {
			t.Errorf("no choice: want the consent page again with its error:\n%s", resp.body)
		}
		form.Set("decision", "allow") // the request is still pending
		wantConformantSuccess(t, srv, b.post("/consent", form), "xyz")
	})
	t.Run("honeypot filled", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Pages: PagesHoneypot})
		b := newBrowser(t, srv)
		authz := b.authorize(baseline("xyz"))
		form := formOf(t, wantPage(t, b.get(authz.location)), "/login")
		form.Set("username", username)
		form.Set("password", srv.password)
		form.Set(fieldHoneypot, username) // a reader filling every text field
		resp := b.post("/login", form)
		wantErrorPage(t, resp)
		if _, ok := b.cookies[sessionCookie]; ok {
			t.Errorf("honeypot filled: a session cookie was set")
		}
		if c := b.get("/consent?" + query(fieldRequestID, form.Get(fieldRequestID))); c.status != http.StatusSeeOther || !strings.HasPrefix(c.location, "/login?") {
			t.Errorf("honeypot filled: consent page %d %q, want 303 back to /login", c.status, c.location)
		}
	})
	t.Run("formaction ignored", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Pages: PagesFormaction})
		b := newBrowser(t, srv)
		page := b.consentPage(b.login(b.authorize(baseline("xyz"))))
		for _, d := range []string{"allow", "deny"} {
			form := formOf(t, page.body, "/consent/help")
			form.Set("decision", d)
			wantNotDecided(t, b.post("/consent/help", form), http.StatusNotFound)
		}
	})
	t.Run("base href ignored", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Pages: PagesBaseHref})
		b := newBrowser(t, srv)
		authz := b.authorize(baseline("xyz"))
		form := formOf(t, wantPage(t, b.get(authz.location)), "session")
		form.Set("username", username)
		form.Set("password", srv.password)
		wantNotDecided(t, b.post("/session", form), http.StatusNotFound) // "session" against /login
		if resp := b.post("/ui/session", form); resp.status != http.StatusSeeOther {
			t.Fatalf("login at /ui/session: %d", resp.status)
		}
		page := b.get("/consent?" + query(fieldRequestID, form.Get(fieldRequestID)))
		consent := formOf(t, wantPage(t, page), "grant")
		consent.Set("decision", "allow")
		wantNotDecided(t, b.post("/grant", consent), http.StatusNotFound) // "grant" against /consent
	})
	t.Run("registration form", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Pages: PagesRegistrationBesideLogin})
		b := newBrowser(t, srv)
		authz := b.authorize(baseline("xyz"))
		form := formOf(t, wantPage(t, b.get(authz.location)), "/signup")
		form.Set("username", username)
		form.Set("password", srv.password)
		wantNotDecided(t, b.post("/signup", form), http.StatusNotFound)
	})
	t.Run("stay signed in: yes keeps the session", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Pages: PagesStaySignedIn})
		b := newBrowser(t, srv)
		kmsi := b.login2(b.authorize(baseline("xyz")), "/kmsi?")
		form := formOf(t, wantPage(t, b.get(kmsi.location)), "/kmsi")
		form.Set(fieldStaySignedIn, "yes")
		resp := b.post("/kmsi", form)
		if !strings.Contains(resp.header.Get("Set-Cookie"), "Max-Age=3600") {
			t.Errorf("yes: Set-Cookie %q, want a persistent session cookie", resp.header.Get("Set-Cookie"))
		}
		form.Set(fieldCSRF, "forged")
		if forged := b.post("/kmsi", form); forged.status != http.StatusForbidden {
			t.Errorf("forged CSRF at /kmsi: %d, want 403", forged.status)
		}
		wantConformantSuccess(t, srv, b.decide(b.consentPage(resp), "allow"), "xyz")
	})
	t.Run("unknown-words: only the buttons' values decide", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Pages: PagesUnknownWords})
		b := newBrowser(t, srv)
		page := b.consentPage(b.login(b.authorize(baseline("xyz"))))
		for _, bad := range []url.Values{{fieldDecision: {"allow"}}, {fieldChoice: {"allow"}}, {fieldChoice: {"3"}}, {}} {
			form := formOf(t, page.body, "/consent")
			for k, v := range bad {
				form[k] = v
			}
			wantNotDecided(t, b.post("/consent", form), http.StatusBadRequest)
		}
		form := formOf(t, page.body, "/consent")
		form.Set(fieldDecision, "deny") // ignored: the choice decides
		form.Set(fieldChoice, choiceAllow)
		wantConformantSuccess(t, srv, b.post("/consent", form), "xyz") // the request was still pending
	})
	t.Run("style routes only under their style", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Pages: PagesGerman})
		for _, p := range []string{"/kmsi", "/ui/session", "/ui/grant"} {
			if resp := newBrowser(t, srv).post(p, url.Values{}); resp.status != http.StatusNotFound {
				t.Errorf("POST %s under german: %d, want 404", p, resp.status)
			}
		}
	})
}

// login2 is login for a style whose login leads to wantPrefix.
func (b *browser) login2(authz response, wantPrefix string) response {
	b.t.Helper()
	form := formOf(b.t, wantPage(b.t, b.get(authz.location)), "/login")
	form.Set("username", username)
	form.Set("password", b.srv.password)
	resp := b.post("/login", form)
	if resp.status != http.StatusSeeOther || !strings.HasPrefix(resp.location, wantPrefix) {
		b.t.Fatalf("login: want 303 to %s, got %d %q", wantPrefix, resp.status, resp.location)
	}
	return resp
}

// wantNotDecided: an error page with status, no redirect to the client.
func wantNotDecided(t *testing.T, resp response, status int) {
	t.Helper()
	if resp.status != status || resp.location != "" {
		t.Errorf("status %d Location %q, want %d and no redirect", resp.status, resp.location, status)
	}
}

// unknownWordsHints are the profile hints that name the unknown-words
// style's consent buttons (interaction.approve, interaction.deny).
var unknownWordsHints = interact.Hints{Approve: "Engedélyezés", Deny: "Elutasítás"}

// TestPageStylesWithPageReader drives every page style with the harness's
// own page reader (internal/interact), without hints: a person who reads
// the page approves and denies as on the plain pages. A style that
// NeedsHints is the exception: without hints the reader must refuse (an
// ambiguous error naming the buttons and the hint to set) and press
// nothing; with the hints it approves and denies like the others.
func TestPageStylesWithPageReader(t *testing.T) {
	t.Parallel()
	for _, st := range PageStyles() {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			srv := startConfigured(t, Config{Pages: st})
			if st.NeedsScript() {
				for _, d := range []interact.Decision{interact.Approve, interact.Deny} {
					t.Run(d.String()+" without a script engine", func(t *testing.T) {
						wantReaderCannotSignIn(t, srv, d)
					})
				}
				return
			}
			var hints interact.Hints
			if st.NeedsHints() {
				for _, d := range []interact.Decision{interact.Approve, interact.Deny} {
					t.Run(d.String()+" without hints", func(t *testing.T) {
						wantReaderRefuses(t, srv, d)
					})
				}
				hints = unknownWordsHints
			}
			for _, d := range []interact.Decision{interact.Approve, interact.Deny} {
				t.Run(d.String(), func(t *testing.T) {
					frag := readerFlow(t, srv, d, hints)
					switch {
					case d == interact.Approve && (frag.Get("access_token") == "" || frag.Has("error")):
						t.Errorf("approve: fragment %v, want an access_token", redactedKeys(frag))
					case d == interact.Deny && frag.Get("error") != "access_denied":
						t.Errorf("deny: fragment %v, want error=access_denied", redactedKeys(frag))
					}
				})
			}
		})
	}
}

// wantReaderRefuses: on a consent page it cannot read, the reader deciding
// d without hints ends in an ambiguous error that names both buttons and
// the hint to set, and it never submitted the consent form (no POST to
// /consent among the agent's hops): it says so, it does not guess.
func wantReaderRefuses(t *testing.T, srv *Server, d interact.Decision) {
	t.Helper()
	a, out, err := runReader(t, srv, d, interact.Hints{})
	hintKey := "interaction.approve"
	if d == interact.Deny {
		hintKey = "interaction.deny"
	}
	var ie *interact.Error
	if !errors.As(err, &ie) || ie.Kind != interact.KindAmbiguous {
		t.Fatalf("interact.Run %s without hints: error %v (steps %q), want an *interact.Error of kind %s",
			d, err, out.Steps, interact.KindAmbiguous)
	}
	t.Logf("interact.Run %s without hints: %v", d, err)
	for _, part := range []string{`"Engedélyezés"`, `"Elutasítás"`, hintKey} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error lacks %s: %v", part, err)
		}
	}
	if !out.ConsentShown || out.Denied || out.Departure != nil {
		t.Errorf("outcome: consent shown %t, denied %t, departure %v; want the consent page shown and nothing decided",
			out.ConsentShown, out.Denied, out.Departure)
	}
	consentSeen := false
	for _, h := range a.Hops() {
		u, err := url.Parse(h.URL)
		if err != nil || u.Path != "/consent" {
			continue
		}
		if h.Method == http.MethodPost {
			t.Errorf("the reader submitted the consent form without knowing its buttons: %s %s (body %q)", h.Method, h.URL, h.RequestBody)
		}
		consentSeen = consentSeen || h.Method == http.MethodGet && h.Status == http.StatusOK
	}
	if !consentSeen {
		t.Errorf("the consent page was never shown: hops %d", len(a.Hops()))
	}
}

// wantReaderCannotSignIn: on a login page that only a script can use, the
// reader deciding d ends in an unreadable error that says why, having sent
// the credentials nowhere (no POST at all among the agent's hops): a
// reader that runs no script says so, it does not judge the server.
func wantReaderCannotSignIn(t *testing.T, srv *Server, d interact.Decision) {
	t.Helper()
	a, out, err := runReader(t, srv, d, interact.Hints{})
	var ie *interact.Error
	if !errors.As(err, &ie) || ie.Kind != interact.KindUnreadable || !strings.Contains(err.Error(), "needs JavaScript") {
		t.Fatalf("interact.Run %s: error %v (steps %q), want an *interact.Error of kind %s saying the page needs JavaScript",
			d, err, out.Steps, interact.KindUnreadable)
	}
	for _, h := range a.Hops() {
		if h.Method != http.MethodGet {
			t.Errorf("the reader sent %s %s on a page it cannot read", h.Method, h.URL)
		}
	}
}

// readerFlow runs baseline through interact.Run in a fresh agent, the
// resource owner deciding d with hints, and returns the fragment at the
// redirect URI.
func readerFlow(t *testing.T, srv *Server, d interact.Decision, hints interact.Hints) url.Values {
	t.Helper()
	_, out, err := runReader(t, srv, d, hints)
	if err != nil {
		t.Fatalf("interact.Run %s: %v (steps %q)", d, err, out.Steps)
	}
	t.Logf("interact.Run %s: steps %q", d, out.Steps)
	if d == interact.Deny && !out.Denied {
		t.Errorf("interact.Run deny: the reader never pressed a deny control (steps %q)", out.Steps)
	}
	if out.Kind != interact.Redirected || out.Departure == nil {
		t.Fatalf("interact.Run %s: %s, %s (steps %q), want a redirect to %s", d, out.Kind, out.Reason, out.Steps, r1)
	}
	u := *out.Departure.URL
	frag, err := url.ParseQuery(u.Fragment)
	if err != nil {
		t.Fatalf("fragment: %v", err)
	}
	u.Fragment, u.RawFragment = "", ""
	if u.String() != r1 {
		t.Fatalf("interact.Run %s: left for %s (steps %q), want %s", d, u.String(), out.Steps, r1)
	}
	return frag
}

// runReader runs baseline through interact.Run in a fresh agent, the
// resource owner deciding d with hints; the agent is returned for its hops.
func runReader(t *testing.T, srv *Server, d interact.Decision, hints interact.Hints) (*agent.Agent, *interact.Outcome, error) {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(srv.CACertPEM()) {
		t.Fatal("CACertPEM: no certificate")
	}
	a, err := agent.New(agent.Config{RootCAs: pool, AllowedOrigins: []string{srv.Issuer()}, ClientURIs: []string{r1}})
	if err != nil {
		t.Fatalf("agent.New: %v", err)
	}
	t.Cleanup(a.CloseIdleConnections)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := interact.Start{Method: http.MethodGet, URL: srv.Issuer() + "/authorize?" + baseline("xyz")}
	out, err := interact.Run(ctx, a, start, interact.Options{Username: username, Password: srv.password, Hints: hints, Decision: d})
	return a, out, err
}

// redactedKeys lists a fragment's parameters with the token left out.
func redactedKeys(frag url.Values) []string {
	var out []string
	for k, vs := range frag {
		if k == "access_token" {
			vs = []string{"…"}
		}
		out = append(out, k+"="+strings.Join(vs, ","))
	}
	slices.Sort(out)
	return out
}

// The markers of each style.

func wantPlainMarkers(t *testing.T, p seenPages) {
	t.Helper()
	wantContains(t, p.login, `<html lang="en">`, "<h1>Sign in</h1>", `<form method="post" action="/login">`)
	wantContains(t, p.consent, `<button type="submit" name="decision" value="allow">Allow</button>`)
}

func wantGermanMarkers(t *testing.T, p seenPages) {
	t.Helper()
	wantContains(t, p.login, `<html lang="de">`, "<h1>Anmelden</h1>", ">Benutzername</label>", ">Passwort</label>", ">Anmelden</button>")
	wantContains(t, p.consent, `<html lang="de">`, "Die Anwendung <strong>spa</strong> möchte auf Ihr Konto zugreifen.",
		`value="allow">Zulassen</button>`, `value="deny">Ablehnen</button>`)
	wantAbsent(t, p.login+p.consent, "Sign in", "Username", "Password", ">Allow<", ">Deny<", "Authorize")
}

func wantJapaneseMarkers(t *testing.T, p seenPages) {
	t.Helper()
	wantContains(t, p.login, `<html lang="ja">`, "<h1>ログイン</h1>", ">ユーザー名</label>", ">パスワード</label>", ">ログイン</button>")
	wantContains(t, p.consent, `<html lang="ja">`, `value="allow">許可する</button>`, `value="deny">拒否する</button>`)
	wantAbsent(t, p.login+p.consent, "Sign in", "Username", "Password", ">Allow<", ">Deny<", "Authorize")
}

func wantRegistrationMarkers(t *testing.T, p seenPages) {
	t.Helper()
	forms := elementsOf(t, p.login, "form")
	if len(forms) != 2 || attr(forms[0], "action") != "/signup" || attr(forms[1], "action") != "/login" {
		t.Fatalf("want the registration form (/signup) first and the sign-in form (/login) second, got %d forms:\n%s", len(forms), p.login)
	}
	wantContains(t, p.login, `name="email"`, `name="password_confirm"`, ">Create account</button>", ">Sign in</button>")
}

func wantRadioMarkers(t *testing.T, p seenPages) {
	t.Helper()
	radios := inputsOf(t, p.consent, "radio")
	if len(radios) != 2 || attr(radios[0], "value") != "allow" || attr(radios[1], "value") != "deny" {
		t.Fatalf("want radios decision=allow, decision=deny:\n%s", p.consent)
	}
	for _, r := range radios {
		if attr(r, "name") != "decision" || hasAttr(r, "checked") {
			t.Errorf("radio %q: want name=decision, not checked", attr(r, "value"))
		}
	}
	if buttons := elementsOf(t, p.consent, "button"); len(buttons) != 1 || hasAttr(buttons[0], "name") {
		t.Errorf("want one submit button without a name, got %d", len(buttons))
	}
	wantContains(t, p.consent, ">Allow access</label>", ">Do not allow</label>", ">Continue</button>")
}

func wantHoneypotMarkers(t *testing.T, p seenPages) {
	t.Helper()
	for _, in := range inputsOf(t, p.login, "text") {
		if attr(in, "name") != fieldHoneypot {
			continue
		}
		box := in.Parent
		if attr(in, "tabindex") != "-1" || attr(in, "autocomplete") != "off" ||
			attr(box, "aria-hidden") != "true" || !strings.Contains(attr(box, "style"), "left:-10000px") {
			t.Errorf("honeypot field not hidden from people:\n%s", p.login)
		}
		return
	}
	t.Errorf("no honeypot field %q:\n%s", fieldHoneypot, p.login)
}

func wantStaySignedInMarkers(t *testing.T, p seenPages) {
	t.Helper()
	wantContains(t, p.interstitial, "<h1>Stay signed in?</h1>", `<form method="post" action="/kmsi">`,
		`value="no">No</button>`, `value="yes">Yes</button>`, `name="csrf_token"`, `name="request_id"`)
	wantContains(t, p.consent, "<h1>Authorize access</h1>") // the plain consent page
}

func wantFormactionMarkers(t *testing.T, p seenPages) {
	t.Helper()
	wantContains(t, p.consent, `<form method="post" action="/consent/help">`,
		`value="allow" formaction="/consent">Allow</button>`, `value="deny" formaction="/consent">Deny</button>`)
}

func wantBaseHrefMarkers(t *testing.T, p seenPages) {
	t.Helper()
	wantContains(t, p.login, `<base href="/ui/">`, `<form method="post" action="session">`)
	wantContains(t, p.consent, `<base href="/ui/">`, `<form method="post" action="grant">`)
}

func wantSloppyMarkers(t *testing.T, p seenPages) {
	t.Helper()
	wantContains(t, p.login, "<HTML LANG=en>", "<FORM METHOD=post ACTION=/login>", "<INPUT TYPE=hidden NAME=csrf_token VALUE=", "<LI>")
	wantContains(t, p.consent, "<BUTTON TYPE=submit NAME=decision VALUE=allow>", "<INPUT TYPE=checkbox ID=scope-read")
	for _, body := range []string{p.login, p.consent} {
		wantAbsent(t, strings.ToLower(body), "</p>", "</li>", "</body>", "</html>", "zgotmplz")
	}
}

func wantUnknownWordsMarkers(t *testing.T, p seenPages) {
	t.Helper()
	wantContains(t, p.login, `<html lang="en">`, "<h1>Sign in</h1>", `<form method="post" action="/login">`) // the plain login
	wantContains(t, p.consent, `<html lang="hu">`, `<form method="post" action="/consent">`,
		`<button type="submit" name="valasztas" value="1">Engedélyezés</button>`,
		`<button type="submit" name="valasztas" value="2">Elutasítás</button>`,
		`<input type="checkbox" id="scope-read" name="scope" value="read" checked>`)
	wantAbsent(t, p.consent, `name="decision"`, ">Allow<", ">Deny<", "Authorize", "Permissions")
	// Two buttons alike in everything but their words: no look tells them apart.
	buttons := elementsOf(t, p.consent, "button")
	if len(buttons) != 2 {
		t.Fatalf("want two consent buttons, got %d:\n%s", len(buttons), p.consent)
	}
	for _, b := range buttons {
		for _, a := range b.Attr {
			if a.Key != "type" && a.Key != "name" && a.Key != "value" {
				t.Errorf("button %q has attribute %s=%q: want only type, name and value", attr(b, "value"), a.Key, a.Val)
			}
		}
	}
}

func wantContains(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, part := range parts {
		if !strings.Contains(body, part) {
			t.Errorf("page lacks %q:\n%s", part, body)
		}
	}
}

func wantAbsent(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, part := range parts {
		if strings.Contains(body, part) {
			t.Errorf("page contains %q", part)
		}
	}
}

// elementsOf lists the page's elements named tag, in document order.
func elementsOf(t *testing.T, page, tag string) []*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	var out []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
	}
	return out
}

// inputsOf lists the page's <input type=typ>.
func inputsOf(t *testing.T, page, typ string) []*html.Node {
	t.Helper()
	var out []*html.Node
	for _, n := range elementsOf(t, page, "input") {
		if attr(n, "type") == typ {
			out = append(out, n)
		}
	}
	return out
}
