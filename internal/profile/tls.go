package profile

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// CertPool returns the system roots plus tls.ca_file (relative to Dir) and
// tls.ca_pem. When the system pool is unavailable it starts from an empty pool.
func (p *Profile) CertPool() (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if p.TLS.CAFile != "" {
		path := p.TLS.CAFile
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.Dir, path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, p.scrub(&Error{File: p.File, Key: "tls.ca_file", Msg: "cannot read " + path + ": " + err.Error()})
		}
		if !pool.AppendCertsFromPEM(data) {
			return nil, p.scrub(&Error{File: p.File, Key: "tls.ca_file", Msg: "no PEM certificate found in " + path})
		}
	}
	if p.TLS.CAPEM != "" && !pool.AppendCertsFromPEM([]byte(p.TLS.CAPEM)) {
		return nil, &Error{File: p.File, Key: "tls.ca_pem", Msg: "no PEM certificate found"}
	}
	return pool, nil
}

// TLSConfig returns a client TLS configuration: RootCAs from CertPool,
// InsecureSkipVerify from tls.insecure_skip_verify, TLS 1.2 at least.
func (p *Profile) TLSConfig() (*tls.Config, error) {
	pool, err := p.CertPool()
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		RootCAs:            pool,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: p.TLS.InsecureSkipVerify, //nolint:gosec // an explicit, documented profile choice
	}, nil
}
