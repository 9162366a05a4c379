package profile

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMetadataURLs(t *testing.T) {
	tests := []struct {
		issuer, discovery string
		want              []string
	}{
		{issuer: "", want: nil},
		{issuer: "https://h", want: []string{
			"https://h/.well-known/oauth-authorization-server",
			"https://h/.well-known/openid-configuration"}},
		{issuer: "http://127.0.0.1:4444/", want: []string{
			"http://127.0.0.1:4444/.well-known/oauth-authorization-server",
			"http://127.0.0.1:4444/.well-known/openid-configuration"}},
		{issuer: "https://h/t", want: []string{
			"https://h/.well-known/oauth-authorization-server/t",
			"https://h/t/.well-known/openid-configuration"}},
		{issuer: "https://h:8443/tenant/a/", want: []string{
			"https://h:8443/.well-known/oauth-authorization-server/tenant/a",
			"https://h:8443/tenant/a/.well-known/openid-configuration"}},
		{issuer: "https://h/t%20x", want: []string{
			"https://h/.well-known/oauth-authorization-server/t%20x",
			"https://h/t%20x/.well-known/openid-configuration"}},
		{issuer: "http://127.0.0.1:8000/o", discovery: "http://127.0.0.1:8000/o/.well-known/openid-configuration/",
			want: []string{"http://127.0.0.1:8000/o/.well-known/openid-configuration/"}},
	}
	for _, tt := range tests {
		t.Run(tt.issuer, func(t *testing.T) {
			p := &Profile{Issuer: tt.issuer, DiscoveryURL: tt.discovery}
			if got := p.MetadataURLs(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("MetadataURLs() = %q, want %q", got, tt.want)
			}
		})
	}
}

// docServer serves metadata documents by path; "{issuer}" in a document is
// replaced by the server's issuer (its URL plus issuerPath).
type docServer struct {
	*httptest.Server
	issuer string
	hits   []string
}

func newDocServer(t *testing.T, issuerPath string, docs map[string]string) *docServer {
	t.Helper()
	ds := &docServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ds.hits = append(ds.hits, r.URL.Path)
		if r.Header.Get("Accept") != "application/json" {
			http.Error(w, "want Accept: application/json", http.StatusNotAcceptable)
			return
		}
		doc, ok := docs[r.URL.Path]
		switch {
		case !ok:
			http.NotFound(w, r)
		case strings.HasPrefix(doc, "redirect:"):
			http.Redirect(w, r, strings.TrimPrefix(doc, "redirect:"), http.StatusMovedPermanently)
		case strings.HasPrefix(doc, "status:"):
			http.Error(w, "boom", http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(strings.ReplaceAll(doc, "{issuer}", ds.issuer)))
		}
	})
	ds.Server = httptest.NewServer(mux)
	t.Cleanup(ds.Close)
	ds.issuer = ds.URL + issuerPath
	return ds
}

