package check

// NotCovered lists the catalogue rows that have no scenario, each with the
// reason a black box cannot judge it (or why it is left to a person). The
// traceability table shows them; a test fails when a row is in neither the
// features nor this list, or in both. Each area keeps its own table, so the
// areas grow independently.
func NotCovered() map[string]string {
	out := map[string]string{}
	for _, table := range []map[string]string{notCoveredRedirect, notCoveredResponse, notCoveredSecurity, notCoveredOIDC, notCoveredRequest} {
		for id, why := range table {
			out[id] = why
		}
	}
	return out
}
