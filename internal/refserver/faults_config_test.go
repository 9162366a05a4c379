package refserver

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/idtoken"
)

func TestFaultReach(t *testing.T) {
	t.Parallel()
	for f := range faultReaches {
		if _, ok := LookupFault(string(f)); !ok {
			t.Errorf("faultReaches names %q, which is not a fault", f)
		}
	}
	info := map[Fault]FaultInfo{}
	for _, fi := range Faults() {
		info[fi.Fault] = fi
		if fi.Reach != faultReaches[fi.Fault] {
			t.Errorf("%s: Reach %q, want %q", fi.Fault, fi.Reach, faultReaches[fi.Fault])
		}
	}
	configs := [][]string{nil, oidcOnly, idTokenOnly, {"token"}, {"token id_token"}}
	for _, tc := range []struct {
		fault Fault
		want  []bool // AppliesTo for each of configs
	}{
		{FaultDropStateOnSuccess, []bool{true, true, true, true, true}},
		{FaultEmptyAccessToken, []bool{true, true, false, true, true}},
		{FaultTokenRedirectCacheable, []bool{true, true, false, true, true}},
		{FaultCodeAdded, []bool{true, false, false, true, false}},
		{FaultMetadataOmitsToken, []bool{true, false, false, true, false}},
		{FaultResponseTypeCaseInsensitive, []bool{true, false, false, true, false}},
		{FaultCompositeOrderSensitive, []bool{true, true, false, false, true}},
		{FaultOIDCNonceNotEchoed, []bool{true, true, true, false, true}},
		{FaultOIDCAtHashMissing, []bool{true, true, false, false, true}},
		{FaultOIDCAccessTokenForIDToken, []bool{true, true, true, false, false}},
		{FaultLegacyTLS, []bool{true, true, true, true, true}},
	} {
		for i, offer := range configs {
			if got := info[tc.fault].AppliesTo(offer); got != tc.want[i] {
				t.Errorf("%s.AppliesTo(%q) = %v, want %v", tc.fault, offer, got, tc.want[i])
			}
		}
	}
}

// TestFaultsNotApplying: every fault that does not apply to a configuration
// (AppliesTo false) leaves the server conformant there, so that a fault
// matrix run in that configuration may expect it to break nothing.
func TestFaultsNotApplying(t *testing.T) {
	t.Parallel()
	for _, offer := range [][]string{oidcOnly, idTokenOnly, {"token"}} {
		for _, fi := range Faults() {
			if fi.AppliesTo(offer) {
				continue
			}
			t.Run(strings.Join(offer, "|")+"/"+string(fi.Fault), func(t *testing.T) {
				t.Parallel()
				wantConformantIn(t, startConfigured(t, Config{ResponseTypes: offer}, fi.Fault), offer)
			})
		}
	}
}

// wantConformantIn probes what the faults that do not apply could change:
// the metadata, each type offered or not, unknown and reordered types, a
// denial.
func wantConformantIn(t *testing.T, srv *Server, offer []string) {
	t.Helper()
	var listedTypes []string
	for _, v := range metadataOf(t, srv)["response_types_supported"].([]any) {
		listedTypes = append(listedTypes, v.(string))
	}
	if !slices.Equal(listedTypes, offer) {
		t.Errorf("response_types_supported %q, want %q", listedTypes, offer)
	}
	for _, rt := range implicitTypes() {
		resp := flowOrRefusal(t, srv, rt)
		switch {
		case !slices.Contains(offer, rt):
			wantErrorRedirect(t, resp, "unsupported_response_type", "xyz")
		case rt == "token":
			wantConformantSuccess(t, srv, resp, "xyz")
		default:
			wantConformantOIDCRedirect(t, srv, resp, rt)
		}
	}
	for _, rt := range []string{"TOKEN", "tokenx"} {
		wantErrorRedirect(t, newBrowser(t, srv).authorize(query("response_type", rt, "client_id", "spa", "redirect_uri", r1, "state", "xyz")),
			"unsupported_response_type", "xyz")
	}
	if slices.Contains(offer, "id_token token") {
		wantConformantOIDCRedirect(t, srv, flow(t, srv, oidcQuery("token id_token"), "allow"), "id_token token")
	}
	wantErrorRedirect(t, flow(t, srv, requestOf(offer[0]), "deny"), "access_denied", "xyz")
}

