package refserver

import (
	"slices"
	"strings"
	"testing"
)

// TestSecrets: every secret a flow hands out is listed, once.
func TestSecrets(t *testing.T) {
	// The flow faults act on the primary type: offer id_token token only.
	srv, err := Start(Options{Faults: []Fault{FaultRefreshTokenIssued}, Config: Config{ResponseTypes: []string{ResponseTypeIDTokenToken}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if got := srv.Secrets(); len(got) != 1 || got[0] != srv.password {
		t.Fatalf("before any request: %d secrets, want the password alone", len(got))
	}
	resp := flow(t, srv, query("response_type", "id_token token", "client_id", "spa", "redirect_uri", r1,
		"scope", "openid read", "state", "s1", "nonce", "n1"), "allow")
	_, frag, _ := splitLocation(t, resp.location)
	got := srv.Secrets()
	for _, name := range []string{"access_token", "id_token", "refresh_token"} {
		if v := frag.Get(name); v == "" || !slices.Contains(got, v) {
			t.Errorf("%s %q is not listed", name, v)
		}
	}
	// password, browser cookie, session cookie, access token, ID token, refresh token
	if len(got) != 6 {
		t.Errorf("%d secrets, want 6: %q", len(got), got)
	}
	if strings.Count(strings.Join(got, "\n"), srv.password) != 1 {
		t.Errorf("the password is listed more than once")
	}
}
