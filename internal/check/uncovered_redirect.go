package check

// notCoveredRedirect: rows of the redirect area without a scenario, and why.
var notCoveredRedirect = map[string]string{
	"RDR-20": "judged at client registration: needs Dynamic Client Registration (RFC 7591), which the harness does not drive yet; for static clients it is a review of the server's configuration",
	"RDR-23": "judged at client registration: needs Dynamic Client Registration (RFC 7591), which the harness does not drive yet; static clients are skipped by the catalogue",
}
