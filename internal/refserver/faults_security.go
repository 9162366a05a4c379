package refserver

// securityFaults break security headers, TLS, metadata and OpenID Connect (SEC, META, OIDC).
var securityFaults = []FaultInfo{}
