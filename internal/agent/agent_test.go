package agent

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// counter is an httptest server that counts the requests it receives.
type counter struct {
	*httptest.Server
	n atomic.Int64
}

func newCounter(t *testing.T) *counter {
	t.Helper()
	c := &counter{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		io.WriteString(w, "client page")
	}))
	t.Cleanup(c.Close)
	return c
}

func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func newAgent(t *testing.T, cfg Config, allowed ...*httptest.Server) *Agent {
	t.Helper()
	for _, s := range allowed {
		cfg.AllowedOrigins = append(cfg.AllowedOrigins, s.URL)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(a.CloseIdleConnections)
	return a
}

func navigate(t *testing.T, a *Agent, method, u, body, via string) Result {
	t.Helper()
	res, err := a.Navigate(context.Background(), method, u, body, via)
	if err != nil {
		t.Fatalf("Navigate(%s %s): %v", method, u, err)
	}
	return res
}

func wantPage(t *testing.T, res Result) *Page {
	t.Helper()
	if res.Page == nil || res.Departure != nil {
		t.Fatalf("want a page, got %+v", res)
	}
	return res.Page
}

func wantDeparture(t *testing.T, res Result) *Departure {
	t.Helper()
	if res.Departure == nil || res.Page != nil {
		t.Fatalf("want a departure, got page %+v", res.Page)
	}
	return res.Departure
}

func wantKind(t *testing.T, err error, kind ErrorKind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *agent.Error of kind %s, got %T %v", kind, err, err)
	}
	if e.Kind != kind {
		t.Fatalf("want kind %s, got %s (%v)", kind, e.Kind, e)
	}
	if strings.Contains(e.Error(), "\n") {
		t.Errorf("Error() is not one line: %q", e.Error())
	}
	return e
}

// echo writes "METHOD body" for the target of a redirect.
func echo(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s|%s", r.Method, b, r.Header.Get("Content-Type"))
}

func TestRedirectMethods(t *testing.T) {
	cases := []struct {
		status     int
		method     string
		wantMethod string
		wantBody   string
	}{
		{301, "GET", "GET", ""},
		{302, "GET", "GET", ""},
		{303, "GET", "GET", ""},
		{307, "GET", "GET", ""},
		{308, "GET", "GET", ""},
		{301, "POST", "GET", ""},
		{302, "POST", "GET", ""},
		{303, "POST", "GET", ""},
		{307, "POST", "POST", "a=1&b=two"},
		{308, "POST", "POST", "a=1&b=two"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d_%s", tc.status, tc.method), func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "/target")
				w.WriteHeader(tc.status)
			})
			mux.HandleFunc("/target", echo)
			srv := newServer(t, mux)
			a := newAgent(t, Config{}, srv)
			p := wantPage(t, navigate(t, a, tc.method, srv.URL+"/start", "a=1&b=two", "form"))
			wantCT := ""
			if tc.wantMethod == "POST" {
				wantCT = formType
			}
			if got, want := string(p.Body), tc.wantMethod+" "+tc.wantBody+"|"+wantCT; got != want {
				t.Errorf("target saw %q, want %q", got, want)
			}
			hops := a.Hops()
			if len(hops) != 2 {
				t.Fatalf("hops = %d, want 2", len(hops))
			}
			if hops[0].Via != "form" || hops[0].Status != tc.status || hops[0].Location != "/target" || hops[0].RequestBody != "a=1&b=two" && tc.method == "POST" {
				t.Errorf("hop 0 = %+v", hops[0])
			}
			if hops[1].Via != fmt.Sprintf("redirect %d", tc.status) || hops[1].Method != tc.wantMethod || hops[1].RequestBody != tc.wantBody || !hops[1].Sent {
				t.Errorf("hop 1 = %+v", hops[1])
			}
			if p.URL.String() != srv.URL+"/target" || p.Status != 200 {
				t.Errorf("page URL %s status %d", p.URL, p.Status)
			}
		})
	}
}

