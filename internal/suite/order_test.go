package suite

import (
	"slices"
	"testing"
)

// TestRunOrder: sequential runs keep the flow's order; concurrent runs
// start the files with a selected @slow scenario first, the rest in the
// flow's order.
func TestRunOrder(t *testing.T) {
	all, err := Scenarios("")
	if err != nil {
		t.Fatal(err)
	}
	if got := runOrder(all, 1); !slices.Equal(got, featurePaths()) {
		t.Errorf("sequential order %v, want the flow's %v", got, featurePaths())
	}
	got := runOrder(all, 8)
	if len(got) < 3 || got[0] != "09_token.feature" || got[1] != "15_oidc.feature" {
		t.Errorf("concurrent order %v: want 09_token and 15_oidc (their @slow scenarios) first", got)
	}
	rest := slices.DeleteFunc(slices.Clone(featurePaths()), func(p string) bool { return p == got[0] || p == got[1] })
	if !slices.Equal(got[2:], rest) {
		t.Errorf("concurrent order %v: the others not in the flow's order %v", got[2:], rest)
	}
	noSlow, err := Scenarios("~@slow")
	if err != nil {
		t.Fatal(err)
	}
	if got := runOrder(noSlow, 8); !slices.Equal(got, featurePaths()) {
		t.Errorf("no @slow scenario selected: order %v, want the flow's", got)
	}
}
