package agent

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"time"
)

// Jar is the browser's cookie jar: net/http/cookiejar's RFC 6265 rules
// (host-only and domain cookies, Path, Secure, expiry, deletion by
// Max-Age<=0 or a past Expires), plus a log of every cookie it was given, so
// that it can be cloned. A cookiejar.Jar cannot be enumerated; replaying its
// log into a new one rebuilds exactly what it holds, since the jar's state
// is a function of the cookies it was given in order.
//
// A clone is a deep copy: what either jar is given later stays in that jar.
// It is safe for concurrent use.
type Jar struct {
	mu  sync.Mutex
	jar *cookiejar.Jar
	log []setCookies
}

// setCookies is one SetCookies call, as the log keeps it.
type setCookies struct {
	u       *url.URL
	cookies []http.Cookie
}

// NewJar returns an empty jar.
func NewJar() *Jar {
	jar, _ := cookiejar.New(nil) // cannot fail without options
	return &Jar{jar: jar}
}

// SetCookies stores the cookies of a response to u (http.CookieJar). A
// Max-Age is logged as the absolute expiry it stands for now, so that a
// clone made later keeps the cookie no longer than this jar does.
func (j *Jar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) == 0 {
		return
	}
	now := time.Now()
	entry := setCookies{u: cloneURL(u), cookies: make([]http.Cookie, len(cookies))}
	for i, c := range cookies {
		k := *c
		if k.MaxAge > 0 {
			k.Expires, k.RawExpires, k.MaxAge = now.Add(time.Duration(k.MaxAge)*time.Second), "", 0
		}
		entry.cookies[i] = k
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.log = append(j.log, entry)
	j.jar.SetCookies(u, cookies)
}

// Cookies returns the cookies to send to u (http.CookieJar).
func (j *Jar) Cookies(u *url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.jar.Cookies(u)
}

// Clone returns a new jar holding what j holds now. Cookies that have
// expired since they were set are gone from the clone, as from j.
func (j *Jar) Clone() *Jar {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := NewJar()
	c.log = make([]setCookies, len(j.log))
	for i, e := range j.log {
		c.log[i] = setCookies{u: e.u, cookies: e.cookies} // never mutated: shared
		c.jar.SetCookies(e.u, pointers(e.cookies))
	}
	return c
}

// pointers gives cookiejar fresh copies of logged cookies (it keeps none of
// them, but the log must not be handed out).
func pointers(cs []http.Cookie) []*http.Cookie {
	out := make([]*http.Cookie, len(cs))
	for i := range cs {
		c := cs[i]
		out[i] = &c
	}
	return out
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	if u.User != nil {
		user := *u.User
		c.User = &user
	}
	return &c
}

// Jar is the agent's cookie jar: clone it to start another browser signed
// in as this one is (Config.Jar).
func (a *Agent) Jar() *Jar { return a.jar }
