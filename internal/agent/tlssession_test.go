package agent

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestTLSSessionCacheShared: browsers sharing Config.TLSSessionCache resume
// each other's TLS sessions, and share no cookie; one browser keeps its
// connection alive across requests.
func TestTLSSessionCacheShared(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("sid")
		if c == nil {
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s3ss10n", Path: "/"})
			c = &http.Cookie{}
		}
		fmt.Fprintf(w, "resumed=%v cookie=%q", r.TLS.DidResume, c.Value)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	cache := tls.NewLRUClientSessionCache(0)

	first := newAgent(t, Config{RootCAs: pool, TLSSessionCache: cache}, srv)
	body := func(a *Agent) string {
		t.Helper()
		return string(wantPage(t, navigate(t, a, "GET", srv.URL+"/", "", "start")).Body)
	}
	if got := body(first); got != `resumed=false cookie=""` {
		t.Errorf("first browser, first request: %s", got)
	}
	if got := body(first); got != `resumed=false cookie="s3ss10n"` {
		t.Errorf("first browser, second request: %s", got)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("first browser: %d connections for two requests, want 1 (keep-alive)", n)
	}
	first.CloseIdleConnections()

	second := newAgent(t, Config{RootCAs: pool, TLSSessionCache: cache}, srv)
	if got := body(second); got != `resumed=true cookie=""` {
		t.Errorf("second browser, same cache: %s, want a resumed session and no cookie", got)
	}
	third := newAgent(t, Config{RootCAs: pool}, srv)
	if got := body(third); got != `resumed=false cookie=""` {
		t.Errorf("third browser, no cache: %s", got)
	}
}
