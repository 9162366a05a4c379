package redact

import (
	"net/http"
	"strings"
	"testing"
)

func TestParams(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://c.test/cb#access_token=abc.def&token_type=Bearer&state=s",
			"https://c.test/cb#access_token=[redacted]&token_type=Bearer&state=s"},
		{"https://c.test/cb?code=xyz&state=s", "https://c.test/cb?code=[redacted]&state=s"},
		{"username=alice&password=hunter2&csrf=1", "username=alice&password=[redacted]&csrf=1"},
		{"redirected to https://c.test/cb#id_token=a.b.c by HTTP 303", "redirected to https://c.test/cb#id_token=[redacted] by HTTP 303"},
		{"no secrets: a=b&c=d", "no secrets: a=b&c=d"},
		{"access_token=", "access_token="},
	}
	for _, tt := range tests {
		if got := Params(tt.in); got != tt.want {
			t.Errorf("Params(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactor(t *testing.T) {
	r := New("S3cret pass", "x")
	got := r.String(`login failed for "S3cret pass" (S3cret+pass, S3cret%20pass) x`)
	if strings.Contains(got, "S3cret") {
		t.Errorf("secret left in %q", got)
	}
	if !strings.HasSuffix(got, " x") {
		t.Errorf("short literal masked: %q", got)
	}
	h := r.Header(http.Header{"Set-Cookie": {"sid=1"}, "Location": {"/cb#access_token=t1"}, "Content-Type": {"text/html"}})
	if h.Get("Set-Cookie") != Mask || h.Get("Location") != "/cb#access_token="+Mask || h.Get("Content-Type") != "text/html" {
		t.Errorf("Header: %v", h)
	}
}
