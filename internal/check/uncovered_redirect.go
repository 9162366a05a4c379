package check

// notCoveredRedirect: rows of the redirect area without a scenario, and why.
var notCoveredRedirect = map[string]string{}