func TestDiscover(t *testing.T) {
	const (
		oauthDoc = `{"issuer":"{issuer}","authorization_endpoint":"{issuer}/oauth-authz","userinfo_endpoint":"{issuer}/oauth-ui"}`
		oidcDoc  = `{"issuer":"{issuer}","authorization_endpoint":"{issuer}/auth","userinfo_endpoint":"{issuer}/me"}`
	)
	tests := []struct {
		name       string
		issuerPath string
		docs       map[string]string
		configured func(p *Profile, issuer string) // sets endpoints before Discover
		discovery  string                          // discovery_url path
		noRedirect bool                            // hc does not follow redirects

		wantErr      string // substring; "" = no error
		wantAuthz    string // "{issuer}" replaced
		wantUserinfo string
		wantMetaPath string // path of MetadataURL; "" = Metadata nil
		wantDiscErr  string // substring of DiscoveryErr
		wantHits     []string
	}{
		{
			name:         "RFC 8414 first",
			docs:         map[string]string{"/.well-known/oauth-authorization-server": oauthDoc, "/.well-known/openid-configuration": oidcDoc},
			wantAuthz:    "{issuer}/oauth-authz",
			wantUserinfo: "{issuer}/oauth-ui",
			wantMetaPath: "/.well-known/oauth-authorization-server",
			wantHits:     []string{"/.well-known/oauth-authorization-server"},
		},
		{
			name:         "OIDC when RFC 8414 is absent",
			docs:         map[string]string{"/.well-known/openid-configuration": oidcDoc},
			wantAuthz:    "{issuer}/auth",
			wantUserinfo: "{issuer}/me",
			wantMetaPath: "/.well-known/openid-configuration",
			wantHits:     []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"},
		},
		{
			name:         "issuer with a path and a trailing slash",
			issuerPath:   "/tenant/",
			docs:         map[string]string{"/tenant/.well-known/openid-configuration": `{"issuer":"{issuer}","authorization_endpoint":"{issuer}auth"}`},
			wantAuthz:    "{issuer}auth",
			wantMetaPath: "/tenant/.well-known/openid-configuration",
			wantHits:     []string{"/.well-known/oauth-authorization-server/tenant", "/tenant/.well-known/openid-configuration"},
		},
		{
			name:         "RFC 8414 path insertion",
			issuerPath:   "/t",
			docs:         map[string]string{"/.well-known/oauth-authorization-server/t": oauthDoc},
			wantAuthz:    "{issuer}/oauth-authz",
			wantUserinfo: "{issuer}/oauth-ui",
			wantMetaPath: "/.well-known/oauth-authorization-server/t",
		},
		{
			name: "configured endpoints win",
			docs: map[string]string{"/.well-known/openid-configuration": oidcDoc},
			configured: func(p *Profile, issuer string) {
				p.AuthorizationEndpoint = issuer + "/mine"
			},
			wantAuthz:    "{issuer}/mine",
			wantUserinfo: "{issuer}/me",
			wantMetaPath: "/.well-known/openid-configuration",
		},
		{
			name: "issuer mismatch: document not used (RFC 8414 §3.3)",
			docs: map[string]string{
				"/.well-known/oauth-authorization-server": `{"issuer":"https://evil.test","authorization_endpoint":"https://evil.test/a"}`,
				"/.well-known/openid-configuration":       oidcDoc,
			},
			wantAuthz:    "{issuer}/auth",
			wantUserinfo: "{issuer}/me",
			wantMetaPath: "/.well-known/openid-configuration",
		},
		{
			name:    "nothing found, nothing configured",
			docs:    map[string]string{},
			wantErr: "issuer: discovery failed: {issuer}/.well-known/oauth-authorization-server: HTTP 404; {issuer}/.well-known/openid-configuration: HTTP 404",
		},
		{
			name: "nothing found, endpoint configured: tolerated",
			docs: map[string]string{"/.well-known/openid-configuration": "status:500"},
			configured: func(p *Profile, issuer string) {
				p.AuthorizationEndpoint = issuer + "/mine"
			},
			wantAuthz:   "{issuer}/mine",
			wantDiscErr: "openid-configuration: HTTP 500",
		},
		{
			name:    "not JSON",
			docs:    map[string]string{"/.well-known/openid-configuration": "<html>"},
			wantErr: "openid-configuration: not a JSON object",
		},
		{
			name:    "JSON but not an object",
			docs:    map[string]string{"/.well-known/openid-configuration": `["{issuer}"]`},
			wantErr: "openid-configuration: not a JSON object",
		},
		{
			name:    "no issuer in the document",
			docs:    map[string]string{"/.well-known/openid-configuration": `{"authorization_endpoint":"http://x/a"}`},
			wantErr: "openid-configuration: no issuer in the document",
		},
		{
			name:    "issuer mismatch everywhere",
			docs:    map[string]string{"/.well-known/openid-configuration": `{"issuer":"{issuer}/"}`},
			wantErr: `openid-configuration: issuer "{issuer}/" is not the configured issuer "{issuer}" (RFC 8414 §3.3)`,
		},
		{
			name:    "endpoint not a string",
			docs:    map[string]string{"/.well-known/openid-configuration": `{"issuer":"{issuer}","authorization_endpoint":42}`},
			wantErr: "openid-configuration: authorization_endpoint is not a string",
		},
		{
			name:         "document without authorization_endpoint",
			docs:         map[string]string{"/.well-known/openid-configuration": `{"issuer":"{issuer}"}`},
			wantErr:      "authorization_endpoint: not configured and not in the discovery document {issuer}/.well-known/openid-configuration",
			wantMetaPath: "/.well-known/openid-configuration",
		},
		{
			name:         "discovered endpoint with a fragment",
			docs:         map[string]string{"/.well-known/openid-configuration": `{"issuer":"{issuer}","authorization_endpoint":"{issuer}/a#f"}`},
			wantErr:      `authorization_endpoint: "{issuer}/a#f" must not contain a fragment (RFC 6749 §3.1) (from {issuer}/.well-known/openid-configuration)`,
			wantMetaPath: "/.well-known/openid-configuration",
		},
		{
			name:         "discovery_url only",
			issuerPath:   "/o",
			discovery:    "/o/.well-known/openid-configuration/",
			docs:         map[string]string{"/o/.well-known/openid-configuration/": `{"issuer":"{issuer}","authorization_endpoint":"{issuer}/authorize/"}`},
			wantAuthz:    "{issuer}/authorize/",
			wantMetaPath: "/o/.well-known/openid-configuration/",
			wantHits:     []string{"/o/.well-known/openid-configuration/"},
		},
		{
			name:       "redirect followed when hc follows",
			issuerPath: "/o",
			docs: map[string]string{
				"/o/.well-known/openid-configuration":  "redirect:/o/.well-known/openid-configuration/",
				"/o/.well-known/openid-configuration/": `{"issuer":"{issuer}","authorization_endpoint":"{issuer}/authorize/"}`,
			},
			wantAuthz:    "{issuer}/authorize/",
			wantMetaPath: "/o/.well-known/openid-configuration",
		},
		{
			name:       "redirect not followed when hc does not",
			issuerPath: "/o",
			noRedirect: true,
			docs: map[string]string{
				"/o/.well-known/openid-configuration": "redirect:/o/.well-known/openid-configuration/",
			},
			wantErr: `{issuer}/.well-known/openid-configuration: HTTP 301, redirect to "/o/.well-known/openid-configuration/" not followed (set discovery_url)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newDocServer(t, tt.issuerPath, tt.docs)
			fill := func(s string) string { return strings.ReplaceAll(s, "{issuer}", srv.issuer) }
			p := &Profile{Issuer: srv.issuer, File: "x.yaml"}
			if tt.discovery != "" {
				p.DiscoveryURL = srv.URL + tt.discovery
			}
			if tt.configured != nil {
				tt.configured(p, srv.issuer)
			}
			hc := &http.Client{Timeout: 5 * time.Second}
			if tt.noRedirect {
				hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			}
			err := p.Discover(context.Background(), hc)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Discover: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), fill(tt.wantErr))):
				t.Fatalf("Discover error = %v\nwant it to contain %s", err, fill(tt.wantErr))
			}
			if err != nil {
				var pe *Error
				if !errors.As(err, &pe) || pe.File != "x.yaml" {
					t.Errorf("error %v is not an *Error naming the file", err)
				}
			}
			if tt.wantErr == "" {
				if p.AuthorizationEndpoint != fill(tt.wantAuthz) {
					t.Errorf("AuthorizationEndpoint = %q, want %q", p.AuthorizationEndpoint, fill(tt.wantAuthz))
				}
				if p.UserinfoEndpoint != fill(tt.wantUserinfo) {
					t.Errorf("UserinfoEndpoint = %q, want %q", p.UserinfoEndpoint, fill(tt.wantUserinfo))
				}
			}
			if tt.wantMetaPath == "" {
				if p.Metadata != nil || p.MetadataURL != "" {
					t.Errorf("Metadata = %v from %q, want none", p.Metadata, p.MetadataURL)
				}
			} else {
				if want := srv.URL + tt.wantMetaPath; p.MetadataURL != want {
					t.Errorf("MetadataURL = %q, want %q", p.MetadataURL, want)
				}
				if p.Metadata["issuer"] != srv.issuer {
					t.Errorf("Metadata = %v", p.Metadata)
				}
			}
			if tt.wantDiscErr != "" {
				if p.DiscoveryErr == nil || !strings.Contains(p.DiscoveryErr.Error(), tt.wantDiscErr) {
					t.Errorf("DiscoveryErr = %v, want it to contain %q", p.DiscoveryErr, tt.wantDiscErr)
				}
			} else if p.DiscoveryErr != nil {
				t.Errorf("DiscoveryErr = %v", p.DiscoveryErr)
			}
			if tt.wantHits != nil && !reflect.DeepEqual(srv.hits, tt.wantHits) {
				t.Errorf("requests = %q, want %q", srv.hits, tt.wantHits)
			}
		})
	}
}

func TestDiscoverEdges(t *testing.T) {
	t.Run("no issuer: nothing to do", func(t *testing.T) {
		p := &Profile{AuthorizationEndpoint: "https://as.test/a"}
		if err := p.Discover(context.Background(), nil); err != nil || p.Metadata != nil {
			t.Errorf("Discover = %v, Metadata %v", err, p.Metadata)
		}
	})
	t.Run("unreachable server", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		issuer := srv.URL
		srv.Close()
		p := &Profile{Issuer: issuer}
		err := p.Discover(context.Background(), &http.Client{Timeout: 2 * time.Second})
		if err == nil || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("Discover = %v, want connection refused", err)
		}
	})
	t.Run("cancelled context is returned even with a configured endpoint", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		p := &Profile{Issuer: srv.URL, AuthorizationEndpoint: srv.URL + "/a"}
		if err := p.Discover(ctx, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("Discover = %v, want context.Canceled", err)
		}
	})
	t.Run("oversized document", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"issuer":"` + strings.Repeat("x", maxMetadataBytes) + `"}`))
		}))
		defer srv.Close()
		p := &Profile{Issuer: srv.URL}
		if err := p.Discover(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "too large") {
			t.Errorf("Discover = %v, want too large", err)
		}
	})
	t.Run("hc is not modified", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		hc := &http.Client{}
		p := &Profile{Issuer: srv.URL, AuthorizationEndpoint: srv.URL + "/a"}
		if err := p.Discover(context.Background(), hc); err != nil {
			t.Fatal(err)
		}
		if hc.Transport != nil || hc.CheckRedirect != nil || hc.Jar != nil {
			t.Errorf("Discover modified the caller's client: %+v", hc)
		}
	})
	t.Run("second call resets", func(t *testing.T) {
		srv := newDocServer(t, "", map[string]string{"/.well-known/openid-configuration": `{"issuer":"{issuer}","authorization_endpoint":"{issuer}/a"}`})
		p := &Profile{Issuer: srv.issuer}
		if err := p.Discover(context.Background(), nil); err != nil || p.Metadata == nil {
			t.Fatalf("first Discover = %v", err)
		}
		srv.Close()
		if err := p.Discover(context.Background(), nil); err != nil {
			t.Fatalf("second Discover = %v (endpoint was filled by the first)", err)
		}
		if p.Metadata != nil || p.DiscoveryErr == nil {
			t.Errorf("second Discover kept stale Metadata %v / DiscoveryErr %v", p.Metadata, p.DiscoveryErr)
		}
	})
}

