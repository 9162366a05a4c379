package target

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// session is the run's one sign-in: the cookie jar of a baseline flow of
// the implicit client that reached the client, kept so that the browsers
// which only need a signed-in resource owner start from a copy of it
// instead of signing in with the password again. A vendor IdP locks an
// account, or asks for a CAPTCHA, long before a run's two hundred sign-ins.
//
// It is made once per run: by the preflight's first served baseline flow
// (seed), or lazily by the first browser that asks (SignedIn), whichever
// comes first; concurrent scenarios wait for it.
type session struct {
	once sync.Once
	jar  *agent.Jar // nil: no session (the sign-in's flow was not served)
	// consentShown: the sign-in's flow showed a consent page.
	consentShown bool

	probe     sync.Once
	remembers bool // see RemembersConsent
}

// seed makes a served baseline flow's browser the run's session, unless
// there is one already.
func (s *session) seed(jar *agent.Jar, out *interact.Outcome) {
	s.once.Do(func() { s.jar, s.consentShown = jar, out.ConsentShown })
}

// loginCounter counts the password logins of a run, shared by the copies
// of its target.
type loginCounter struct{ n atomic.Int64 }

func (c *loginCounter) add() {
	if c != nil {
		c.n.Add(1)
	}
}

// PasswordLogins is how many times the run's browsers submitted the
// resource owner's password so far: the preflight's, the run's one sign-in
// and every other (with FreshLogin, about one per scenario that reaches a
// login page).
func (t *Target) PasswordLogins() int {
	if t.logins == nil {
		return 0
	}
	return int(t.logins.n.Load())
}

// SignedIn is the cookie jar a browser of a scenario that only needs a
// signed-in resource owner starts from: a copy of the run's one sign-in,
// made on first use with the baseline flow of the implicit client for the
// response type under test. The copy is the caller's: cookies it is given
// stay in it. Nil — the browser starts fresh and signs in itself — with
// FreshLogin, or when the run could not sign in with a served baseline flow
// (a server that refuses it proves nothing signed in either).
//
// The copy shares the server's session with the run's other copies: what
// the server keeps in the session (a remembered consent) is seen by all of
// them (RemembersConsent).
func (t *Target) SignedIn(ctx context.Context) *agent.Jar {
	if t.FreshLogin || t.session == nil {
		return nil
	}
	s := t.session
	s.once.Do(func() {
		c := t.Profile.Clients.Implicit
		if t.ResponseType == "" || c == nil || len(c.RedirectURIs) == 0 {
			return
		}
		r, err := t.baseline(ctx, c, c.RedirectURIs[0], t.ResponseType, nil)
		if err == nil && r.probe.OK {
			s.jar, s.consentShown = r.jar, r.out.ConsentShown
		}
	})
	if s.jar == nil {
		return nil
	}
	return s.jar.Clone()
}

// RemembersConsent reports whether the server skips the consent page for
// a client approved before in the same session (RFC 6749 §10.2 allows it):
// found out once, by the baseline flow of the implicit client in a copy of
// the run's session, whose sign-in showed the consent page and approved.
// A copy of the session then shows no consent page for that client, so a
// scenario that needs one (a denial, a forged consent) takes a fresh
// browser. False when there is no session to copy.
func (t *Target) RemembersConsent(ctx context.Context) bool {
	jar := t.SignedIn(ctx)
	if jar == nil {
		return false
	}
	s := t.session
	s.probe.Do(func() {
		if !s.consentShown {
			return // no consent page even at the sign-in: none to lose
		}
		c := t.Profile.Clients.Implicit
		r, err := t.baseline(ctx, c, c.RedirectURIs[0], t.ResponseType, jar)
		s.remembers = err == nil && r.probe.OK && !r.out.ConsentShown
	})
	return s.remembers
}
