package browser

import (
	"net"
	"strings"
	"sync"
)

// sink is the proxy of every browser context: a loopback listener that
// closes each connection it gets. Whatever chromium would fetch or connect
// to by itself, outside the interception (a preconnect at the start of a
// navigation, a worker's request), goes to it and fails: chromium resolves
// no name and opens no connection to a server, even for requests the tab
// does not see. Passthrough origins bypass it.
type sink struct {
	ln   net.Listener
	wg   sync.WaitGroup
	once sync.Once
}

func newSink() (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{ln: ln}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

func (s *sink) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

// proxy is the sink as a proxy server setting.
func (s *sink) proxy() string { return "http://" + s.ln.Addr().String() }

func (s *sink) close() {
	s.once.Do(func() {
		s.ln.Close()
		s.wg.Wait()
	})
}

// bypass is the proxy bypass list of a browser context: the passthrough
// origins' host:port, and no implicit bypass of loopback addresses
// (chromium's default), so that a loopback server is reached through the
// agent only.
func bypass(passthrough map[string]bool) string {
	rules := []string{"<-loopback>"}
	for o := range passthrough {
		_, hostport, _ := strings.Cut(o, "://")
		rules = append(rules, hostport)
	}
	return strings.Join(rules, ";")
}
