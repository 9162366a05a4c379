package refserver

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestLatencyAndTraffic: Options.Latency holds every response at least that
// long; Requests counts each request, Handshakes each TLS handshake and the
// resumed ones.
func TestLatencyAndTraffic(t *testing.T) {
	const latency = 60 * time.Millisecond
	s, err := Start(Options{Latency: latency})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CACertPEM())
	cache := tls.NewLRUClientSessionCache(0)
	get := func() {
		t.Helper()
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ClientSessionCache: cache}}}
		defer hc.CloseIdleConnections()
		start := time.Now()
		resp, err := hc.Get(s.Issuer() + "/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if d := time.Since(start); d < latency {
			t.Errorf("answered in %v, want at least the latency %v", d, latency)
		}
	}
	get()
	get()
	if n := s.Requests(); n != 2 {
		t.Errorf("Requests() = %d, want 2", n)
	}
	if all, resumed := s.Handshakes(); all != 2 || resumed != 1 {
		t.Errorf("Handshakes() = %d, %d resumed; want 2, 1 resumed (one session cache)", all, resumed)
	}
}
