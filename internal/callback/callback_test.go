package callback

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func freeURI(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/cb"
}

func TestStartRefuses(t *testing.T) {
	for _, uri := range []string{"https://127.0.0.1:8765/cb", "http://127.0.0.1/cb", "http://192.0.2.1:8765/cb", "http://app.test:8765/cb", "::"} {
		if s, err := Start(uri); err == nil {
			s.Close()
			t.Errorf("Start(%q) served", uri)
		}
	}
}

// The log keeps what arrived, and Found finds a value wherever it is, as
// sent or encoded, and says where without quoting it.
func TestLogAndFound(t *testing.T) {
	uri := freeURI(t)
	s, err := Start(uri)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tok := "tok/en+1=="
	get := func(target, referer string) string {
		req, _ := http.NewRequest("GET", s.Origin()+target, nil)
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if body := get("/cb", ""); !strings.Contains(body, "window.__implicitspec") || !strings.Contains(body, "location.hash") {
		t.Fatalf("the page does not read the fragment: %s", body)
	}
	if got := Found(s.Log(), tok); len(got) != 0 {
		t.Fatalf("found the token before it was sent: %v", got)
	}
	tests := []struct {
		target, referer, where string
	}{
		{"/cb?access_token=tok%2Fen%2B1%3D%3D", "", "the request-target"},
		{"/cb?x=" + tok, "", "the request-target"},
		{pixelPath, "http://127.0.0.1/cb?access_token=tok%2Fen%2B1%3D%3D", "the Referer header"},
	}
	for _, tt := range tests {
		n := len(s.Log())
		get(tt.target, tt.referer)
		got := Found(s.Log()[n:], tok)
		if len(got) != 1 || !strings.Contains(got[0], tt.where) || strings.Contains(got[0], "en+1") {
			t.Errorf("GET %s (Referer %q): Found = %q, want one place in %s, unquoted", tt.target, tt.referer, got, tt.where)
		}
	}
	if got := Found(s.Log(), ""); len(got) != 0 {
		t.Errorf("an empty value was found: %v", got)
	}
}
