// Package agent is the resource owner's browser: a cookie jar and an HTTP client that follows
// redirects one hop at a time, the way a browser does, and records every request as evidence.
//
// The agent never judges. It knows which origins it may contact (the authorization server's and
// its login application's) and which URIs belong to the client. A navigation to a client URI or to
// any other origin is not performed: it is returned as a Departure, fragment included, because in
// the implicit flow the fragment carries the token and must never leave the device.
//
// One Agent per scenario: it owns its cookie jar, its transport and its hop log.
package agent
