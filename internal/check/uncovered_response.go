package check

// notCoveredResponse: rows of the response area without a scenario, and why.
var notCoveredResponse = map[string]string{}
