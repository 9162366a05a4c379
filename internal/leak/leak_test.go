package leak

import (
	"encoding/base64"
	"testing"
)

// TestFind: the search sees a secret however a writer may have
// encoded it.
func TestFind(t *testing.T) {
	const s = "tok+en/42&x"
	for _, text := range []string{
		"a " + s,
		"a%20tok%2Ben%2F42%26x",
		"tok&#43;en/42&amp;x",
		`{"m":"tok+en/42\u0026x"}`,
		"Basic " + base64.StdEncoding.EncodeToString([]byte("client:"+s)),
		"eyJ0." + base64.RawURLEncoding.EncodeToString([]byte(`{"t":"`+s+`"}`)) + ".sig",
	} {
		if got := Find(text, []string{s, "other-secret"}); len(got) != 1 || got[0] != s {
			t.Errorf("Find(%q) = %q", text, got)
		}
	}
	if got := Find("tok+en/42 [redacted]", []string{s}); len(got) != 0 {
		t.Errorf("found %q in a masked text", got)
	}
}
