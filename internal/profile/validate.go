package profile

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Validate returns the first problem found, as an *Error naming the key:
//
//	profile: clients.implicit.redirect_uris: at least one URI required
//
// It does no I/O: a missing tls.ca_file is reported by CertPool.
func (p *Profile) Validate() error {
	if err := p.validate(); err != nil {
		err.File = p.File
		return p.scrub(err)
	}
	return nil
}

// scrub removes the password from an error message, in case a value quoted
// in it came from the same variable (authorization_endpoint: ${IDP_PASSWORD}).
func (p *Profile) scrub(e *Error) *Error {
	if pw := p.ResourceOwner.Password; pw != "" {
		e.Msg = strings.ReplaceAll(e.Msg, pw, Redaction)
	}
	return e
}

// validate checks the profile in stages, each returning the first mistake
// with the key it concerns.
func (p *Profile) validate() *Error {
	if strings.TrimSpace(p.Name) == "" {
		return &Error{Key: "name", Msg: "must not be empty"}
	}
	for _, stage := range []func() *Error{p.validateEndpoints, p.validateClients, p.validateOwnerAndTLS, p.validateOrigins} {
		if err := stage(); err != nil {
			return err
		}
	}
	return nil
}

func (p *Profile) validateEndpoints() *Error {
	if p.Issuer != "" {
		if err := checkHTTPURL("issuer", p.Issuer); err != nil {
			return err
		}
		if u, _ := url.Parse(p.Issuer); u.RawQuery != "" || u.ForceQuery || strings.Contains(p.Issuer, "#") {
			// RFC 8414 §2: "... and has no query or fragment components."
			return &Error{Key: "issuer", Msg: "must not contain a query or fragment (RFC 8414 §2)"}
		}
	}
	if p.DiscoveryURL != "" {
		if p.Issuer == "" {
			return &Error{Key: "discovery_url", Msg: "needs issuer (the document's issuer is checked against it)"}
		}
		if err := checkHTTPURL("discovery_url", p.DiscoveryURL); err != nil {
			return err
		}
	}
	if p.AuthorizationEndpoint == "" {
		if p.Issuer == "" {
			return &Error{Key: "authorization_endpoint", Msg: "required unless issuer is set (discovery fills it)"}
		}
	} else if err := checkEndpoint("authorization_endpoint", p.AuthorizationEndpoint); err != nil {
		return err
	}
	if p.UserinfoEndpoint != "" {
		if err := checkEndpoint("userinfo_endpoint", p.UserinfoEndpoint); err != nil {
			return err
		}
	}
	return nil
}

func (p *Profile) validateClients() *Error {
	if p.Clients.Implicit == nil {
		return &Error{Key: "clients.implicit", Msg: "required (a client allowed response_type=token)"}
	}
	if err := checkClient("clients.implicit", p.Clients.Implicit, 1); err != nil {
		return err
	}
	if c := p.Clients.TwoURIs; c != nil {
		if err := checkClient("clients.two_uris", c, 2); err != nil {
			return err
		}
	}
	if c := p.Clients.CodeOnly; c != nil {
		if err := checkClient("clients.code_only", c, 1); err != nil {
			return err
		}
		if c.ClientID == p.Clients.Implicit.ClientID {
			return &Error{Key: "clients.code_only.client_id", Msg: "same as clients.implicit.client_id: the code-only client must be another client"}
		}
	}

	if c := p.Clients.WithQuery; c != nil {
		if err := checkClient("clients.with_query", c, 1); err != nil {
			return err
		}
		if u, _ := url.Parse(c.RedirectURIs[0]); u.RawQuery == "" {
			return &Error{Key: "clients.with_query.redirect_uris[0]", Msg: fmt.Sprintf("%s has no query: this client's first URI must be registered with one (RFC 6749 §3.1.2)", quoteURL(c.RedirectURIs[0]))}
		}
	}
	if c := p.Clients.Native; c != nil {
		if err := checkClient("clients.native", c, 1); err != nil {
			return err
		}
		if u, _ := url.Parse(c.RedirectURIs[0]); u.Scheme != "http" || (u.Host != "127.0.0.1" && u.Host != "[::1]") {
			return &Error{Key: "clients.native.redirect_uris[0]", Msg: fmt.Sprintf("%s is not a loopback IP redirect URI without a port, like http://127.0.0.1/cb (RFC 8252 §7.3)", quoteURL(c.RedirectURIs[0]))}
		}
	}
	return p.validateBrowserClient()
}

// validateBrowserClient: the harness serves this client's page itself, so
// its first redirect URI must be an address it can listen on (loopback, with
// a port) and a browser will load without TLS trust (http).
func (p *Profile) validateBrowserClient() *Error {
	c := p.Clients.Browser
	if c == nil {
		return nil
	}
	if err := checkClient("clients.browser_client", c, 1); err != nil {
		return err
	}
	u, _ := url.Parse(c.RedirectURIs[0])
	if u.Scheme != "http" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "::1") || u.Port() == "" || u.Port() == "0" {
		return &Error{Key: "clients.browser_client.redirect_uris[0]", Msg: fmt.Sprintf("%s is not a loopback http URI with a port, like http://127.0.0.1:8765/cb: the harness serves the client's page there itself", quoteURL(c.RedirectURIs[0]))}
	}
	return nil
}

