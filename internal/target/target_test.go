package target

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
)

func TestResponseTypeWords(t *testing.T) {
	tests := []struct {
		rt                string
		oidc, accessToken bool
		credential        string
	}{
		{Token, false, true, "access_token"},
		{IDTokenToken, true, true, "access_token"},
		{"token id_token", true, true, "access_token"},
		{IDToken, true, false, "id_token"},
		{"tokenx", false, false, "access_token"},
		{"", false, false, "access_token"},
	}
	for _, tt := range tests {
		if got := IsOpenIDConnect(tt.rt); got != tt.oidc {
			t.Errorf("IsOpenIDConnect(%q) = %v", tt.rt, got)
		}
		if got := IssuesAccessToken(tt.rt); got != tt.accessToken {
			t.Errorf("IssuesAccessToken(%q) = %v", tt.rt, got)
		}
		if got := Credential(tt.rt); got != tt.credential {
			t.Errorf("Credential(%q) = %q, want %q", tt.rt, got, tt.credential)
		}
	}
}

func TestWithOpenID(t *testing.T) {
	for in, want := range map[string]string{"": "openid", "read": "openid read", "profile openid": "profile openid", "openidx": "openid openidx"} {
		if got := WithOpenID(in); got != want {
			t.Errorf("WithOpenID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOffers(t *testing.T) {
	meta := profile.Metadata{"response_types_supported": []any{"code", "token id_token", "none"}}
	tests := []struct {
		name          string
		responseTypes []string
		metadata      profile.Metadata
		probes        map[string]Probe
		ask           string
		wantWhy       string // "" = offered
	}{
		{"listed, other word order", nil, meta, nil, "id_token token", ""},
		{"not listed", nil, meta, nil, "id_token", `response_type "id_token" is not offered (response_types_supported of https://as.test/.well-known/openid-configuration: code, token id_token, none)`},
		{"the profile wins over the metadata", []string{"id_token"}, meta, nil, "id_token token", "the target profile's response_types: id_token"},
		{"nothing lists anything", nil, nil, nil, "id_token", "neither the target profile's response_types nor a discovery document lists it"},
		{"a probe that was served decides", nil, nil, map[string]Probe{IDToken: {OK: true}}, "id_token", ""},
		{"a listed type whose probe was refused is not offered", nil, meta,
			map[string]Probe{IDTokenToken: {Describe: "stopped on https://as.test/auth (HTTP 400)"}}, "token id_token",
			`the baseline request for it stopped on https://as.test/auth (HTTP 400)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := &Target{Profile: &profile.Profile{ResponseTypes: tt.responseTypes, Metadata: tt.metadata,
				MetadataURL: "https://as.test/.well-known/openid-configuration"}, probes: tt.probes}
			ok, why := tg.Offers(tt.ask)
			switch {
			case tt.wantWhy == "" && !ok:
				t.Errorf("not offered: %s", why)
			case tt.wantWhy != "" && (ok || !strings.Contains(why, tt.wantWhy)):
				t.Errorf("offered=%v, reason %q, want it to contain %q", ok, why, tt.wantWhy)
			}
		})
	}
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		name string
		list []string
		want string
		exp  []string
	}{
		{"no list: all three, in order", nil, "", Implicit()},
		{"the listed implicit types, in order of preference", []string{"id_token", "code", "token id_token"}, "", []string{IDTokenToken, IDToken}},
		{"a list without implicit types: find out", []string{"code"}, "", Implicit()},
		{"all", []string{"token"}, All, []string{Token}},
		{"forced", []string{"token"}, IDToken, []string{IDToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := &Target{Profile: &profile.Profile{ResponseTypes: tt.list}}
			if got := tg.candidates(tt.want); strings.Join(got, ",") != strings.Join(tt.exp, ",") {
				t.Errorf("candidates = %q, want %q", got, tt.exp)
			}
		})
	}
}

func TestPlainHTTPWarnings(t *testing.T) {
	tests := []struct {
		endpoint string
		warn     bool
	}{
		{"http://127.0.0.1:4444/oauth2/auth", false},
		{"http://localhost/auth", false},
		{"https://idp.example.com/auth", false},
		{"http://idp.example.com/auth", true},
	}
	for _, tt := range tests {
		got := plainHTTPWarnings(&profile.Profile{AuthorizationEndpoint: tt.endpoint})
		if (len(got) > 0) != tt.warn {
			t.Errorf("%s: warnings %q, want a warning: %v", tt.endpoint, got, tt.warn)
		}
	}
}

// reference starts the embedded server and returns a target for it, its
// profile edited by edit.
func reference(t *testing.T, opts refserver.Options, edit func(string) string) *Target {
	t.Helper()
	srv, err := refserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p, err := profile.Parse([]byte(edit(string(srv.ProfileYAML()))), "", os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := New(context.Background(), p, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func same(s string) string { return s }

func TestPreflightChoosesAndProves(t *testing.T) {
	tg := reference(t, refserver.Options{}, same)
	if err := tg.Preflight(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if tg.ResponseType != Token || strings.Join(tg.Offered(), ",") != "token,id_token token,id_token" {
		t.Errorf("response type %q, offered %q", tg.ResponseType, tg.Offered())
	}
	// The preflight's probe is the implicit client's control: no new flow.
	c := tg.Profile.Clients.Implicit
	p, err := tg.Control(context.Background(), c, c.RedirectURIs[0], Token)
	if err != nil || !p.OK || len(p.Evidence.Exchanges) == 0 {
		t.Errorf("control: %+v, %v", p, err)
	}
	// The code-only client's control is refused (it may not use the grant).
	co := tg.Profile.Clients.CodeOnly
	p, err = tg.Control(context.Background(), co, co.RedirectURIs[0], Token)
	if err != nil || p.OK || !strings.Contains(p.Describe, "unauthorized_client") {
		t.Errorf("code-only control: %+v, %v", p, err)
	}
}

func TestPreflightNamesTheProfileMistake(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want []string
	}{
		{"mistyped client_id", func(y string) string { return strings.Replace(y, "client_id: spa\n", "client_id: spa-typo\n", 1) },
			[]string{`clients.implicit.client_id ("spa-typo")`, "HTTP 400", "is not registered"}},
		{"unregistered redirect URI", func(y string) string {
			return strings.Replace(y, "redirect_uris: [https://client.example.com/cb]", "redirect_uris: [https://client.example.com/other]", 1)
		}, []string{"clients.implicit.redirect_uris", "HTTP 400", "not registered for this client"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := reference(t, refserver.Options{}, tt.edit)
			err := tg.Preflight(context.Background(), "")
			var be *BaselineError
			if !errors.As(err, &be) {
				t.Fatalf("err = %v, want a *BaselineError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%s", w, err)
				}
			}
		})
	}
}
