package refserver

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// httpFront is the server's plain-http address on loopback (another port of
// 127.0.0.1, as a real server's port 80 would be). The harness's profile
// lists it in allowed_origins so that the http form of the endpoint can be
// probed (catalogue SEC-01).
type httpFront struct {
	url  string
	srv  *http.Server
	done chan struct{}
}

func (s *Server) startHTTPFront() (*httpFront, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("refserver: listen (http): %w", err)
	}
	f := &httpFront{url: "http://" + ln.Addr().String(), done: make(chan struct{})}
	f.srv = &http.Server{
		Handler:           s.withTraffic(http.HandlerFunc(s.handleHTTPFront)),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(f.done)
		_ = f.srv.Serve(ln)
	}()
	return f, nil
}

// handleHTTPFront answers plain-http requests. RFC 6749 §3.1: "the
// authorization server MUST require the use of TLS [...] when sending
// requests to the authorization endpoint", and §10.9, §10.11 for the pages
// where the resource owner signs in: over http it serves no page and acts on
// no parameter; it only sends the browser to its https origin (a bare
// redirect, the request's parameters dropped).
func (s *Server) handleHTTPFront(w http.ResponseWriter, r *http.Request) {
	switch {
	case s.faults.on(FaultEndpointOverHTTP):
		// The profile's endpoint is this address; it forwards everything.
		w.Header().Set("Location", s.issuer+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	case s.faults.on(FaultHTTPVariantServesLogin) && r.URL.Path == "/authorize":
		s.renderPage(w, http.StatusOK, "login", loginPage{ClientID: r.URL.Query().Get("client_id")})
	default:
		w.Header().Set("Location", s.issuer+"/")
		w.WriteHeader(http.StatusMovedPermanently)
	}
}

func (f *httpFront) close() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := f.srv.Shutdown(ctx); err != nil {
		_ = f.srv.Close()
	}
	<-f.done
}
