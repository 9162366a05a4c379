package refserver

import (
	"crypto/tls"
	"net/http"
	"sync/atomic"
	"time"
)

// traffic is what the server counts of its own load, and the latency it
// adds: the benchmark (bench/) plays a slow IdP with it and reads the
// round trips a run made.
type traffic struct {
	latency  time.Duration // Options.Latency: added before each response
	requests atomic.Int64  // requests answered, on both addresses
	// handshakes and resumed count the TLS handshakes of the https
	// address, and those that resumed an earlier session.
	handshakes, resumed atomic.Int64
}

// watchTraffic adds latency to every response of the https server (not yet
// serving) and counts its handshakes; the plain-http front counts its own
// requests (startHTTPFront).
func (s *Server) watchTraffic(latency time.Duration) {
	s.traffic.latency = latency
	s.httpSrv.Handler = s.withTraffic(s.httpSrv.Handler)
	s.httpSrv.TLSConfig.VerifyConnection = func(cs tls.ConnectionState) error {
		s.traffic.handshakes.Add(1)
		if cs.DidResume {
			s.traffic.resumed.Add(1)
		}
		return nil
	}
}

// withTraffic counts each request and holds its response for the
// configured latency (cut short when the client gives up), as a distant or
// busy server would. It wraps every handler the server serves.
func (s *Server) withTraffic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.traffic.requests.Add(1)
		if d := s.traffic.latency; d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Requests is how many HTTP requests the server has answered since Start
// (its https and plain-http addresses together): a run's round trips.
func (s *Server) Requests() int64 { return s.traffic.requests.Load() }

// Handshakes is how many TLS handshakes the https address has made since
// Start, and how many of them resumed an earlier session.
func (s *Server) Handshakes() (all, resumed int64) {
	return s.traffic.handshakes.Load(), s.traffic.resumed.Load()
}
