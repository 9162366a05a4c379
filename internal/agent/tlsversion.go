package agent

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"
)

// LegacyTLS opens a TLS connection to the origin of rawURL offering only TLS
// 1.0 and 1.1, as an outdated client would, and reports the version the
// server agreed to (0 when it refused the handshake). Only the protocol
// version is probed: the certificate is verified by every other exchange,
// and nothing is sent on this connection. The error is for a timeout, an
// unparsable URL or a non-https one.
func LegacyTLS(ctx context.Context, rawURL string, timeout time.Duration) (uint16, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, err
	}
	if u.Scheme != "https" {
		return 0, fmt.Errorf("%s is not https", rawURL)
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	d := &tls.Dialer{
		NetDialer: &net.Dialer{Timeout: timeout},
		Config: &tls.Config{
			ServerName:         u.Hostname(),
			MinVersion:         tls.VersionTLS10,
			MaxVersion:         tls.VersionTLS11,
			InsecureSkipVerify: true, //nolint:gosec // version probe only, nothing is sent
		},
	}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return 0, fmt.Errorf("TLS probe of %s: %w", u.Host, err)
		}
		return 0, nil // refused: the handshake failed
	}
	v := conn.(*tls.Conn).ConnectionState().Version
	_ = conn.Close()
	return v, nil
}
