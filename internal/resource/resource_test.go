package resource

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	const live = "live-token-0123456789"
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+live {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"sub":"alice","echo":"` + live + `","refresh_token":"rt-0123456789"}`))
	}))
	defer srv.Close()
	tests := []struct {
		token      string
		wantStatus int
		wantAuth   string
	}{
		{live, 200, ""},
		{"stale-token", 401, `Bearer error="invalid_token"`},
	}
	for _, tt := range tests {
		ans, err := Get(context.Background(), srv.Client(), srv.URL+"/userinfo", tt.token)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Status != tt.wantStatus || ans.WWWAuthenticate != tt.wantAuth {
			t.Errorf("token %q: got %d %q", tt.token, ans.Status, ans.WWWAuthenticate)
		}
		if strings.Contains(ans.BodyExcerpt, live) || strings.Contains(ans.BodyExcerpt, "rt-0123456789") {
			t.Errorf("excerpt shows the token: %s", ans.BodyExcerpt)
		}
	}
	srv.Close()
	if _, err := Get(context.Background(), srv.Client(), srv.URL+"/userinfo", live); err == nil || strings.Contains(err.Error(), live) {
		t.Errorf("closed server: err %v", err)
	}
}
