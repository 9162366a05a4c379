package authz

import "testing"

func TestEncode(t *testing.T) {
	tests := []struct {
		name    string
		req     func() *Request
		wantURL string
	}{
		{"baseline", func() *Request {
			return Baseline("https://as.test/authorize", "spa", "https://c.test/cb", "read write", "abc")
		}, "https://as.test/authorize?response_type=token&client_id=spa&redirect_uri=https%3A%2F%2Fc.test%2Fcb&scope=read+write&state=abc"},
		{"endpoint keeps its query", func() *Request {
			r := New("https://as.test/authorize?tenant=a")
			r.Add("state", "x")
			return r
		}, "https://as.test/authorize?tenant=a&state=x"},
		{"special characters, space as plus", func() *Request {
			r := New("https://as.test/a")
			r.Add("state", "a b+c%d&e=f#g?h/i\"ü~")
			return r
		}, "https://as.test/a?state=a+b%2Bc%25d%26e%3Df%23g%3Fh%2Fi%22%C3%BC~"},
		{"space as percent", func() *Request {
			r := New("https://as.test/a")
			r.SpaceAsPercent = true
			r.Add("state", "a b+c")
			return r
		}, "https://as.test/a?state=a%20b%2Bc"},
		{"set replaces all, del removes, repeats kept", func() *Request {
			r := New("https://as.test/a")
			r.Add("x", "1")
			r.Add("y", "2")
			r.Add("x", "3")
			r.Set("x", "4")
			r.Add("z", "5")
			r.Add("z", "6")
			r.Del("y")
			return r
		}, "https://as.test/a?x=4&z=5&z=6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.req().URL(); got != tt.wantURL {
				t.Errorf("URL()\n got %s\nwant %s", got, tt.wantURL)
			}
		})
	}
}

func TestRandomState(t *testing.T) {
	a, b := RandomState(), RandomState()
	if len(a) != 32 || a == b {
		t.Fatalf("RandomState gave %q and %q", a, b)
	}
}