func TestRelativeLocation(t *testing.T) {
	mux := http.NewServeMux()
	var base string
	mux.HandleFunc("/dir/sub/start", func(w http.ResponseWriter, r *http.Request) {
		loc := r.URL.Query().Get("loc")
		if loc == "" {
			fmt.Fprint(w, "start ", r.URL.RequestURI())
			return
		}
		w.Header().Set("Location", strings.ReplaceAll(loc, "BASE", base))
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.URL.RequestURI()) })
	srv := newServer(t, mux)
	base = strings.TrimPrefix(srv.URL, "http:")
	cases := []struct{ loc, want string }{
		{"next", "/dir/sub/next"},
		{"../up?x=1", "/dir/up?x=1"},
		{"/abs/path", "/abs/path"},
		{"?loc=", "start /dir/sub/start?loc="},
		{"BASE/scheme-relative", "/scheme-relative"},
		{"http:BASE/absolute", "/absolute"}, // made absolute below
		{"/t?scope=a b", "/t?scope=a%20b"},
	}
	for _, tc := range cases {
		t.Run(tc.loc, func(t *testing.T) {
			a := newAgent(t, Config{}, srv)
			loc := strings.Replace(tc.loc, "http:BASE", "http:"+base, 1)
			p := wantPage(t, navigate(t, a, "GET", srv.URL+"/dir/sub/start?loc="+url.QueryEscape(loc), "", "start"))
			if string(p.Body) != tc.want {
				t.Errorf("Location %q led to %q, want %q", tc.loc, p.Body, tc.want)
			}
		})
	}
}

func TestFragmentCarryOver(t *testing.T) {
	client := newCounter(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", client.URL+"/cb")
		w.WriteHeader(http.StatusSeeOther)
	})
	mux.HandleFunc("/c", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", client.URL+"/cb#access_token=tok&state=s")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/d", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/page", http.StatusFound) })
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page") })
	srv := newServer(t, mux)

	t.Run("inherited", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: []string{client.URL + "/cb"}}, srv)
		d := wantDeparture(t, navigate(t, a, "GET", srv.URL+"/a#frag1", "", "start"))
		if d.URL.Fragment != "frag1" || d.RawURL != client.URL+"/cb#frag1" || d.Status != 303 || d.Via != "redirect 303" {
			t.Errorf("departure %+v (URL %s)", d, d.URL)
		}
		hops := a.Hops()
		if hops[0].URL != srv.URL+"/a" {
			t.Errorf("the fragment was put on the wire: %s", hops[0].URL)
		}
	})
	t.Run("own fragment wins", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: []string{client.URL + "/cb"}}, srv)
		d := wantDeparture(t, navigate(t, a, "GET", srv.URL+"/c#old", "", "start"))
		if d.URL.Fragment != "access_token=tok&state=s" || d.RawURL != client.URL+"/cb#access_token=tok&state=s" {
			t.Errorf("departure %+v", d)
		}
	})
	t.Run("page keeps fragment", func(t *testing.T) {
		a := newAgent(t, Config{}, srv)
		p := wantPage(t, navigate(t, a, "GET", srv.URL+"/d#f", "", "start"))
		if p.URL.Fragment != "f" || p.URL.Path != "/page" {
			t.Errorf("page URL %s", p.URL)
		}
	})
	if n := client.n.Load(); n != 0 {
		t.Errorf("client got %d requests", n)
	}
}

