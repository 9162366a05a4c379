package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "chromium-browser")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, env, path string
		want            string // the path found, or a word of the error
		fails           bool
	}{
		{name: "the variable wins", env: fake, path: "", want: fake},
		{name: "the variable names nothing", env: filepath.Join(dir, "nope"), path: dir, want: EnvChromium, fails: true},
		{name: "on PATH", path: dir, want: fake},
		{name: "nowhere", path: t.TempDir(), want: "chromium, chromium-browser, google-chrome", fails: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvChromium, tc.env)
			t.Setenv("PATH", tc.path)
			got, err := Find()
			switch {
			case tc.fails && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Find() = %q, %v; want an error naming %q", got, err, tc.want)
			case !tc.fails && (err != nil || got != tc.want):
				t.Errorf("Find() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestBypass(t *testing.T) {
	cases := []struct {
		passthrough []string
		want        string
	}{
		{nil, "<-loopback>"},
		{[]string{"http://127.0.0.1:8080"}, "<-loopback>;127.0.0.1:8080"},
		{[]string{"http://LOCALHOST"}, "<-loopback>;localhost:80"},
		{[]string{"not a url", ""}, "<-loopback>"},
	}
	for _, tc := range cases {
		if got := bypass(origins(tc.passthrough)); got != tc.want {
			t.Errorf("bypass(%q) = %q, want %q", tc.passthrough, got, tc.want)
		}
	}
}