// TestFlowFaultsFollowPrimary: in an OpenID-Connect-only configuration the
// flow faults break the id_token token response (the primary type) and leave
// id_token alone; with the default options the same faults leave every
// OpenID Connect response as it was.
func TestFlowFaultsFollowPrimary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fault    Fault
		decision string
		broken   func(t *testing.T, r response) // r: the id_token token response in the OIDC-only server
	}{
		{FaultDropStateOnSuccess, "allow", func(t *testing.T, r response) {
			if _, frag, _ := splitLocation(t, r.location); frag.Has("state") || frag.Get("id_token") == "" {
				t.Errorf("fragment %v: want an ID token and no state", frag)
			}
		}},
		{FaultResponseInQuery, "allow", func(t *testing.T, r response) {
			if !strings.HasPrefix(r.location, r1+"?access_token=") || !strings.Contains(r.location, "&id_token=") || strings.Contains(r.location, "#") {
				t.Errorf("Location %q: want the response in the query", r.location)
			}
		}},
		{FaultRedirectURIRewritten, "allow", func(t *testing.T, r response) {
			if !strings.HasPrefix(r.location, r1+"/#access_token=") {
				t.Errorf("Location %q: want %s/#...", r.location, r1)
			}
		}},
		{FaultTokenRedirectCacheable, "allow", func(t *testing.T, r response) {
			if cc := r.header.Get("Cache-Control"); cc != "private, max-age=300" {
				t.Errorf("Cache-Control %q, want private, max-age=300", cc)
			}
		}},
		{FaultEmptyAccessToken, "allow", func(t *testing.T, r response) {
			tok, frag := idTokenOf(t, r)
			want, _ := idtoken.AtHash("ES256", "")
			if !frag.Has("access_token") || frag.Get("access_token") != "" || tok.Claims.AtHash == nil || *tok.Claims.AtHash != want {
				t.Errorf("fragment %v at_hash %v: want an empty access token and the at_hash of what was sent", frag, tok.Claims.AtHash)
			}
		}},
		{FaultDenyWrongError, "deny", func(t *testing.T, r response) {
			wantErrorRedirect(t, r, "server_error", "xyz")
		}},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			t.Parallel()
			srv := startConfigured(t, Config{ResponseTypes: oidcOnly}, tc.fault)
			tc.broken(t, flow(t, srv, oidcQuery("id_token token"), tc.decision))
			if tc.decision == "allow" {
				// Not the primary type: untouched.
				wantConformantOIDCRedirect(t, srv, flow(t, srv, oidcQuery("id_token"), "allow"), "id_token")
			}
			// The default configuration: token is primary, OpenID Connect
			// responses are as without the fault (a denial, as ever, is
			// broken for every type).
			def := startServer(t, tc.fault)
			if tc.decision == "allow" {
				wantConformantOIDCRedirect(t, def, flow(t, def, oidcQuery("id_token token"), "allow"), "id_token token")
			} else {
				tc.broken(t, flow(t, def, oidcQuery("id_token token"), "deny"))
			}
		})
	}
}

// TestRequestFaultsFollowPrimary: the faults that read a request as a type
// read it as the primary one in an OpenID-Connect-only configuration.
func TestRequestFaultsFollowPrimary(t *testing.T) {
	t.Parallel()
	cfg := Config{ResponseTypes: oidcOnly}
	oidcWith := func(rt string) string {
		return query("response_type", rt, "client_id", "spa", "redirect_uri", r1, "scope", "openid read", "state", "xyz", "nonce", testNonce)
	}
	t.Run("unknown tokenx read as id_token token", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, cfg, FaultUnknownResponseTypeToken)
		wantConformantIDToken(t, srv, flow(t, srv, oidcWith("tokenx"), "allow"), "id_token token")
		// TOKEN is not read as anything the server offers.
		wantErrorRedirect(t, newBrowser(t, srv).authorize(oidcWith("TOKEN")), "unsupported_response_type", "xyz")
	})
	t.Run("missing response_type read as id_token token", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, cfg, FaultMissingResponseTypeAsToken)
		q := query("client_id", "spa", "redirect_uri", r1, "scope", "openid read", "state", "xyz", "nonce", testNonce)
		wantConformantIDToken(t, srv, flow(t, srv, q, "allow"), "id_token token")
	})
	t.Run("token id_token refused", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, cfg, FaultCompositeOrderSensitive)
		wantErrorRedirect(t, newBrowser(t, srv).authorize(oidcWith("token id_token")), "unsupported_response_type", "xyz")
	})
	t.Run("id_token alone is primary", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{ResponseTypes: idTokenOnly}, FaultDropStateOnSuccess)
		if _, frag := idTokenOf(t, flow(t, srv, oidcQuery("id_token"), "allow")); frag.Has("state") {
			t.Errorf("fragment %v: want no state", frag)
		}
	})
	t.Run("OIDC faults before the type check spare types not offered", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{ResponseTypes: []string{"token"}}, FaultOIDCHTTPRedirectURI)
		q := strings.Replace(oidcQuery("id_token token"), "https%3A%2F%2F", "http%3A%2F%2F", 1)
		if r := newBrowser(t, srv).authorize(q); r.status != http.StatusBadRequest || r.location != "" {
			t.Errorf("%d %q: want the no-redirect page", r.status, r.location)
		}
	})
}