func TestDepartures(t *testing.T) {
	client := newCounter(t)  // a client redirect URI: never contacted
	foreign := newCounter(t) // an origin not allowed: never contacted
	mux := http.NewServeMux()
	const rawTail = "/callback#access_token=AT&scope=scope1 scope2&state=s%2B1"
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", client.URL+rawTail)
		w.WriteHeader(http.StatusSeeOther)
	})
	mux.HandleFunc("/evil", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", foreign.URL+"/x?y=1#z")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/relative-client", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/app/cb?extra=1#access_token=AT")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/post307", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", client.URL+"/callback")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/bad-escape", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", client.URL+"/callback?e=%zz#access_token=%zz")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/app/", func(w http.ResponseWriter, r *http.Request) { t.Errorf("same-origin client URI contacted: %s", r.URL) })
	mux.HandleFunc("/app/other", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "other") })
	srv := newServer(t, mux)
	clientURIs := []string{client.URL + "/callback", srv.URL + "/app/cb"}

	t.Run("client URI, raw bytes kept", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: clientURIs}, srv)
		d := wantDeparture(t, navigate(t, a, "GET", srv.URL+"/authorize?x=1", "", "start"))
		if !d.ClientURI || d.Status != 303 || d.Method != "GET" || d.Via != "redirect 303" || d.Body != "" {
			t.Errorf("departure %+v", d)
		}
		if d.RawURL != client.URL+rawTail {
			t.Errorf("RawURL %q, want %q", d.RawURL, client.URL+rawTail)
		}
		if d.URL.Fragment != "access_token=AT&scope=scope1 scope2&state=s+1" {
			t.Errorf("fragment %q", d.URL.Fragment)
		}
		hops := a.Hops()
		last := hops[len(hops)-1]
		if len(hops) != 2 || last.Sent || last.Status != 0 || last.URL != d.RawURL || last.Via != "redirect 303" {
			t.Errorf("hops %+v", hops)
		}
	})
	t.Run("foreign origin", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: clientURIs}, srv)
		d := wantDeparture(t, navigate(t, a, "GET", srv.URL+"/evil", "", "start"))
		if d.ClientURI || d.Status != 302 || d.RawURL != foreign.URL+"/x?y=1#z" {
			t.Errorf("departure %+v", d)
		}
	})
	t.Run("client URI on an allowed origin, query ignored", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: clientURIs}, srv)
		d := wantDeparture(t, navigate(t, a, "GET", srv.URL+"/relative-client", "", "start"))
		if !d.ClientURI || d.RawURL != srv.URL+"/app/cb?extra=1#access_token=AT" {
			t.Errorf("departure %+v", d)
		}
		p := wantPage(t, navigate(t, a, "GET", srv.URL+"/app/other", "", "link"))
		if string(p.Body) != "other" {
			t.Errorf("other path on the same origin: %q", p.Body)
		}
	})
	t.Run("first request to a client URI", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: clientURIs}, srv)
		d := wantDeparture(t, navigate(t, a, "POST", client.URL+"/callback", "access_token=AT&state=s", "form"))
		if !d.ClientURI || d.Method != "POST" || d.Body != "access_token=AT&state=s" || d.Via != "form" || d.Status != 0 {
			t.Errorf("departure %+v", d)
		}
		hops := a.Hops()
		if len(hops) != 1 || hops[0].Sent || hops[0].RequestBody != d.Body {
			t.Errorf("hops %+v", hops)
		}
	})
	t.Run("307 keeps POST body", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: clientURIs}, srv)
		d := wantDeparture(t, navigate(t, a, "POST", srv.URL+"/post307", "k=v", "form"))
		if d.Method != "POST" || d.Body != "k=v" || d.Status != 307 {
			t.Errorf("departure %+v", d)
		}
	})
	t.Run("malformed escapes kept raw", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: clientURIs}, srv)
		d := wantDeparture(t, navigate(t, a, "GET", srv.URL+"/bad-escape", "", "start"))
		if !d.ClientURI || d.RawURL != client.URL+"/callback?e=%zz#access_token=%zz" || d.URL.Fragment != "access_token=%zz" {
			t.Errorf("departure %+v", d)
		}
	})
	t.Run("MarkClientURI", func(t *testing.T) {
		a := newAgent(t, Config{}, srv)
		a.MarkClientURI(srv.URL + "/app/other")
		d := wantDeparture(t, navigate(t, a, "GET", srv.URL+"/app/other#x", "", "link"))
		if !d.ClientURI || d.Via != "link" {
			t.Errorf("departure %+v", d)
		}
	})
	t.Run("non-http scheme", func(t *testing.T) {
		a := newAgent(t, Config{ClientURIs: []string{"com.example.app:/cb"}}, srv)
		d := wantDeparture(t, navigate(t, a, "GET", "com.example.app:/cb#access_token=x", "", "start"))
		if !d.ClientURI || d.URL.Fragment != "access_token=x" {
			t.Errorf("departure %+v", d)
		}
	})
	if n := client.n.Load() + foreign.n.Load(); n != 0 {
		t.Errorf("client/foreign servers got %d requests", n)
	}
}

func TestHopLimit(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	}))
	a := newAgent(t, Config{MaxHops: 5}, srv)
	_, err := a.Navigate(context.Background(), "GET", srv.URL+"/loop", "", "start")
	wantKind(t, err, KindHopLimit)
	if n := len(a.Hops()); n != 5 {
		t.Errorf("hops = %d, want 5", n)
	}
}

