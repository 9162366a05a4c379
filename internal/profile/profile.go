// Package profile reads the target profile: the YAML file that describes the
// authorization server under test, its clients and its resource owner.
//
// Reading a profile is: YAML decoding (unknown keys are errors), then ${VAR}
// expansion in string values, then Validate. Discover (RFC 8414, then OpenID
// Connect Discovery) may then fill the endpoints from the issuer.
//
// Every error is a configuration error of type *Error: one line, naming the
// file and the key (the one exception: Discover returns ctx's error, wrapped,
// when ctx ends). No error contains the resource owner's password: values
// quoted in messages are scrubbed of it.
package profile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// Client is one registered client of the authorization server.
type Client struct {
	ClientID string `yaml:"client_id"`
	// RedirectURIs are exactly as registered (never normalised); the first is
	// the default one.
	RedirectURIs []string `yaml:"redirect_uris"`
	// Scope is the scope to request (space-delimited, RFC 6749 §3.3); optional.
	Scope string `yaml:"scope"`
}

// Clients are the clients the harness uses.
type Clients struct {
	// Implicit is allowed response_type=token. Required.
	Implicit *Client `yaml:"implicit"`
	// TwoURIs is an implicit client with two or more registered redirect URIs
	// (RFC 6749 §3.1.2.3). Optional.
	TwoURIs *Client `yaml:"two_uris"`
	// CodeOnly is registered but NOT allowed response_type=token. Optional.
	CodeOnly *Client `yaml:"code_only"`
	// WithQuery is an implicit client whose first redirect URI is registered
	// with a query, e.g. https://app.example.com/cb?dummy1=lorem&dummy2=ipsum
	// (RFC 6749 §3.1.2). Optional.
	WithQuery *Client `yaml:"with_query"`
	// Native is an implicit client whose first redirect URI is a loopback IP
	// URI without a port, e.g. http://127.0.0.1/cb (RFC 8252 §7.3). Optional.
	Native *Client `yaml:"native"`
	// Browser is an implicit client for the scenarios a real browser plays
	// to the end (step 4 of the flow): its first redirect URI is a loopback
	// http URI with a port, e.g. http://127.0.0.1:8765/cb, registered at the
	// server, where the harness itself serves the client's page during the
	// run. It may be the implicit client again, with that extra URI.
	// Optional: without it those scenarios are skipped with the reason.
	Browser *Client `yaml:"browser_client"`
}

// All returns the clients the profile names, in a fixed order (nil ones left out).
func (c Clients) All() []*Client {
	var out []*Client
	for _, cl := range []*Client{c.Implicit, c.TwoURIs, c.CodeOnly, c.WithQuery, c.Native, c.Browser} {
		if cl != nil {
			out = append(out, cl)
		}
	}
	return out
}

// ResourceOwner is the end-user account the harness logs in with.
// Its fmt, slog, JSON and YAML forms never show the password.
type ResourceOwner struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// Interaction holds optional hints for reading the server's login and consent
// pages.
type Interaction struct {
	UsernameField string `yaml:"username_field"` // name of the username input
	PasswordField string `yaml:"password_field"` // name of the password input
	Approve       string `yaml:"approve"`        // text, name or value of the approve button
	Deny          string `yaml:"deny"`           // text, name or value of the deny button
	// LoginButton names the login form's submit control, for a form with
	// several buttons of which none reads as signing in.
	LoginButton string `yaml:"login_button"`
	// Driver is what drives the pages: "html" (the page reader, no
	// JavaScript), "browser" (a headless chromium for every flow) or "auto"
	// (the page reader, and chromium from the first page that needs
	// JavaScript). Empty means auto where a chromium is found, else html.
	Driver string `yaml:"driver"`
}

// The values of Interaction.Driver.
const (
	DriverHTML    = "html"
	DriverBrowser = "browser"
	DriverAuto    = "auto"
)

// TLS configures trust for https targets.
type TLS struct {
	CAFile             string `yaml:"ca_file"` // extra trust anchor(s), relative to Profile.Dir
	CAPEM              string `yaml:"ca_pem"`  // extra trust anchor(s), inline PEM
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
}

