package agent

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Limits of what a Recorder reads for itself.
const (
	// recordedRequestBody is the largest request body kept in a Hop: side
	// requests send small JSON or form bodies; anything larger is not
	// evidence anyone reads.
	recordedRequestBody = 64 << 10
	// scannedResponseBody is how much of an answer is read ahead for its
	// secrets and excerpt; the caller still reads the whole answer.
	scannedResponseBody = DefaultMaxBody
)

// Recorder is an http.RoundTripper for the requests the harness makes
// beside the browser (discovery, JWKS, userinfo, registration). It records
// each exchange as a Hop, in the shape of the browser's, so that they become
// evidence too, and tells its sink every secret they carry (a registration
// answer's client_secret, a bearer token), before the caller reads the
// answer. It follows nothing: one RoundTrip, one Hop. Safe for concurrent use.
type Recorder struct {
	base    http.RoundTripper
	secrets SecretSink
	keep    bool // false: register secrets only (a client shared by the run keeps no log)
	polite  *Polite
	timeout time.Duration // per attempt, under polite (Client)

	mu   sync.Mutex
	hops []Hop
}

// NewRecorder records the exchanges made through base (nil:
// http.DefaultTransport), telling secrets (may be nil) what they carry.
func NewRecorder(base http.RoundTripper, secrets SecretSink) *Recorder {
	if base == nil {
		base = http.DefaultTransport
	}
	return &Recorder{base: base, secrets: secrets, keep: true}
}

// NewSecretsOnly is a Recorder that keeps no Hop: for a client shared by a
// whole run, whose exchanges belong to no scenario but whose secrets must
// be known all the same.
func NewSecretsOnly(base http.RoundTripper, secrets SecretSink) *Recorder {
	r := NewRecorder(base, secrets)
	r.keep = false
	return r
}

// Client is an http.Client over r that follows no redirect (each hop is
// judged, and recorded, as it is) and gives up after timeout (0: never).
func (r *Recorder) Client(timeout time.Duration) *http.Client {
	if r.polite != nil {
		// Each attempt gets the timeout, not the whole exchange: a wait for
		// Retry-After is bounded by --max-wait, not by --timeout.
		r.timeout, timeout = timeout, 0
	}
	return &http.Client{Transport: r, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// CloseIdleConnections closes the base transport's idle connections (an
// http.Client's CloseIdleConnections reaches the transport through it).
func (r *Recorder) CloseIdleConnections() {
	if c, ok := r.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// RoundTrip sends req through the base transport and records the exchange;
// under Polite, paced, and a throttled answer waited out (polite.go).
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.polite != nil {
		return r.politeRoundTrip(req)
	}
	return r.roundTrip(req)
}

func (r *Recorder) roundTrip(req *http.Request) (*http.Response, error) {
	hop := Hop{Method: req.Method, URL: req.URL.String(), Sent: true, RequestHeader: req.Header.Clone()}
	if hop.Method == "" {
		hop.Method = http.MethodGet
	}
	body, out, err := requestBody(req)
	if err != nil {
		hop.Sent, hop.Err = false, "reading the request body: "+err.Error()
		r.Record(hop)
		return nil, err
	}
	if len(body) <= recordedRequestBody && textual(req.Header.Get("Content-Type")) {
		hop.RequestBody = string(body)
	} else {
		noteSecrets(r.secrets, Hop{RequestBody: string(body)})
	}
	resp, err := r.base.RoundTrip(out)
	if err != nil {
		hop.Err = oneLine(err.Error())
		r.Record(hop)
		return nil, err
	}
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, scannedResponseBody))
	hop.Status, hop.Header, hop.Location = resp.StatusCode, resp.Header.Clone(), resp.Header.Get("Location")
	hop.BodyExcerpt = excerpt(data, DefaultExcerptBytes)
	r.polite.mark(req.Context(), &hop)
	noteBody(r.secrets, data)
	var rest io.Reader = resp.Body
	if rerr != nil {
		hop.Err = "reading the answer: " + oneLine(rerr.Error())
		rest = errReader{rerr}
	}
	r.Record(hop)
	// The caller reads the answer as sent: what was read ahead, then the rest.
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(data), rest), resp.Body}
	return resp, nil
}

// requestBody reads req's body and returns the request to send on: req
// itself when its body can be read again (GetBody), else a copy carrying
// the bytes read.
func requestBody(req *http.Request) ([]byte, *http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, req, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, req, err
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		return b, req, err
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, req, err
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(b))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return b, out, nil
}

// textual says whether a request body of this type is worth keeping as
// evidence: a form, JSON, or plain text.
func textual(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case formType, "application/json", "text/plain":
		return true
	}
	return len(mt) > 5 && mt[len(mt)-5:] == "+json"
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Record logs h (an exchange not made over HTTP, such as the TLS probe)
// and tells the sink its secrets.
func (r *Recorder) Record(h Hop) {
	noteSecrets(r.secrets, h)
	if !r.keep {
		return
	}
	r.mu.Lock()
	r.hops = append(r.hops, h)
	r.mu.Unlock()
}

// Hops returns a copy of the log, in order.
func (r *Recorder) Hops() []Hop {
	r.mu.Lock()
	defer r.mu.Unlock()
	return cloneHops(r.hops)
}

// LegacyTLS is the package's LegacyTLS, recorded: the handshake becomes a
// Hop whose Note says what the server agreed to.
func (r *Recorder) LegacyTLS(ctx context.Context, rawURL string, timeout time.Duration) (uint16, error) {
	v, err := LegacyTLS(ctx, rawURL, timeout)
	hop := Hop{Method: "TLS", URL: rawURL, Via: "a handshake offering only TLS 1.0 and TLS 1.1", Sent: true}
	if u, perr := url.Parse(rawURL); perr == nil && u.Host != "" {
		hop.URL = u.Scheme + "://" + u.Host // the probe sends nothing: no path, no query
	}
	switch {
	case err != nil:
		hop.Err = oneLine(err.Error())
	case v == 0:
		hop.Note = "the server refused the handshake"
	default:
		hop.Note = "the server agreed to " + tls.VersionName(v)
	}
	r.Record(hop)
	return v, err
}