func TestTimeouts(t *testing.T) {
	mux := http.NewServeMux()
	started := make(chan struct{}, 1)
	mux.HandleFunc("/block", func(w http.ResponseWriter, r *http.Request) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	})
	mux.HandleFunc("/block-body", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html>partial")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	srv := newServer(t, mux)

	t.Run("headers", func(t *testing.T) {
		a := newAgent(t, Config{Timeout: 50 * time.Millisecond}, srv)
		_, err := a.Navigate(context.Background(), "GET", srv.URL+"/block", "", "start")
		e := wantKind(t, err, KindTimeout)
		if e.URL != srv.URL+"/block" {
			t.Errorf("URL %q", e.URL)
		}
		if h := a.Hops(); len(h) != 1 || h[0].Err == "" || h[0].Status != 0 {
			t.Errorf("hops %+v", h)
		}
	})
	t.Run("body", func(t *testing.T) {
		a := newAgent(t, Config{Timeout: 50 * time.Millisecond}, srv)
		_, err := a.Navigate(context.Background(), "GET", srv.URL+"/block-body", "", "start")
		wantKind(t, err, KindTimeout)
	})
	t.Run("canceled", func(t *testing.T) {
		a := newAgent(t, Config{}, srv)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-started
			cancel()
		}()
		_, err := a.Navigate(ctx, "GET", srv.URL+"/block", "", "start")
		e := wantKind(t, err, KindCanceled)
		if !errors.Is(e, context.Canceled) {
			t.Errorf("does not unwrap to context.Canceled: %v", e)
		}
	})
}

func TestBodyCap(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", len(r.URL.Path)-1))
	}))
	a := newAgent(t, Config{MaxBody: 10, ExcerptBytes: 4}, srv)
	p := wantPage(t, navigate(t, a, "GET", srv.URL+"/"+strings.Repeat("a", 10), "", "start"))
	if len(p.Body) != 10 {
		t.Errorf("body %d bytes", len(p.Body))
	}
	_, err := a.Navigate(context.Background(), "GET", srv.URL+"/"+strings.Repeat("a", 11), "", "start")
	wantKind(t, err, KindBodyTooLarge)
	hops := a.Hops()
	if hops[0].BodyExcerpt != "xxxx" || hops[1].Err == "" || hops[1].Status != 200 {
		t.Errorf("hops %+v", hops)
	}
}

func TestExcerptRuneBoundary(t *testing.T) {
	if got := excerpt([]byte("aéb"), 2); got != "a" {
		t.Errorf("excerpt = %q", got)
	}
	if got := excerpt([]byte("abc"), 5); got != "abc" {
		t.Errorf("excerpt = %q", got)
	}
}

func TestCookieJarPerAgent(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "one", Path: "/"})
		http.Redirect(w, r, "/echo", http.StatusFound)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Header.Get("Cookie")) })
	srv := newServer(t, mux)
	a1 := newAgent(t, Config{}, srv)
	a2 := newAgent(t, Config{}, srv)
	if p := wantPage(t, navigate(t, a1, "GET", srv.URL+"/set", "", "start")); string(p.Body) != "sid=one" {
		t.Errorf("a1 after redirect sent %q", p.Body)
	}
	if p := wantPage(t, navigate(t, a2, "GET", srv.URL+"/echo", "", "start")); string(p.Body) != "" {
		t.Errorf("a2 sent a1's cookie: %q", p.Body)
	}
	hops := a1.Hops()
	if got := hops[1].RequestHeader.Get("Cookie"); got != "sid=one" {
		t.Errorf("hop request header Cookie = %q", got)
	}
	u, _ := url.Parse(srv.URL + "/")
	if c := a1.Cookies(u); len(c) != 1 || c[0].Value != "one" {
		t.Errorf("Cookies = %v", c)
	}
}

func TestIPDomainCookie(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "lemonldap=s1; domain=.127.0.0.1; path=/; HttpOnly")
		w.Header().Add("Set-Cookie", "elsewhere=x; domain=.example.com; path=/")
		io.WriteString(w, "consent page")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Header.Get("Cookie")) })
	srv := newServer(t, mux)
	a := newAgent(t, Config{}, srv)
	navigate(t, a, "POST", srv.URL+"/login", "user=dwho", "form")
	if p := wantPage(t, navigate(t, a, "POST", srv.URL+"/consent", "confirm=1", "form")); string(p.Body) != "lemonldap=s1" {
		t.Errorf("cookies sent %q, want lemonldap=s1", p.Body)
	}
}

