// Package callback is the client's page at the browser client's redirect URI
// (profile clients.browser_client): what a real implicit client serves there,
// played by the harness on loopback for the scenarios a real browser runs to
// the end, step 4 of the flow (RFC 6749 §4.2, steps (D) to (G)).
//
// The page is what RFC 6749 §4.2 says the client's page does: its script reads
// the response from location.hash (the fragment never reaches this server,
// §4.2 (D): "the user-agent retains the fragment information locally") and
// exposes what it read as window.__implicitspec for the harness to collect.
// It then loads one image from its own origin, so that the request log shows
// the Referer a browser sends onward from the page.
//
// The server logs every request it receives (method, path, query, headers,
// body), so that a scenario can show that no token reached it: not in the
// path, not in the query, not in a Referer. Concurrent scenarios share the
// server; a scenario searches the whole log for its own token, which no other
// scenario knows.
package callback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Request is one request the callback server received.
type Request struct {
	Method string
	Target string // the request-target as sent: path and query
	Header http.Header
	Body   string
}

// Server is the callback server of a run.
type Server struct {
	uri    *url.URL
	srv    *http.Server
	ln     net.Listener
	mu     sync.Mutex
	log    []Request
	closed bool
}

// maxLog bounds the log: a run makes a handful of browser flows, each a page
// and an image; a runaway page must not grow the harness without bound.
const maxLog = 10000

// Start listens on the redirect URI's host and port (loopback only: the
// profile validates it) and serves the client's page there.
func Start(redirectURI string) (*Server, error) {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Scheme != "http" || u.Port() == "" {
		return nil, fmt.Errorf("callback: %q is not an http URI with a port", redirectURI)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("callback: %q is not on a loopback address", redirectURI)
	}
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		return nil, fmt.Errorf("callback: cannot serve the browser client's page at %s (clients.browser_client.redirect_uris[0]): %w", u.Host, err)
	}
	s := &Server{uri: u, ln: ln}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Origin is the server's origin, scheme://host:port.
func (s *Server) Origin() string { return s.uri.Scheme + "://" + s.uri.Host }

// Close stops the server.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	return err
}

// Log returns a copy of every request received so far.
func (s *Server) Log() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = r
		out[i].Header = r.Header.Clone()
	}
	return out
}

// ServeHTTP logs the request, then answers it: the image, or the page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	s.mu.Lock()
	if len(s.log) < maxLog {
		s.log = append(s.log, Request{Method: r.Method, Target: r.RequestURI, Header: r.Header.Clone(), Body: string(body)})
	}
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Path == pixelPath {
		w.Header().Set("Content-Type", "image/gif")
		_, _ = w.Write(pixel)
		return
	}
	if r.URL.Path == "/favicon.ico" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, page)
}

// Found reports where in the log any of values appears, decoded or not: the
// request-target, a header (Referer first of all) or a body. Empty values are
// ignored.
func Found(log []Request, values ...string) []string {
	var where []string
	for i, r := range log {
		for _, v := range values {
			if v == "" {
				continue
			}
			for _, place := range places(r) {
				if containsEncoded(place.text, v) {
					where = append(where, fmt.Sprintf("request %d (%s %s): %s", i+1, r.Method, pathOnly(r.Target), place.name))
				}
			}
		}
	}
	return where
}

type place struct{ name, text string }

func places(r Request) []place {
	ps := []place{{"the request-target", r.Target}, {"the body", r.Body}}
	for name, vs := range r.Header {
		for _, v := range vs {
			ps = append(ps, place{"the " + name + " header", v})
		}
	}
	return ps
}

// containsEncoded: v as is, percent-decoded or form-decoded: a token in a
// query is usually encoded, and a JWT's characters may be.
func containsEncoded(text, v string) bool {
	if strings.Contains(text, v) {
		return true
	}
	if d, err := url.PathUnescape(text); err == nil && strings.Contains(d, v) {
		return true
	}
	d, err := url.QueryUnescape(text)
	return err == nil && strings.Contains(d, v)
}

// pathOnly is the request-target without its query: the log message must
// not quote what it found (the caller redacts, but says less is safer).
func pathOnly(target string) string {
	p, _, _ := strings.Cut(target, "?")
	return p
}

const pixelPath = "/__implicitspec/pixel.gif"

// pixel is a 1×1 transparent GIF.
var pixel = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// page is the client's page. Its script decodes the fragment as
// application/x-www-form-urlencoded (RFC 6749 Appendix B): '+' is a space,
// then percent-decoding; a malformed escape keeps the raw text and is noted,
// so that the harness can judge it rather than the page hiding it.
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>implicitspec client</title></head>
<body><p id="status">Reading the authorization response…</p>
<script>
(function () {
  var raw = location.hash.charAt(0) === "#" ? location.hash.substring(1) : location.hash;
  var params = {}, malformed = [], names = [];
  raw.split("&").forEach(function (pair) {
    if (pair === "") { return; }
    var i = pair.indexOf("="), k = i < 0 ? pair : pair.substring(0, i), v = i < 0 ? "" : pair.substring(i + 1);
    function dec(s) {
      try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch (e) { malformed.push(s); return s; }
    }
    k = dec(k); v = dec(v);
    names.push(k);
    if (!(k in params)) { params[k] = v; }
  });
  window.__implicitspec = {href: location.href, hash: location.hash, params: params, names: names, malformed: malformed};
  document.getElementById("status").textContent = ("access_token" in params || "id_token" in params)
    ? "The client read the response from the fragment." : "The fragment holds no token.";
  var img = new Image();
  img.src = "` + pixelPath + `";
  document.body.appendChild(img);
})();
</script>
</body></html>
`
