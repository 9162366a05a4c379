package check

// notCoveredSecurity: rows of the security area without a scenario, and why.
var notCoveredSecurity = map[string]string{
	"SEC-08": "its only black-box outcome is INFO: RFC 6749 §10.2 allows a silent repeat approval when the redirect URI is registered, and the unregistered case is judged by the no-redirect scenarios (CID-01, RDR-*).",
	"SEC-10": "issuing tokens from the authorization endpoint is what RFC 6749 §4.2 defines; RFC 9700 §2.1.2 addresses clients (SHOULD NOT use implicit), so a conformant implicit server cannot fail it and whether the grant can be switched off per client needs the server's configuration (REVIEW).",
}