func TestPathScopedCookies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/interaction/abc", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "_interaction", Value: "abc", Path: "/interaction/abc", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "_session", Value: "s", Path: "/"})
		io.WriteString(w, "login")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Header.Get("Cookie")) })
	srv := newServer(t, mux)
	a := newAgent(t, Config{}, srv)
	navigate(t, a, "GET", srv.URL+"/interaction/abc", "", "start")
	cases := []struct{ path, want string }{
		{"/interaction/abc/login", "_interaction=abc; _session=s"},
		{"/interaction/abd", "_session=s"},
		{"/other", "_session=s"},
	}
	for _, tc := range cases {
		p := wantPage(t, navigate(t, a, "GET", srv.URL+tc.path, "", "link"))
		if string(p.Body) != tc.want {
			t.Errorf("%s: cookies %q, want %q", tc.path, p.Body, tc.want)
		}
	}
}

func TestTLS(t *testing.T) {
	client := newCounter(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/authorize" {
			http.Redirect(w, r, client.URL+"/cb#access_token=x", http.StatusSeeOther)
			return
		}
		io.WriteString(w, "secure")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted case makes the server log a handshake error
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())

	t.Run("trusted", func(t *testing.T) {
		a := newAgent(t, Config{RootCAs: pool, ClientURIs: []string{client.URL + "/cb"}}, srv)
		if p := wantPage(t, navigate(t, a, "GET", srv.URL+"/", "", "start")); string(p.Body) != "secure" {
			t.Errorf("body %q", p.Body)
		}
		d := wantDeparture(t, navigate(t, a, "GET", srv.URL+"/authorize", "", "start"))
		if !d.ClientURI || d.URL.Fragment != "access_token=x" {
			t.Errorf("departure %+v", d)
		}
	})
	t.Run("untrusted", func(t *testing.T) {
		a := newAgent(t, Config{}, srv)
		_, err := a.Navigate(context.Background(), "GET", srv.URL+"/", "", "start")
		wantKind(t, err, KindTLS)
	})
	t.Run("insecure skip verify", func(t *testing.T) {
		a := newAgent(t, Config{InsecureSkipVerify: true}, srv)
		wantPage(t, navigate(t, a, "GET", srv.URL+"/", "", "start"))
	})
	if n := client.n.Load(); n != 0 {
		t.Errorf("client got %d requests", n)
	}
}

func TestTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	a, err := New(Config{AllowedOrigins: []string{u}, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Navigate(context.Background(), "GET", u+"/", "", "start")
	wantKind(t, err, KindTransport)
}

func TestInvalidURLs(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://bad host:x/")
		w.WriteHeader(http.StatusFound)
	}))
	a := newAgent(t, Config{}, srv)
	// A Location no parser accepts is a redirect the browser cannot follow:
	// reported as an unparsable departure, never requested.
	res, err := a.Navigate(context.Background(), "GET", srv.URL+"/", "", "start")
	if err != nil || res.Departure == nil || !res.Departure.Unparsable || res.Departure.RawURL != "http://bad host:x/" || res.Departure.Status != http.StatusFound {
		t.Fatalf("got %+v, %v; want an unparsable departure", res.Departure, err)
	}
	if hops := a.Hops(); hops[len(hops)-1].Sent {
		t.Errorf("the unparsable target was sent: %+v", hops[len(hops)-1])
	}
	_, err = a.Navigate(context.Background(), "GET", "/relative", "", "start")
	wantKind(t, err, KindInvalidURL)
}

func TestRedirectWithoutLocationIsAPage(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusFound)
		io.WriteString(w, "no location")
	}))
	a := newAgent(t, Config{}, srv)
	p := wantPage(t, navigate(t, a, "GET", srv.URL+"/", "", "start"))
	if p.Status != 302 || string(p.Body) != "no location" {
		t.Errorf("page %d %q", p.Status, p.Body)
	}
}

