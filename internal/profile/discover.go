package profile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-resty/resty/v2"
)

// maxMetadataBytes caps a discovery document.
const maxMetadataBytes = 1 << 20

// Well-known suffixes of the two metadata documents.
const (
	wellKnownOAuth = "/.well-known/oauth-authorization-server" // RFC 8414 §3
	wellKnownOIDC  = "/.well-known/openid-configuration"       // OpenID Connect Discovery 1.0 §4
)

// MetadataURLs returns the URLs Discover tries, in order: discovery_url alone
// when it is set; otherwise the RFC 8414 URL (the well-known path inserted
// between the host and the issuer's path, a terminating '/' removed:
// https://h/t → https://h/.well-known/oauth-authorization-server/t), then the
// OpenID Connect one (the issuer, without a trailing '/', followed by
// /.well-known/openid-configuration). Nil when Issuer is empty.
func (p *Profile) MetadataURLs() []string {
	if p.Issuer == "" {
		return nil
	}
	if p.DiscoveryURL != "" {
		return []string{p.DiscoveryURL}
	}
	return []string{rfc8414URL(p.Issuer), strings.TrimSuffix(p.Issuer, "/") + wellKnownOIDC}
}

// rfc8414URL works on the raw issuer string so that its path is not
// re-encoded. Validate guarantees scheme://host[path] without query or fragment.
func rfc8414URL(issuer string) string {
	scheme, rest, ok := strings.Cut(issuer, "://")
	if !ok {
		return issuer + wellKnownOAuth
	}
	host, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	return scheme + "://" + host + wellKnownOAuth + strings.TrimSuffix(path, "/")
}

// Discover fetches the authorization server's metadata when Issuer is set
// (it does nothing otherwise): each of MetadataURLs in turn, until one answers
// 200 with a JSON object whose "issuer" is exactly Issuer (RFC 8414 §3.3 and
// OIDC Discovery §4.3: otherwise the document MUST NOT be used). That document
// becomes Metadata (and its URL MetadataURL); its authorization_endpoint and
// userinfo_endpoint fill the profile's only where those are empty.
//
// Errors: no document usable and authorization_endpoint not configured; or
// authorization_endpoint still empty afterwards; or a discovered endpoint
// that is not a valid endpoint URL; or ctx's error when ctx ends. A failed
// discovery with a configured authorization_endpoint is not an error: Metadata
// stays nil and DiscoveryErr says why.
//
// hc (nil: http.DefaultClient's settings) is used through resty; it is copied,
// never modified. Redirects follow hc's policy.
func (p *Profile) Discover(ctx context.Context, hc *http.Client) error {
	p.Metadata, p.MetadataURL, p.DiscoveryErr = nil, "", nil
	urls := p.MetadataURLs()
	if len(urls) == 0 {
		return nil
	}
	var c http.Client
	if hc != nil {
		c = *hc
	}
	if c.Transport == nil {
		// resty would otherwise install a transport of its own into the client.
		c.Transport = http.DefaultTransport
	}
	rc := resty.NewWithClient(&c).
		SetLogger(quietLogger{}).
		SetResponseBodyLimit(maxMetadataBytes).
		SetHeader("Accept", "application/json")

	var failures []string
	for _, u := range urls {
		doc, err := fetchMetadata(ctx, rc, u, p.Issuer)
		if ctx.Err() != nil {
			return fmt.Errorf("profile discovery: %w", ctx.Err())
		}
		if err != nil {
			failures = append(failures, err.Error())
			continue
		}
		p.Metadata, p.MetadataURL = doc, u
		break
	}
	if p.Metadata == nil {
		derr := &Error{File: p.File, Key: "issuer", Msg: "discovery failed: " + strings.Join(failures, "; ")}
		p.scrub(derr)
		if p.AuthorizationEndpoint == "" {
			return derr
		}
		p.DiscoveryErr = derr
		return nil
	}

	fill := func(key string, dst *string) error {
		if *dst != "" {
			return nil
		}
		v, ok := p.Metadata[key].(string)
		if !ok || v == "" {
			return nil
		}
		if err := checkEndpoint(key, v); err != nil {
			err.File = p.File
			err.Msg += " (from " + p.MetadataURL + ")"
			return p.scrub(err)
		}
		*dst = v
		return nil
	}
	if err := fill("authorization_endpoint", &p.AuthorizationEndpoint); err != nil {
		return err
	}
	if err := fill("userinfo_endpoint", &p.UserinfoEndpoint); err != nil {
		return err
	}
	if p.AuthorizationEndpoint == "" {
		return p.scrub(&Error{File: p.File, Key: "authorization_endpoint", Msg: "not configured and not in the discovery document " + p.MetadataURL})
	}
	return nil
}

func fetchMetadata(ctx context.Context, rc *resty.Client, u, issuer string) (map[string]any, error) {
	resp, err := rc.R().SetContext(ctx).Get(u)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s: %v", u, err)
	}
	if code := resp.StatusCode(); code != http.StatusOK {
		if loc := resp.Header().Get("Location"); loc != "" && code >= 300 && code < 400 {
			return nil, fmt.Errorf("%s: HTTP %d, redirect to %q not followed (set discovery_url)", u, code, loc)
		}
		return nil, fmt.Errorf("%s: HTTP %d", u, code)
	}
	var doc map[string]any
	if err := json.Unmarshal(resp.Body(), &doc); err != nil || doc == nil {
		return nil, fmt.Errorf("%s: not a JSON object", u)
	}
	got, ok := doc["issuer"].(string)
	switch {
	case !ok:
		return nil, fmt.Errorf("%s: no issuer in the document", u)
	case got != issuer:
		return nil, fmt.Errorf("%s: issuer %q is not the configured issuer %q (RFC 8414 §3.3)", u, got, issuer)
	}
	for _, k := range []string{"authorization_endpoint", "userinfo_endpoint"} {
		if v, present := doc[k]; present {
			if _, isString := v.(string); !isString {
				return nil, fmt.Errorf("%s: %s is not a string", u, k)
			}
		}
	}
	return doc, nil
}

// quietLogger keeps resty from writing to stderr; failures are returned.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
