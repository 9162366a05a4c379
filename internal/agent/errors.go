package agent

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strings"
)

// ErrorKind classifies what went wrong with a navigation.
type ErrorKind string

// The kinds of Error.
const (
	KindTimeout      ErrorKind = "timeout"        // a request (or reading its body) exceeded Config.Timeout, or ctx's deadline passed
	KindTransport    ErrorKind = "transport"      // connection refused, reset, malformed response, …
	KindTLS          ErrorKind = "tls"            // handshake or certificate verification failed
	KindHopLimit     ErrorKind = "hop-limit"      // more than Config.MaxHops requests in one Navigate call
	KindBodyTooLarge ErrorKind = "body-too-large" // a response body exceeded Config.MaxBody
	KindInvalidURL   ErrorKind = "invalid-url"    // the URL given to Navigate, or a Location header, cannot be parsed
	KindCanceled     ErrorKind = "canceled"       // ctx was canceled by the caller
	// KindRateLimited: still throttled after one wait, or asked to wait
	// longer than Polite allows (polite.go): the scenario cannot be judged.
	KindRateLimited ErrorKind = "rate-limited"
)

// Error is the error type of Navigate.
type Error struct {
	Kind ErrorKind
	URL  string // the request URL (never with a fragment) or, for KindInvalidURL, the offending value (fragment elided)
	Err  error
}

// Error returns one line: kind, URL and cause.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("agent: ")
	b.WriteString(string(e.Kind))
	if e.URL != "" {
		b.WriteString(": ")
		b.WriteString(e.URL)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Err.Error()))
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// classify turns a transport error into an *Error. parent is the caller's context, req the
// per-request one derived from it.
func classify(err error, parent, req context.Context, rawURL string) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	kind := KindTransport
	switch {
	case errors.Is(parent.Err(), context.Canceled):
		kind = KindCanceled
	case parent.Err() != nil, errors.Is(req.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		kind = KindTimeout
	case isTLSError(err):
		kind = KindTLS
	default:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			kind = KindTimeout
		}
	}
	return &Error{Kind: kind, URL: rawURL, Err: err}
}

func isTLSError(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		rhe tls.RecordHeaderError
		ae  tls.AlertError
		uae x509.UnknownAuthorityError
		he  x509.HostnameError
		cie x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &cve), errors.As(err, &rhe), errors.As(err, &ae),
		errors.As(err, &uae), errors.As(err, &he), errors.As(err, &cie):
		return true
	}
	return strings.Contains(err.Error(), "tls: ")
}