// Profile is a target profile.
type Profile struct {
	Name string `yaml:"name"`
	// Issuer, when set, lets Discover fill the endpoints (RFC 8414, then OIDC).
	Issuer string `yaml:"issuer"`
	// DiscoveryURL, when set (with Issuer), is the only metadata document
	// Discover fetches, instead of the two well-known locations. For servers
	// that publish it elsewhere (e.g. Django OAuth Toolkit's trailing slash).
	DiscoveryURL string `yaml:"discovery_url"`
	// AuthorizationEndpoint is required unless Issuer is set.
	AuthorizationEndpoint string `yaml:"authorization_endpoint"`
	UserinfoEndpoint      string `yaml:"userinfo_endpoint"`

	Clients       Clients       `yaml:"clients"`
	ResourceOwner ResourceOwner `yaml:"resource_owner"`
	Interaction   Interaction   `yaml:"interaction"`
	TLS           TLS           `yaml:"tls"`
	// AllowedOrigins are other origins the browser may visit (a separate
	// login app, say), as scheme://host[:port].
	AllowedOrigins []string `yaml:"allowed_origins"`
	// ResponseTypes, when set, are the response types the target serves to
	// the implicit client ("token", "id_token token", "id_token"). They take
	// the place of the discovery document's response_types_supported when
	// the harness decides which OpenID Connect scenarios apply.
	ResponseTypes []string `yaml:"response_types"`

	// Metadata is the discovery document, when Discover fetched one.
	Metadata Metadata `yaml:"-"`
	// MetadataURL is the URL Metadata was requested from.
	MetadataURL string `yaml:"-"`
	// DiscoveryErr records why discovery failed when that was tolerated
	// (authorization_endpoint configured); nil otherwise.
	DiscoveryErr error `yaml:"-"`
	// Dir is the directory of the profile file; ca_file is relative to it.
	Dir string `yaml:"-"`
	// File is the profile file's path as given to Load; "" after Parse.
	File string `yaml:"-"`
}

// Getenv looks up an environment variable; os.LookupEnv in production.
type Getenv func(string) (string, bool)

// Load reads, expands and validates the profile at path. A nil getenv means
// os.LookupEnv. Errors are *Error naming path.
func Load(path string, getenv Getenv) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: "cannot read: " + err.Error()}
	}
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	p, err := Parse(data, dir, getenv)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			pe.File = path
		}
		return nil, err
	}
	p.File = path
	return p, nil
}

// Parse decodes a profile from data, expands ${VAR} in its string values,
// and validates it. dir is the directory that a relative tls.ca_file is
// resolved against. A nil getenv means os.LookupEnv.
//
// Expansion happens after YAML decoding, in string values only, so an
// environment variable can never inject YAML. The syntax is ${NAME} (an
// unset NAME is an error; set but empty gives ""), ${NAME:-default} (default
// when NAME is unset or empty), and $$ for a literal '$'. Any other '$' is
// literal.
func Parse(data []byte, dir string, getenv Getenv) (*Profile, error) {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Msg: "empty document"}
		}
		return nil, &Error{Msg: oneLine(err.Error())}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{Line: extra.Line, Msg: "more than one YAML document"}
	}

	doc := &root
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, &Error{Msg: "empty document"}
		}
		doc = doc.Content[0]
	}
	if isNull(doc) {
		return nil, &Error{Msg: "empty document"}
	}
	lines := map[string]int{}
	if err := checkNode(doc, reflect.TypeFor[Profile](), "", lines); err != nil {
		return nil, err
	}
	p := &Profile{}
	if err := doc.Decode(p); err != nil {
		return nil, &Error{Msg: oneLine(err.Error())}
	}
	if err := expandAll(p, getenv, lines); err != nil {
		return nil, err
	}
	p.Dir = dir
	if err := p.Validate(); err != nil {
		var pe *Error
		if errors.As(err, &pe) && pe.Line == 0 {
			pe.Line = lines[pe.Key]
		}
		return nil, err
	}
	return p, nil
}

// Redaction replaces secrets in Redacted copies and in printed forms.
const Redaction = "[redacted]"

// Redacted returns a copy of p whose password is replaced by Redaction (an
// empty password stays empty). Clients and slices are copied; the values
// inside Metadata are shared.
func (p *Profile) Redacted() *Profile {
	if p == nil {
		return nil
	}
	c := *p
	c.Clients = Clients{
		Implicit:  p.Clients.Implicit.clone(),
		TwoURIs:   p.Clients.TwoURIs.clone(),
		CodeOnly:  p.Clients.CodeOnly.clone(),
		WithQuery: p.Clients.WithQuery.clone(),
		Native:    p.Clients.Native.clone(),
		Browser:   p.Clients.Browser.clone(),
	}
	c.ResourceOwner.Password = redact(p.ResourceOwner.Password)
	if p.AllowedOrigins != nil {
		c.AllowedOrigins = append([]string(nil), p.AllowedOrigins...)
	}
	if p.ResponseTypes != nil {
		c.ResponseTypes = append([]string(nil), p.ResponseTypes...)
	}
	if p.Metadata != nil {
		c.Metadata = make(Metadata, len(p.Metadata))
		for k, v := range p.Metadata {
			c.Metadata[k] = v
		}
	}
	return &c
}

func (c *Client) clone() *Client {
	if c == nil {
		return nil
	}
	d := *c
	if c.RedirectURIs != nil {
		d.RedirectURIs = append([]string(nil), c.RedirectURIs...)
	}
	return &d
}

func redact(secret string) string {
	if secret == "" {
		return ""
	}
	return Redaction
}