// TestTLS trusts an httptest TLS server through ca_pem and through ca_file,
// and discovers over it.
func TestTLS(t *testing.T) {
	var issuer string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "authorization_endpoint": issuer + "/authorize"})
	}))
	defer srv.Close()
	issuer = srv.URL
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), []byte(caPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.pem"), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		tls     TLS
		wantErr string // substring of the CertPool or Discover error
	}{
		{name: "ca_pem", tls: TLS{CAPEM: caPEM}},
		{name: "ca_file relative to Dir", tls: TLS{CAFile: "ca.pem"}},
		{name: "ca_file absolute", tls: TLS{CAFile: filepath.Join(dir, "ca.pem")}},
		{name: "insecure_skip_verify", tls: TLS{InsecureSkipVerify: true}},
		{name: "untrusted", wantErr: "certificate"},
		{name: "missing ca_file", tls: TLS{CAFile: "nope.pem"}, wantErr: "profile p.yaml: tls.ca_file: cannot read " + filepath.Join(dir, "nope.pem") + ": no such file or directory"},
		{name: "ca_file without PEM", tls: TLS{CAFile: "junk.pem"}, wantErr: "profile p.yaml: tls.ca_file: no PEM certificate found in " + filepath.Join(dir, "junk.pem")},
		{name: "ca_pem without PEM", tls: TLS{CAPEM: "junk"}, wantErr: "profile p.yaml: tls.ca_pem: no PEM certificate found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Profile{Issuer: issuer, TLS: tt.tls, Dir: dir, File: "p.yaml"}
			cfg, err := p.TLSConfig()
			if err == nil {
				if cfg.MinVersion == 0 || cfg.InsecureSkipVerify != tt.tls.InsecureSkipVerify {
					t.Errorf("TLSConfig = %+v", cfg)
				}
				hc := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 5 * time.Second}
				err = p.Discover(context.Background(), hc)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				if p.AuthorizationEndpoint != issuer+"/authorize" {
					t.Errorf("AuthorizationEndpoint = %q", p.AuthorizationEndpoint)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestOrigin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://h/x", "https://h"},
		{"https://H:443/x", "https://h"},
		{"HTTPS://h:8443", "https://h:8443"},
		{"http://127.0.0.1:80/", "http://127.0.0.1"},
		{"http://127.0.0.1:4444/oauth2/auth", "http://127.0.0.1:4444"},
		{"http://127.0.0.1:443/", "http://127.0.0.1:443"},
		{"https://[::1]:443/", "https://[::1]"},
		{"https://[::1]:8443/", "https://[::1]:8443"},
		{"https://u:p@h/", "https://h"},
		{"/relative", ""},
		{"com.example.app:/cb", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := Origin(u); got != tt.want {
				t.Errorf("Origin(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if Origin(nil) != "" {
		t.Errorf("Origin(nil) != \"\"")
	}
}

func TestOrigins(t *testing.T) {
	p := &Profile{
		AuthorizationEndpoint: "http://127.0.0.1:4444/oauth2/auth",
		Issuer:                "http://127.0.0.1:4444/",
		UserinfoEndpoint:      "https://api.test:443/userinfo",
		AllowedOrigins:        []string{"http://127.0.0.1:3900", "HTTP://127.0.0.1:3900/", "https://api.test"},
		Clients:               Clients{Implicit: &Client{RedirectURIs: []string{"http://127.0.0.1:9999/callback"}}},
	}
	want := []string{"http://127.0.0.1:4444", "https://api.test", "http://127.0.0.1:3900"}
	if got := p.Origins(); !reflect.DeepEqual(got, want) {
		t.Errorf("Origins() = %q, want %q", got, want)
	}
	tests := []struct {
		in   string
		want bool
	}{
		{"http://127.0.0.1:4444/oauth2/auth?x", true},
		{"http://127.0.0.1:3900/login", true},
		{"https://api.test:443/x", true},
		{"http://127.0.0.1:9999/callback#access_token=x", false}, // the client's redirect URI
		{"http://127.0.0.1:4445/admin", false},
		{"/relative", false},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.in)
		if got := p.AllowsOrigin(u); got != tt.want {
			t.Errorf("AllowsOrigin(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
