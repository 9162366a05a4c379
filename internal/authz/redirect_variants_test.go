package authz

import (
	"errors"
	"testing"
)

func TestRedirectVariant(t *testing.T) {
	const r1 = "https://client.example.com/cb"
	tests := []struct{ registered, change, want string }{
		{r1, "a suffix on the last path segment", "https://client.example.com/cbx"},
		{r1, "a further path segment", "https://client.example.com/cb/x"},
		{r1, "a trailing slash added", "https://client.example.com/cb/"},
		{"https://client.example.com/app/", "its trailing slash removed", "https://client.example.com/app"},
		{r1, "the host in upper case", "https://CLIENT.example.com/cb"},
		{r1, "the path in upper case", "https://client.example.com/CB"},
		{r1, "another port", "https://client.example.com:8443/cb"},
		{r1, "the default port written out", "https://client.example.com:443/cb"},
		{r1, "http instead of https", "http://client.example.com/cb"},
		{r1, "an added query", "https://client.example.com/cb?foo=bar"},
		{r1 + "?dummy1=lorem&dummy2=ipsum", "another value in its registered query", r1 + "?dummy1=lorem&dummy2=ipsumx"},
		{r1 + "?dummy1=lorem&dummy2=ipsum", "its registered query parameters reordered", r1 + "?dummy2=ipsum&dummy1=lorem"},
		{r1 + "?a=1", "an added query", r1 + "?a=1&foo=bar"},
		{r1, "a fragment", r1 + "#frag"},
		{r1, "its host as userinfo before evil.example", "https://client.example.com@evil.example/cb"},
		{r1, "evil.example as userinfo before its host", "https://evil.example@client.example.com/cb"},
		{r1, "its host followed by an encoded @ and evil.example", "https://client.example.com%40evil.example/cb"},
		{r1, "a dot-segment climbing out of the path", r1 + "/../evil"},
		{r1, "a dot-segment with an encoded slash", r1 + "/..%2Fevil"},
		{r1, "a dot-segment with encoded dots", r1 + "/%2e%2e/evil"},
		{r1, "a dot-segment with a semicolon", r1 + "/..;/evil"},
		{r1, "a dot-segment resolving to the same path", r1 + "/x/.."},
		{r1, "a subdomain of its host", "https://evil.client.example.com/cb"},
		{r1, "evil.example appended to its host", "https://client.example.com.evil.example/cb"},
		{r1, "characters appended to its host", "https://client.example.comx.example/cb"},
		{r1, "characters prepended to its host", "https://xclient.example.com/cb"},
		{r1, "an unreserved character percent-encoded", "https://client.example.com/c%62"},
		{r1, "the slash before the path percent-encoded", "https://client.example.com%2Fcb"},
		{r1, "a double-encoded character", "https://client.example.com/c%2562"},
		{"https://client.example.com/caf%C3%A9", "the hex digits of its percent-encoding in other case", "https://client.example.com/caf%c3%a9"},
		{"https://client.example.com/x?q=%2f", "the hex digits of its percent-encoding in other case", "https://client.example.com/x?q=%2F"},
		{r1, "a backslash and evil.example after its host", `https://client.example.com\@evil.example/cb`},
		{r1, "a TAB at the end", r1 + "\t"},
		{r1, "a line break in the path", "https://client.example.com/c\r\nb"},
		{r1, "a space in the path", "https://client.example.com/c b"},
		{r1, "a trailing dot on its host", "https://client.example.com./cb"},
		{r1, "a nested redirect_uri to evil.example in the query", r1 + "?redirect_uri=https://evil.example"},
		{"http://127.0.0.1/cb", "a port", "http://127.0.0.1:51004/cb"},
		{"http://127.0.0.1/cb", "a port and another path", "http://127.0.0.1:51004/cb/other"},
		{"http://127.0.0.1/cb", "a port and https instead of http", "https://127.0.0.1:51004/cb"},
		{"http://127.0.0.1/cb", "a port and 127.0.0.2 as host", "http://127.0.0.2:51004/cb"},
		{"http://127.0.0.1/cb", "a port and localhost as host", "http://localhost:51004/cb"},
		{"http://[::1]/cb", "a port", "http://[::1]:51004/cb"},
		{"http://127.0.0.1:9999/callback", "another value in its registered query", ""},
		{"http://127.0.0.1:9999/callback", "a further path segment", "http://127.0.0.1:9999/callback/x"},
		{"http://127.0.0.1:9999/callback", "its host as userinfo before evil.example", "http://127.0.0.1:9999@evil.example/callback"},
	}
	for _, tt := range tests {
		got, err := RedirectVariant(tt.registered, tt.change)
		if tt.want == "" {
			var na *NotApplicable
			if !errors.As(err, &na) {
				t.Errorf("%s of %q: got %q, %v; want NotApplicable", tt.change, tt.registered, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s of %q: got %q, %v; want %q", tt.change, tt.registered, got, err, tt.want)
		}
	}
}

func TestRedirectVariantNotApplicable(t *testing.T) {
	for _, tt := range []struct{ registered, change string }{
		{"http://127.0.0.1:9999/callback", "the host in upper case"},
		{"http://127.0.0.1:9999/callback", "another port"},
		{"http://127.0.0.1/cb", "another port"},
		{"http://127.0.0.1:9999/callback", "the default port written out"},
		{"http://127.0.0.1:9999/callback", "http instead of https"},
		{"https://client.example.com/cb", "its trailing slash removed"},
		{"https://client.example.com/", "its trailing slash removed"},
		{"https://client.example.com/cb", "its registered query parameters reordered"},
		{"https://client.example.com/cb", "a port"},
		{"http://127.0.0.1:8080/cb", "a port"},
		{"https://client.example.com/1/", "an unreserved character percent-encoded"},
		{"https://client.example.com/a%20b", "the hex digits of its percent-encoding in other case"},
	} {
		_, err := RedirectVariant(tt.registered, tt.change)
		var na *NotApplicable
		if !errors.As(err, &na) {
			t.Errorf("%s of %q: err %v, want NotApplicable", tt.change, tt.registered, err)
		}
	}
	if _, err := RedirectVariant("https://client.example.com/cb", "no such change"); !errors.Is(err, ErrUnknownVariant) {
		t.Errorf("unknown change: %v", err)
	}
}
