package suite

import (
	"slices"
	"testing"
)

// TestRunOrder: sequential runs keep the flow's order; concurrent runs
// start the files with a selected @slow or @browser scenario first, the
// rest in the flow's order.
func TestRunOrder(t *testing.T) {
	all, err := Scenarios("")
	if err != nil {
		t.Fatal(err)
	}
	if got := runOrder(all, 1); !slices.Equal(got, featurePaths()) {
		t.Errorf("sequential order %v, want the flow's %v", got, featurePaths())
	}
	got := runOrder(all, 8)
	first := []string{"09_token.feature", "15_oidc.feature", "16_browser.feature"}
	if len(got) < 4 || !slices.Equal(got[:3], first) {
		t.Errorf("concurrent order %v: want %v (their @slow and @browser scenarios) first", got, first)
	}
	rest := slices.DeleteFunc(slices.Clone(featurePaths()), func(p string) bool { return slices.Contains(first, p) })
	if !slices.Equal(got[3:], rest) {
		t.Errorf("concurrent order %v: the others not in the flow's order %v", got[3:], rest)
	}
	noSlow, err := Scenarios("~@slow && ~@browser")
	if err != nil {
		t.Fatal(err)
	}
	if got := runOrder(noSlow, 8); !slices.Equal(got, featurePaths()) {
		t.Errorf("no @slow scenario selected: order %v, want the flow's", got)
	}
}
