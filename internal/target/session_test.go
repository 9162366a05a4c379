package target

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/refserver"
)

// The preflight signs the run in once: its first served flow signs in with
// the password, the later response types and the controls start from copies
// of that session, and so does every SignedIn browser. --fresh-login
// (FreshLogin) signs in for each of them instead, and gives no session.
func TestOneSignInPerRun(t *testing.T) {
	ctx := context.Background()
	tg := reference(t, refserver.Options{}, same)
	if err := tg.Preflight(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if n := tg.PasswordLogins(); n != 1 {
		t.Errorf("the preflight of three response types made %d password logins, want 1", n)
	}
	native := tg.Profile.Clients.Native
	if native == nil {
		t.Fatal("the reference profile has no native client")
	}
	if p, err := tg.Control(ctx, native, native.RedirectURIs[0], Token); err != nil || !p.OK {
		t.Fatalf("native client's control: %+v, %v", p, err)
	}
	a, b := tg.SignedIn(ctx), tg.SignedIn(ctx)
	if a == nil || b == nil {
		t.Fatal("no session after a served preflight")
	}
	if n := tg.PasswordLogins(); n != 1 {
		t.Errorf("a control and two copies of the session made %d password logins, want 1", n)
	}
	u, _ := url.Parse(tg.Profile.AuthorizationEndpoint)
	if len(a.Cookies(u)) == 0 {
		t.Errorf("the copy of the session sends no cookie to %s", u)
	}
	// What one copy is given stays in it.
	before := len(b.Cookies(u))
	a.SetCookies(u, []*http.Cookie{{Name: "copy-only", Value: "1", Path: "/"}})
	if len(b.Cookies(u)) != before || len(tg.SignedIn(ctx).Cookies(u)) != before {
		t.Errorf("a cookie set in one copy reached another")
	}
	if tg.RemembersConsent(ctx) {
		t.Errorf("the default reference server asks for consent every time, but RemembersConsent is true")
	}

	fresh := reference(t, refserver.Options{}, same)
	fresh.FreshLogin = true
	if err := fresh.Preflight(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if n := fresh.PasswordLogins(); n != 3 {
		t.Errorf("FreshLogin: the preflight of three response types made %d password logins, want 3", n)
	}
	if fresh.SignedIn(ctx) != nil {
		t.Errorf("FreshLogin: SignedIn gave a session")
	}
}

// A server that remembers consent in the session is found out once, and a
// target made without a preflight signs in lazily, once.
func TestRemembersConsent(t *testing.T) {
	ctx := context.Background()
	tg := reference(t, refserver.Options{Config: refserver.Config{Consent: refserver.ConsentRemembered}}, same)
	tg.ResponseType = Token // no preflight: the first SignedIn signs in
	if !tg.RemembersConsent(ctx) {
		t.Errorf("consent=remembered: RemembersConsent is false")
	}
	if tg.SignedIn(ctx) == nil {
		t.Errorf("no session")
	}
	if n := tg.PasswordLogins(); n != 1 {
		t.Errorf("%d password logins, want 1", n)
	}
}

// The preflight's flows after the sign-in run at once, from copies of it:
// what it finds (the probes, their order, the one sign-in) is what a
// one-at-a-time preflight finds, whichever response types are served.
func TestPreflightConcurrency(t *testing.T) {
	for _, cfg := range []string{"", "offer=id_token", "offer=token|id_token", "offer=id_token token"} {
		c, err := refserver.ParseConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var got [2]string
		for i, n := range []int{1, 3} {
			tg := reference(t, refserver.Options{Config: c}, same)
			tg.Concurrency = n
			if err := tg.Preflight(context.Background(), ""); err != nil {
				t.Fatalf("%q, concurrency %d: %v", cfg, n, err)
			}
			if l := tg.PasswordLogins(); l != 1 {
				t.Errorf("%q, concurrency %d: %d password logins, want 1", cfg, n, l)
			}
			for _, p := range tg.attempts {
				got[i] += fmt.Sprintf("%s ok=%v %s\n", p.ResponseType, p.OK, strings.Fields(p.Describe)[0])
			}
			got[i] += "under test: " + tg.ResponseType
		}
		if got[0] != got[1] {
			t.Errorf("%q: one at a time:\n%s\nat once:\n%s", cfg, got[0], got[1])
		}
	}
}
