package check

// notCoveredRequest: rows of the request area without a scenario, and why.
var notCoveredRequest = map[string]string{
	"AEP-02": "POST to the authorization endpoint is optional in OAuth 2.0 (RFC 6749 §3.1: \"MAY\"), so no answer to a POST can fail a plain OAuth server; the OpenID Connect MUST (Core §3.1.2.1) belongs with the OpenID Connect scenarios, once a target can declare itself an OpenID Provider.",
}
