package idtoken

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFetchUserinfo(t *testing.T) {
	const live = "live-token-0123456789"
	enc := base64.RawURLEncoding.EncodeToString
	jwt := enc([]byte(`{"alg":"ES256"}`)) + "." + enc([]byte(`{"sub":"alice-jwt"}`)) + ".c2ln"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+live {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"name":"Alice","sub":"alice"}`))
		case "/jwt":
			w.Header().Set("Content-Type", "application/jwt")
			_, _ = w.Write([]byte(jwt))
		case "/nosub":
			_, _ = w.Write([]byte(`{"sub":5}`))
		default:
			_, _ = w.Write([]byte(`<html>`))
		}
	}))
	defer srv.Close()
	cases := []struct {
		path, token string
		want        Userinfo
		wantErr     string
	}{
		{"/json", live, Userinfo{Status: 200, Sub: "alice", HasSub: true}, ""},
		{"/jwt", live, Userinfo{Status: 200, Sub: "alice-jwt", HasSub: true}, ""},
		{"/nosub", live, Userinfo{Status: 200}, ""},
		{"/json", "other", Userinfo{Status: 401}, ""},
		{"/html", live, Userinfo{}, "not a JSON object"},
	}
	for _, c := range cases {
		t.Run(c.path+" "+c.token, func(t *testing.T) {
			got, err := FetchUserinfo(context.Background(), srv.Client(), srv.URL+c.path, c.token)
			switch {
			case c.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Errorf("err %v, want %q", err, c.wantErr)
				}
			case err != nil:
				t.Errorf("err %v", err)
			case *got != c.want:
				t.Errorf("got %+v, want %+v", *got, c.want)
			}
		})
	}
	_, err := FetchUserinfo(context.Background(), srv.Client(), "http://127.0.0.1:1/x", live)
	var te *TransportError
	if !errors.As(err, &te) || strings.Contains(err.Error(), live) {
		t.Errorf("unreachable: %v", err)
	}
}