func (p *Profile) validateOwnerAndTLS() *Error {
	if p.ResourceOwner.Username == "" {
		return &Error{Key: "resource_owner.username", Msg: "must not be empty"}
	}
	if p.ResourceOwner.Password == "" {
		return &Error{Key: "resource_owner.password", Msg: "must not be empty"}
	}

	switch p.Interaction.Driver {
	case "", DriverHTML, DriverBrowser, DriverAuto:
	default:
		return &Error{Key: "interaction.driver", Msg: fmt.Sprintf("%q is not one of html, browser, auto", p.Interaction.Driver)}
	}
	if p.TLS.CAPEM != "" && !hasPEMCertificate([]byte(p.TLS.CAPEM)) {
		return &Error{Key: "tls.ca_pem", Msg: "no PEM certificate found"}
	}
	return nil
}

func (p *Profile) validateOrigins() *Error {
	for i, o := range p.AllowedOrigins {
		key := "allowed_origins[" + strconv.Itoa(i) + "]"
		u, err := url.Parse(o)
		if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || strings.Contains(o, "#") {
			return &Error{Key: key, Msg: fmt.Sprintf("%q is not an origin (scheme://host[:port])", o)}
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return &Error{Key: key, Msg: fmt.Sprintf("%q: scheme must be http or https", o)}
		}
	}
	return nil
}

func checkClient(key string, c *Client, minURIs int) *Error {
	if c.ClientID == "" {
		return &Error{Key: key + ".client_id", Msg: "must not be empty"}
	}
	// RFC 6749 Appendix A.1: client-id = *VSCHAR, VSCHAR = %x20-7E.
	for _, r := range c.ClientID {
		if r < 0x20 || r > 0x7e {
			return &Error{Key: key + ".client_id", Msg: "only printable ASCII is allowed (RFC 6749 Appendix A.1)"}
		}
	}
	switch {
	case len(c.RedirectURIs) < minURIs && minURIs == 1:
		return &Error{Key: key + ".redirect_uris", Msg: "at least one URI required"}
	case len(c.RedirectURIs) < minURIs:
		return &Error{Key: key + ".redirect_uris", Msg: fmt.Sprintf("at least %d URIs required", minURIs)}
	}
	seen := map[string]int{}
	for i, raw := range c.RedirectURIs {
		k := key + ".redirect_uris[" + strconv.Itoa(i) + "]"
		if j, dup := seen[raw]; dup {
			return &Error{Key: k, Msg: fmt.Sprintf("duplicate of redirect_uris[%d]", j)}
		}
		seen[raw] = i
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() {
			// RFC 6749 §3.1.2: "The redirection endpoint URI MUST be an absolute URI".
			return &Error{Key: k, Msg: fmt.Sprintf("%s is not an absolute URI (RFC 6749 §3.1.2)", quoteURL(raw))}
		}
		if strings.Contains(raw, "#") {
			// RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component."
			return &Error{Key: k, Msg: fmt.Sprintf("%s must not contain a fragment (RFC 6749 §3.1.2)", quoteURL(raw))}
		}
		if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
			return &Error{Key: k, Msg: fmt.Sprintf("%s has no host", quoteURL(raw))}
		}
	}
	if c.Scope != "" {
		if msg := checkScope(c.Scope); msg != "" {
			return &Error{Key: key + ".scope", Msg: msg}
		}
	}
	return nil
}

// checkScope applies RFC 6749 §3.3: scope = scope-token *( SP scope-token ),
// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
func checkScope(scope string) string {
	for _, tok := range strings.Split(scope, " ") {
		if tok == "" {
			return "scope tokens are separated by exactly one space (RFC 6749 §3.3)"
		}
		for _, r := range tok {
			if r < 0x21 || r > 0x7e || r == '"' || r == '\\' {
				return fmt.Sprintf("scope token %q has a character outside RFC 6749 §3.3", tok)
			}
		}
	}
	return ""
}

// checkHTTPURL requires an absolute http(s) URL with a host.
func checkHTTPURL(key, raw string) *Error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return &Error{Key: key, Msg: fmt.Sprintf("%s is not an absolute URL", quoteURL(raw))}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return &Error{Key: key, Msg: fmt.Sprintf("%s: scheme must be http or https", quoteURL(raw))}
	}
	if u.Host == "" {
		return &Error{Key: key, Msg: fmt.Sprintf("%s has no host", quoteURL(raw))}
	}
	return nil
}

// checkEndpoint is checkHTTPURL plus RFC 6749 §3.1 "The endpoint URI MUST NOT
// include a fragment component." (a query is allowed).
func checkEndpoint(key, raw string) *Error {
	if err := checkHTTPURL(key, raw); err != nil {
		return err
	}
	if strings.Contains(raw, "#") {
		return &Error{Key: key, Msg: fmt.Sprintf("%s must not contain a fragment (RFC 6749 §3.1)", quoteURL(raw))}
	}
	return nil
}

// quoteURL quotes a URL for an error message, hiding a userinfo password.
func quoteURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return strconv.Quote(u.Redacted())
	}
	return strconv.Quote(raw)
}

func hasPEMCertificate(data []byte) bool {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return false
		}
		if block.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(block.Bytes); err == nil {
				return true
			}
		}
	}
}
