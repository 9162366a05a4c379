package suite

import "slices"

// slowTag marks a scenario that takes seconds by design: it waits for a
// session to age, or runs twenty flows one after another. browserTag marks
// the feature of the real-browser scenarios, which take seconds too: the
// first one starts chromium, and each renders its pages.
const (
	slowTag    = "@slow"
	browserTag = "@browser"
)

// runOrder is the order godog runs the feature files in: the flow's order
// (featurePaths), except that with more than one scenario at a time the
// files holding a selected @slow scenario come first. godog starts the
// scenarios of a run strictly in file order; a slow scenario started last
// keeps the run going alone long after the others are done, while started
// first it runs beside them. The console prints each scenario as it is
// judged either way, and the reports keep the flow's order.
func runOrder(sel []Scenario, concurrency int) []string {
	paths := featurePaths()
	if concurrency <= 1 {
		return paths
	}
	slow := map[string]bool{}
	for _, sc := range sel {
		if slices.Contains(sc.Tags, slowTag) || slices.Contains(sc.Tags, browserTag) {
			slow[sc.URI] = true
		}
	}
	slices.SortStableFunc(paths, func(a, b string) int {
		switch {
		case slow[a] == slow[b]:
			return 0
		case slow[a]:
			return -1
		}
		return 1
	})
	return paths
}
