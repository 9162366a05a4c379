package check

// notCoveredRequest: rows of the request area without a scenario, and why.
var notCoveredRequest = map[string]string{}
