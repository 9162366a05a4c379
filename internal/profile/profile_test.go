package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const secret = "s3cr3t-Pa$$word"

// env is a fake Getenv over a map.
func env(vars map[string]string) Getenv {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

// minimal is a valid profile; tests vary it by replacing text.
const minimal = `name: t
authorization_endpoint: https://as.test/authorize
clients:
  implicit:
    client_id: spa
    redirect_uris: [https://app.test/cb]
resource_owner:
  username: alice
  password: ${PW}
`

func minimalWith(old, new string) string {
	if !strings.Contains(minimal, old) {
		panic("minimalWith: " + old + " not in the minimal profile")
	}
	return strings.Replace(minimal, old, new, 1)
}

func TestParseValid(t *testing.T) {
	getenv := env(map[string]string{"PW": secret, "PORT": "4444", "EMPTY": ""})
	tests := []struct {
		name string
		yaml string
		want func(p *Profile) any
		val  any
	}{
		{name: "minimal", yaml: minimal, want: func(p *Profile) any { return *p.Clients.Implicit },
			val: Client{ClientID: "spa", RedirectURIs: []string{"https://app.test/cb"}}},
		{name: "password expanded", yaml: minimal, want: func(p *Profile) any { return p.ResourceOwner.Password }, val: secret},
		{name: "dir kept", yaml: minimal, want: func(p *Profile) any { return p.Dir }, val: "/some/dir"},
		{name: "optional clients absent", yaml: minimal, want: func(p *Profile) any { return p.Clients.TwoURIs == nil && p.Clients.CodeOnly == nil }, val: true},
		{name: "issuer alone is enough",
			yaml: minimalWith("authorization_endpoint: https://as.test/authorize", "issuer: http://127.0.0.1:${PORT}/"),
			want: func(p *Profile) any { return p.Issuer + "|" + p.AuthorizationEndpoint }, val: "http://127.0.0.1:4444/|"},
		{name: "default used when unset",
			yaml: minimalWith("https://as.test/authorize", "http://127.0.0.1:${NOPE:-3000}/auth"),
			want: func(p *Profile) any { return p.AuthorizationEndpoint }, val: "http://127.0.0.1:3000/auth"},
		{name: "default used when empty",
			yaml: minimalWith("https://as.test/authorize", "http://127.0.0.1:${EMPTY:-3000}/auth"),
			want: func(p *Profile) any { return p.AuthorizationEndpoint }, val: "http://127.0.0.1:3000/auth"},
		{name: "endpoint query kept",
			yaml: minimalWith("https://as.test/authorize", "https://as.test/authorize?tenant=a%2Fb"),
			want: func(p *Profile) any { return p.AuthorizationEndpoint }, val: "https://as.test/authorize?tenant=a%2Fb"},
		{name: "redirect URIs kept exactly, custom scheme allowed",
			yaml: minimalWith("[https://app.test/cb]", "['https://APP.test:443/cb/', 'com.example.app:/cb', 'http://127.0.0.1:9999/callback?x=1']"),
			want: func(p *Profile) any { return p.Clients.Implicit.RedirectURIs },
			val:  []string{"https://APP.test:443/cb/", "com.example.app:/cb", "http://127.0.0.1:9999/callback?x=1"}},
		{name: "numbers read as strings",
			yaml: minimalWith("client_id: spa", "client_id: 12345"),
			want: func(p *Profile) any { return p.Clients.Implicit.ClientID }, val: "12345"},
		{name: "literal dollar",
			yaml: minimalWith("password: ${PW}", `password: "pa$$w$rd${PW}"`),
			want: func(p *Profile) any { return p.ResourceOwner.Password }, val: "pa$w$rd" + secret},
		{name: "no YAML injection through a variable",
			yaml: minimalWith("name: t", "name: ${INJECT}"),
			want: func(p *Profile) any { return p.Name + "|" + p.Clients.Implicit.ClientID }, val: "x\nclients: evil|spa"},
		{name: "all sections",
			yaml: minimal + `interaction: {username_field: login, password_field: pw, approve: Allow, deny: Deny, login_button: Go, driver: browser}
tls: {insecure_skip_verify: true}
allowed_origins: ['http://127.0.0.1:3900', 'HTTPS://Login.Test:443/']
userinfo_endpoint: https://as.test/userinfo
`,
			want: func(p *Profile) any {
				return fmt.Sprintf("%v %v %v %v", p.Interaction, p.TLS.InsecureSkipVerify, p.AllowedOrigins, p.UserinfoEndpoint)
			},
			val: "{login pw Allow Deny Go browser} true [http://127.0.0.1:3900 HTTPS://Login.Test:443/] https://as.test/userinfo"},
		{name: "anchors and merge keys",
			yaml: strings.Replace(minimal, "  implicit:\n    client_id: spa\n    redirect_uris: [https://app.test/cb]\n",
				"  implicit: &c\n    client_id: spa\n    redirect_uris: [https://app.test/cb]\n  two_uris:\n    <<: *c\n    client_id: two\n    redirect_uris: [https://app.test/1, https://app.test/2]\n", 1),
			want: func(p *Profile) any { return p.Clients.TwoURIs.ClientID }, val: "two"},
		{name: "null optional client", yaml: minimalWith("clients:\n", "clients:\n  code_only: ~\n"),
			want: func(p *Profile) any { return p.Clients.CodeOnly }, val: (*Client)(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ge := getenv
			if strings.Contains(tt.yaml, "INJECT") {
				ge = env(map[string]string{"PW": secret, "INJECT": "x\nclients: evil"})
			}
			p, err := Parse([]byte(tt.yaml), "/some/dir", ge)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := tt.want(p); !reflect.DeepEqual(got, tt.val) {
				t.Errorf("got %#v, want %#v", got, tt.val)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	getenv := env(map[string]string{"PW": secret, "EMPTY": ""})
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"empty", "", "profile: empty document"},
		{"only a comment", "# nothing\n", "profile: empty document"},
		{"null document", "~\n", "profile: empty document"},
		{"two documents", minimal + "---\nname: x\n", "profile: more than one YAML document (line 10)"},
		{"syntax error", "name: [unclosed\n", "profile: line 1: did not find expected ',' or ']'"},
		{"top level not a mapping", "- a\n- b\n", "profile: expected a mapping, got a list (line 1)"},
		{"unknown top-level key", minimal + "metadata: {}\n",
			"profile: metadata: unknown key (known: name, issuer, discovery_url, authorization_endpoint, userinfo_endpoint, clients, resource_owner, interaction, tls, allowed_origins, response_types) (line 10)"},
		{"unknown nested key", minimalWith("    client_id: spa", "    client_id: spa\n    secret: x"),
			"profile: clients.implicit.secret: unknown key (known: client_id, redirect_uris, scope) (line 6)"},
		{"unknown client role", minimalWith("  implicit:", "  hybrid:\n    client_id: x\n  implicit:"),
			"profile: clients.hybrid: unknown key (known: implicit, two_uris, code_only, with_query, native, browser_client) (line 4)"},
		{"unknown key with a line break", minimal + "\"meta\\ndata\": 1\n",
			`profile: "meta\ndata": unknown key (known: name, issuer, discovery_url, authorization_endpoint, userinfo_endpoint, clients, resource_owner, interaction, tls, allowed_origins, response_types) (line 10)`},
		{"duplicate key", minimal + "name: u\n", `profile: line 10: mapping key "name" already defined at line 1`},
		{"string expected", minimalWith("name: t", "name: [a]"), "profile: name: expected a string, got a list (line 1)"},
		{"list expected", minimalWith("[https://app.test/cb]", "https://app.test/cb"),
			"profile: clients.implicit.redirect_uris: expected a list, got a scalar (line 6)"},
		{"bool expected", minimal + "tls: {insecure_skip_verify: yes}\n", "profile: tls.insecure_skip_verify: expected true or false (line 10)"},
		{"mapping expected", minimal + "tls: [a]\n", "profile: tls: expected a mapping, got a list (line 10)"},
		{"unset variable", minimal, "profile: resource_owner.password: environment variable PW is not set (line 9)"},
		{"unterminated reference", minimalWith("${PW}", "${PW"), `profile: resource_owner.password: unterminated "${" (write "$$" for a literal "$") (line 9)`},
		{"invalid variable name", minimalWith("${PW}", "${my secret}"),
			`profile: resource_owner.password: invalid variable name in "${...}": use letters, digits and '_' (write "$$" for a literal "$") (line 9)`},
		{"empty variable", minimalWith("${PW}", "${EMPTY}"), "profile: resource_owner.password: must not be empty (line 9)"},
		{"variable in a list", minimalWith("[https://app.test/cb]", "['https://app.test/${CB}']"),
			"profile: clients.implicit.redirect_uris[0]: environment variable CB is not set (line 6)"},
		{"no name", minimalWith("name: t", "name: ''"), "profile: name: must not be empty (line 1)"},
		{"no endpoint, no issuer", minimalWith("authorization_endpoint: https://as.test/authorize", "userinfo_endpoint: https://as.test/u"),
			"profile: authorization_endpoint: required unless issuer is set (discovery fills it)"},
		{"relative endpoint", minimalWith("https://as.test/authorize", "/authorize"),
			`profile: authorization_endpoint: "/authorize" is not an absolute URL (line 2)`},
		{"endpoint scheme", minimalWith("https://as.test/authorize", "ftp://as.test/authorize"),
			`profile: authorization_endpoint: "ftp://as.test/authorize": scheme must be http or https (line 2)`},
		{"endpoint no host", minimalWith("https://as.test/authorize", "https:///authorize"),
			`profile: authorization_endpoint: "https:///authorize" has no host (line 2)`},
		{"endpoint fragment", minimalWith("https://as.test/authorize", "https://as.test/authorize#x"),
			`profile: authorization_endpoint: "https://as.test/authorize#x" must not contain a fragment (RFC 6749 §3.1) (line 2)`},
		{"empty endpoint fragment", minimalWith("https://as.test/authorize", "https://as.test/authorize#"),
			`profile: authorization_endpoint: "https://as.test/authorize#" must not contain a fragment (RFC 6749 §3.1) (line 2)`},
		{"userinfo password hidden", minimalWith("https://as.test/authorize", "https://u:hunter2@as.test/a#f"),
			`profile: authorization_endpoint: "https://u:xxxxx@as.test/a#f" must not contain a fragment (RFC 6749 §3.1) (line 2)`},
		{"userinfo endpoint", minimal + "userinfo_endpoint: me\n", `profile: userinfo_endpoint: "me" is not an absolute URL (line 10)`},
		{"issuer query", minimal + "issuer: https://as.test/?a=b\n", "profile: issuer: must not contain a query or fragment (RFC 8414 §2) (line 10)"},
		{"issuer fragment", minimal + "issuer: https://as.test/#\n", "profile: issuer: must not contain a query or fragment (RFC 8414 §2) (line 10)"},
		{"discovery_url without issuer", minimal + "discovery_url: https://as.test/meta\n",
			"profile: discovery_url: needs issuer (the document's issuer is checked against it) (line 10)"},
		{"no implicit client", minimalWith("  implicit:", "  code_only:"), "profile: clients.implicit: required (a client allowed response_type=token)"},
		{"null implicit client", strings.Replace(minimal, "  implicit:\n    client_id: spa\n    redirect_uris: [https://app.test/cb]\n", "  implicit:\n", 1),
			"profile: clients.implicit: required (a client allowed response_type=token) (line 4)"},
		{"no client_id", minimalWith("client_id: spa", "client_id: ''"), "profile: clients.implicit.client_id: must not be empty (line 5)"},
		{"client_id not VSCHAR", minimalWith("client_id: spa", `client_id: "sp\u00e4"`),
			"profile: clients.implicit.client_id: only printable ASCII is allowed (RFC 6749 Appendix A.1) (line 5)"},
		{"no redirect URI", minimalWith("[https://app.test/cb]", "[]"), "profile: clients.implicit.redirect_uris: at least one URI required (line 6)"},
		{"relative redirect URI", minimalWith("[https://app.test/cb]", "[/cb]"),
			`profile: clients.implicit.redirect_uris[0]: "/cb" is not an absolute URI (RFC 6749 §3.1.2) (line 6)`},
		{"redirect URI fragment", minimalWith("[https://app.test/cb]", "['https://app.test/cb', 'https://app.test/cb#x']"),
			`profile: clients.implicit.redirect_uris[1]: "https://app.test/cb#x" must not contain a fragment (RFC 6749 §3.1.2) (line 6)`},
		{"duplicate redirect URI", minimalWith("[https://app.test/cb]", "[https://app.test/cb, https://app.test/cb]"),
			"profile: clients.implicit.redirect_uris[1]: duplicate of redirect_uris[0] (line 6)"},
		{"redirect URI without host", minimalWith("[https://app.test/cb]", "['http:/cb']"),
			`profile: clients.implicit.redirect_uris[0]: "http:/cb" has no host (line 6)`},
		{"scope double space", minimalWith("client_id: spa", "client_id: spa\n    scope: 'openid  profile'"),
			"profile: clients.implicit.scope: scope tokens are separated by exactly one space (RFC 6749 §3.3) (line 6)"},
		{"scope bad char", minimalWith("client_id: spa", "client_id: spa\n    scope: 'a\"b'"),
			`profile: clients.implicit.scope: scope token "a\"b" has a character outside RFC 6749 §3.3 (line 6)`},
		{"code_only same client", minimalWith("  implicit:", "  code_only: {client_id: spa, redirect_uris: [https://app.test/cb]}\n  implicit:"),
			"profile: clients.code_only.client_id: same as clients.implicit.client_id: the code-only client must be another client (line 4)"},
		{"no username", minimalWith("username: alice", "username: ''"), "profile: resource_owner.username: must not be empty (line 8)"},
		{"no password key", minimalWith("  password: ${PW}\n", ""), "profile: resource_owner.password: must not be empty"},
		{"ca_pem not PEM", minimal + "tls: {ca_pem: nope}\n", "profile: tls.ca_pem: no PEM certificate found (line 10)"},
		{"allowed origin with path", minimal + "allowed_origins: ['http://127.0.0.1:3900/login']\n",
			`profile: allowed_origins[0]: "http://127.0.0.1:3900/login" is not an origin (scheme://host[:port]) (line 10)`},
		{"allowed origin scheme", minimal + "allowed_origins: ['ftp://h']\n",
			`profile: allowed_origins[0]: "ftp://h": scheme must be http or https (line 10)`},
		{"allowed origin bare host", minimal + "allowed_origins: ['127.0.0.1:3900']\n",
			`profile: allowed_origins[0]: "127.0.0.1:3900" is not an origin (scheme://host[:port]) (line 10)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ge := getenv
			if tt.name == "unset variable" {
				ge = env(nil)
			}
			p, err := Parse([]byte(tt.yaml), "", ge)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", p)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Errorf("error is %T, want *Error", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks a password: %s", err)
			}
		})
	}
}

func TestAliasBomb(t *testing.T) {
	n := 400
	doc := "clients:\n  code_only: &m0 {client_id: a}\n" +
		"  two_uris: &m1 {<<: [" + strings.Repeat("*m0, ", n) + "*m0]}\n" +
		"  implicit: {<<: [" + strings.Repeat("*m1, ", n) + "*m1]}\n"
	_, err := Parse([]byte(doc), "", env(nil))
	want := "profile: clients.implicit.client_id: document too large (excessive aliasing?) (line 2)"
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v, want %s", err, want)
	}
}

func TestValidateClients(t *testing.T) {
	base := func() *Profile {
		return &Profile{
			Name:                  "t",
			AuthorizationEndpoint: "https://as.test/authorize",
			Clients:               Clients{Implicit: &Client{ClientID: "spa", RedirectURIs: []string{"https://app.test/cb"}}},
			ResourceOwner:         ResourceOwner{Username: "alice", Password: secret},
		}
	}
	tests := []struct {
		name   string
		modify func(p *Profile)
		want   string
	}{
		{"valid", func(*Profile) {}, ""},
		{"two_uris with one URI", func(p *Profile) {
			p.Clients.TwoURIs = &Client{ClientID: "two", RedirectURIs: []string{"https://app.test/cb"}}
		}, "profile: clients.two_uris.redirect_uris: at least 2 URIs required"},
		{"two_uris valid", func(p *Profile) {
			p.Clients.TwoURIs = &Client{ClientID: "two", RedirectURIs: []string{"https://app.test/cb", "https://app.test/cb2"}}
		}, ""},
		{"two_uris may be the implicit client", func(p *Profile) {
			p.Clients.Implicit.RedirectURIs = append(p.Clients.Implicit.RedirectURIs, "https://app.test/cb2")
			p.Clients.TwoURIs = p.Clients.Implicit
		}, ""},
		{"with_query valid", func(p *Profile) {
			p.Clients.WithQuery = &Client{ClientID: "q", RedirectURIs: []string{"https://app.test/cb?dummy1=lorem&dummy2=ipsum"}}
		}, ""},
		{"with_query without a query", func(p *Profile) {
			p.Clients.WithQuery = &Client{ClientID: "q", RedirectURIs: []string{"https://app.test/cb"}}
		}, `profile: clients.with_query.redirect_uris[0]: "https://app.test/cb" has no query: this client's first URI must be registered with one (RFC 6749 §3.1.2)`},
		{"native valid", func(p *Profile) {
			p.Clients.Native = &Client{ClientID: "n", RedirectURIs: []string{"http://127.0.0.1/cb"}}
		}, ""},
		{"native IPv6 valid", func(p *Profile) {
			p.Clients.Native = &Client{ClientID: "n", RedirectURIs: []string{"http://[::1]/cb"}}
		}, ""},
		{"native with a port", func(p *Profile) {
			p.Clients.Native = &Client{ClientID: "n", RedirectURIs: []string{"http://127.0.0.1:8080/cb"}}
		}, `profile: clients.native.redirect_uris[0]: "http://127.0.0.1:8080/cb" is not a loopback IP redirect URI without a port, like http://127.0.0.1/cb (RFC 8252 §7.3)`},
		{"native not loopback", func(p *Profile) {
			p.Clients.Native = &Client{ClientID: "n", RedirectURIs: []string{"https://app.test/cb"}}
		}, `profile: clients.native.redirect_uris[0]: "https://app.test/cb" is not a loopback IP redirect URI without a port, like http://127.0.0.1/cb (RFC 8252 §7.3)`},
		{"browser_client valid", func(p *Profile) {
			p.Clients.Browser = &Client{ClientID: "b", RedirectURIs: []string{"http://127.0.0.1:8765/cb"}}
		}, ""},
		{"browser_client IPv6 valid", func(p *Profile) {
			p.Clients.Browser = &Client{ClientID: "b", RedirectURIs: []string{"http://[::1]:8765/cb"}}
		}, ""},
		{"browser_client without a port", func(p *Profile) {
			p.Clients.Browser = &Client{ClientID: "b", RedirectURIs: []string{"http://127.0.0.1/cb"}}
		}, `profile: clients.browser_client.redirect_uris[0]: "http://127.0.0.1/cb" is not a loopback http URI with a port, like http://127.0.0.1:8765/cb: the harness serves the client's page there itself`},
		{"browser_client https", func(p *Profile) {
			p.Clients.Browser = &Client{ClientID: "b", RedirectURIs: []string{"https://127.0.0.1:8765/cb"}}
		}, `profile: clients.browser_client.redirect_uris[0]: "https://127.0.0.1:8765/cb" is not a loopback http URI with a port, like http://127.0.0.1:8765/cb: the harness serves the client's page there itself`},
		{"browser_client elsewhere", func(p *Profile) {
			p.Clients.Browser = &Client{ClientID: "b", RedirectURIs: []string{"http://app.test:8765/cb"}}
		}, `profile: clients.browser_client.redirect_uris[0]: "http://app.test:8765/cb" is not a loopback http URI with a port, like http://127.0.0.1:8765/cb: the harness serves the client's page there itself`},
		{"driver browser", func(p *Profile) { p.Interaction.Driver = "browser" }, ""},
		{"driver auto", func(p *Profile) { p.Interaction.Driver = "auto" }, ""},
		{"driver unknown", func(p *Profile) { p.Interaction.Driver = "selenium" },
			`profile: interaction.driver: "selenium" is not one of html, browser, auto`},
		{"code_only without URI", func(p *Profile) {
			p.Clients.CodeOnly = &Client{ClientID: "backend"}
		}, "profile: clients.code_only.redirect_uris: at least one URI required"},
		{"file named", func(p *Profile) { p.File = "x.yaml"; p.ResourceOwner.Username = "" },
			"profile x.yaml: resource_owner.username: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.modify(p)
			err := p.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	getenv := env(map[string]string{"A": "alpha", "EMPTY": "", "B_2": "beta", "DOLLAR": "$x"})
	tests := []struct {
		in, want, err string
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "alpha"},
		{in: "x${A}y${B_2}z", want: "xalphaybetaz"},
		{in: "${EMPTY}", want: ""},
		{in: "${EMPTY:-d}", want: "d"},
		{in: "${NOPE:-}", want: ""},
		{in: "${A:-d}", want: "alpha"},
		{in: "${NOPE:-a:-b}", want: "a:-b"},
		{in: "$$", want: "$"},
		{in: "$${A}", want: "${A}"},
		{in: "$$$${A}", want: "$${A}"},
		{in: "$$${A}", want: "$alpha"},
		{in: "${DOLLAR}", want: "$x"}, // values are not expanded again
		{in: "$A $", want: "$A $"},
		{in: "a$", want: "a$"},
		{in: "${NOPE}", err: "environment variable NOPE is not set"},
		{in: "${}", err: `invalid variable name in "${...}": use letters, digits and '_' (write "$$" for a literal "$")`},
		{in: "${1A}", err: `invalid variable name in "${...}": use letters, digits and '_' (write "$$" for a literal "$")`},
		{in: "${A", err: `unterminated "${" (write "$$" for a literal "$")`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := expand(tt.in, getenv)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("expand(%q) error = %v, want %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.yaml", minimal)
	bad := write("bad.yaml", minimal)
	missing := filepath.Join(dir, "missing.yaml")

	p, err := Load(good, env(map[string]string{"PW": secret}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if p.File != good || p.Dir != dir {
		t.Errorf("File, Dir = %q, %q; want %q, %q", p.File, p.Dir, good, dir)
	}

	tests := []struct {
		name, path, want string
	}{
		{"unset variable names the file", bad, "profile " + bad + ": resource_owner.password: environment variable PW is not set (line 9)"},
		{"missing file", missing, "profile " + missing + ": cannot read: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.path, env(nil))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Load error = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	p, err := Parse([]byte(minimal), "", env(map[string]string{"PW": secret}))
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("profile", "owner", p.ResourceOwner)
	jsonOut, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	yamlOut, err := yaml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", p),
		"%+v":  fmt.Sprintf("%+v", *p),
		"%#v":  fmt.Sprintf("%#v", *p),
		"%s":   fmt.Sprintf("%s", p.ResourceOwner),
		"%d":   fmt.Sprintf("%d", p.ResourceOwner),
		"%x":   fmt.Sprintf("%x", p.ResourceOwner),
		"%q":   fmt.Sprintf("%q", p.ResourceOwner),
		"slog": logBuf.String(),
		"json": string(jsonOut),
		"yaml": string(yamlOut),
	}
	for name, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", secret)) {
			t.Errorf("%s leaks the password: %s", name, out)
		}
		if !strings.Contains(out, Redaction) && name != "%v" {
			t.Errorf("%s does not show %s: %s", name, Redaction, out)
		}
	}
	if got := fmt.Sprintf("%+v", p.ResourceOwner); got != "{Username:alice Password:[redacted]}" {
		t.Errorf("%%+v = %s", got)
	}
	// The profile itself keeps the real password for the browser to type.
	if p.ResourceOwner.Password != secret {
		t.Errorf("password changed in place")
	}
}

func TestRedacted(t *testing.T) {
	p, err := Parse([]byte(minimal+"allowed_origins: [http://127.0.0.1:3900]\n"), "", env(map[string]string{"PW": secret}))
	if err != nil {
		t.Fatal(err)
	}
	p.Metadata = map[string]any{"issuer": "x"}
	r := p.Redacted()
	if r.ResourceOwner.Password != Redaction || r.ResourceOwner.Username != "alice" {
		t.Errorf("Redacted owner = %#v", r.ResourceOwner)
	}
	if p.ResourceOwner.Password != secret {
		t.Errorf("Redacted changed the original")
	}
	r.Clients.Implicit.RedirectURIs[0] = "changed"
	r.Clients.Implicit.ClientID = "changed"
	r.AllowedOrigins[0] = "changed"
	r.Metadata["issuer"] = "changed"
	if p.Clients.Implicit.RedirectURIs[0] != "https://app.test/cb" || p.Clients.Implicit.ClientID != "spa" ||
		p.AllowedOrigins[0] != "http://127.0.0.1:3900" || p.Metadata["issuer"] != "x" {
		t.Errorf("Redacted shares state with the original: %+v", p)
	}
	if (&Profile{}).Redacted().ResourceOwner.Password != "" {
		t.Errorf("an empty password must stay empty")
	}
	if (*Profile)(nil).Redacted() != nil {
		t.Errorf("nil.Redacted() != nil")
	}
}

func TestTargets(t *testing.T) {
	files, err := filepath.Glob("../../testdata/targets/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d target profiles, want at least 4: %v", len(files), files)
	}
	// Only IDP_PASSWORD is set: every other variable must have a default.
	getenv := env(map[string]string{"IDP_PASSWORD": secret})
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p, err := Load(file, getenv)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimSuffix(filepath.Base(file), ".yaml"); p.Name != want && p.Name != want+"-idp" {
				t.Errorf("name %q does not match the file name", p.Name)
			}
			if len(p.Origins()) == 0 {
				t.Errorf("no origins")
			}
			t.Logf("issuer %q, authorization_endpoint %q, origins %q", p.Issuer, p.AuthorizationEndpoint, p.Origins())
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// The password must come from the environment, not be written in the file.
			for _, line := range strings.Split(string(raw), "\n") {
				if k, v, ok := strings.Cut(strings.TrimSpace(line), "password:"); ok && k == "" && !strings.Contains(v, "${") {
					t.Errorf("password not taken from the environment: %q", line)
				}
			}
			if _, err := p.CertPool(); err != nil {
				t.Errorf("CertPool: %v", err)
			}
		})
	}
	t.Run("example.yaml without IDP_PASSWORD", func(t *testing.T) {
		_, err := Load("../../testdata/targets/example.yaml", env(nil))
		want := "profile ../../testdata/targets/example.yaml: resource_owner.password: environment variable IDP_PASSWORD is not set"
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error = %v, want prefix %s", err, want)
		}
	})
}

// FuzzParse: Parse never panics, and its errors are one line without the
// password (unless the input itself spells the password out), even when the
// password's variable is misused in another key.
func FuzzParse(f *testing.F) {
	const owner = "resource_owner: {username: alice, password: '${PW}'}\n"
	f.Add(strings.Replace(minimal, "resource_owner:\n  username: alice\n  password: ${PW}\n", "", 1))
	f.Add("name: 0\nauthorization_endpoint: ${PW}\n")
	f.Add("name: x\nissuer: ${PW}\nallowed_origins: ['${PW}']\n")
	f.Add("tls: {ca_pem: x}\nallowed_origins: [a]\n")
	f.Add("a: &x [*x]\n")
	f.Add("clients: {implicit: {<<: [{client_id: a}], redirect_uris: ['${PW}']}}\n")
	f.Add("? [a]\n: b\n")
	f.Add("\"0\\n0\": 0\n") // a quoted key with a line break, once printed as two lines
	getenv := env(map[string]string{"PW": secret})
	f.Fuzz(func(t *testing.T, text string) {
		text = owner + text
		p, err := Parse([]byte(text), "", getenv)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			if !strings.Contains(text, secret) && strings.Contains(err.Error(), secret) {
				t.Fatalf("error leaks the password: %s", err)
			}
			return
		}
		if p.Validate() != nil {
			t.Fatalf("Parse returned a profile that does not validate")
		}
	})
}
