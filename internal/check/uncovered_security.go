package check

// notCoveredSecurity: rows of the security area without a scenario, and why.
var notCoveredSecurity = map[string]string{}
