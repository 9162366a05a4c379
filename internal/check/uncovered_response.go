package check

// notCoveredResponse: rows of the response area without a scenario, and why.
var notCoveredResponse = map[string]string{
	"TOK-05": "needs a scope the target is set up to narrow (a fixture the target profile cannot name yet); an unknown scope is SCOPE-01's probe, and a silent down-scope cannot be seen without an introspection endpoint",
}