func TestRefererAndOrigin(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "referer=%s origin=%s ua=%s", r.Header.Get("Referer"), r.Header.Get("Origin"), r.Header.Get("User-Agent"))
	}))
	a := newAgent(t, Config{}, srv)
	p := wantPage(t, navigate(t, a, "GET", srv.URL+"/login?x=1#frag", "", "start"))
	if string(p.Body) != "referer= origin= ua=implicitspec/0.1" {
		t.Errorf("start sent %q", p.Body)
	}
	p = wantPage(t, navigate(t, a, "POST", srv.URL+"/login?x=1", "u=a", "form"))
	if want := "referer=" + srv.URL + "/login?x=1 origin=" + srv.URL + " ua=implicitspec/0.1"; string(p.Body) != want {
		t.Errorf("form sent %q, want %q", p.Body, want)
	}
}

func TestConfigValidation(t *testing.T) {
	cases := []Config{
		{},
		{AllowedOrigins: []string{"ftp://127.0.0.1"}},
		{AllowedOrigins: []string{"http://127.0.0.1:1/path"}},
		{AllowedOrigins: []string{"127.0.0.1:80"}},
		{AllowedOrigins: []string{"http://127.0.0.1:1"}, MaxHops: -1},
		{AllowedOrigins: []string{"http://127.0.0.1:1"}, ClientURIs: []string{"/relative"}},
	}
	for i, c := range cases {
		if _, err := New(c); err == nil {
			t.Errorf("case %d: New(%+v) accepted", i, c)
		}
	}
	a, err := New(Config{AllowedOrigins: []string{"HTTP://127.0.0.1:80/"}})
	if err != nil {
		t.Fatal(err)
	}
	if !a.allowed["http://127.0.0.1:80"] {
		t.Errorf("origin not normalised: %v", a.allowed)
	}
	u, _ := url.Parse("http://127.0.0.1/x")
	if a.departure(u, u.String(), "GET", "", "start", 0) != nil {
		t.Errorf("default port not matched")
	}
}

func TestResolve(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:8090/oauth2/authorize?client_id=c&state=s#basefrag")
	cases := []struct {
		ref, raw, str, frag string
	}{
		{"#", "http://127.0.0.1:8090/oauth2/authorize?client_id=c&state=s#", "http://127.0.0.1:8090/oauth2/authorize?client_id=c&state=s", ""},
		{"", "http://127.0.0.1:8090/oauth2/authorize?client_id=c&state=s", "http://127.0.0.1:8090/oauth2/authorize?client_id=c&state=s", ""},
		{"/login?a=1&amp;b", "http://127.0.0.1:8090/login?a=1&amp;b", "http://127.0.0.1:8090/login?a=1&amp;b", ""},
		{"  cb#x=a b  ", "http://127.0.0.1:8090/oauth2/cb#x=a b", "http://127.0.0.1:8090/oauth2/cb#x=a%20b", "x=a b"},
		{"HTTP://Other:1/p#t=%zz", "HTTP://Other:1/p#t=%zz", "http://Other:1/p#t=%25zz", "t=%zz"},
		{"/a\n/b", "http://127.0.0.1:8090/a/b", "http://127.0.0.1:8090/a/b", ""},
	}
	for _, tc := range cases {
		raw, u, err := Resolve(base, tc.ref)
		if err != nil {
			t.Errorf("Resolve(%q): %v", tc.ref, err)
			continue
		}
		if raw != tc.raw || u.String() != tc.str || u.Fragment != tc.frag {
			t.Errorf("Resolve(%q) = %q, %q (frag %q); want %q, %q (frag %q)", tc.ref, raw, u, u.Fragment, tc.raw, tc.str, tc.frag)
		}
	}
	if _, _, err := Resolve(nil, "relative"); err == nil {
		t.Errorf("relative without base accepted")
	}
}

func TestDialGuard(t *testing.T) {
	allowed := newCounter(t)
	other := newCounter(t)
	a := newAgent(t, Config{}, allowed.Server)
	req, _ := http.NewRequest("GET", other.URL+"/", nil)
	if resp, err := a.tr.RoundTrip(req); err == nil {
		resp.Body.Close()
		t.Fatalf("transport dialed an origin that is not allowed")
	}
	if n := other.n.Load(); n != 0 {
		t.Errorf("other got %d requests", n)
	}
}
