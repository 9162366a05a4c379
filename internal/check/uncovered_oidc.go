package check

// notCoveredOIDC: rows of the OpenID Connect area (OIDC-01 … OIDC-09) without
// a scenario, and why. Every row has a scenario.
var notCoveredOIDC = map[string]string{}
