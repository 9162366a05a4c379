// Package refserver is the embedded reference authorization server of
// implicitspec: a conformant OAuth 2.0 implicit-grant authorization server
// (RFC 6749 §4.2) started in-process on 127.0.0.1 over HTTPS, with a
// self-signed CA and leaf certificate generated at start-up.
//
// It is the harness's default target and the basis of the fault matrix:
// each Fault switch breaks exactly one behaviour, so a scenario that still
// passes with the switch on has lost its teeth.
//
// Options.Config makes it play other kinds of server, conformant or not,
// whose shapes the harness must recognise: a subset of the implicit response
// types offered (Config.ResponseTypes; the first of token, id_token token,
// id_token is the primary type, on which the flow faults act), the shape in
// which a type not offered is refused (Config.Refusal), when consent is asked
// (Config.Consent) and a server that refuses everything (Config.RefuseAll).
// ParseConfig reads one from a compact string such as
// "offer=id_token token|id_token;refusal=query-unauthorized;consent=remembered".
//
// The package deliberately shares no code with the harness's checks (a bug
// shared by both would hide itself): it parses, validates and encodes on its
// own, using only the standard library.
//
// Endpoints (all on the issuer's origin):
//
//	GET|POST /authorize                              authorization endpoint (RFC 6749 §3.1, §4.2.1)
//	GET|POST /login                                  server-rendered login page
//	GET|POST /consent                                server-rendered consent page (asked every time by default, Config.Consent)
//	POST     /api/login                              JSON sign-in of the js-login page style only (Config.Pages, jslogin.go)
//	GET      /authorize/handoff                      interstitial of the fault browser-handoff-drops-fragment only
//	GET      /.well-known/oauth-authorization-server metadata (RFC 8414)
//	GET      /.well-known/openid-configuration       the same JSON
//	GET|POST /userinfo                               protected resource (RFC 6750 bearer token)
//	POST     /register                               open dynamic client registration (RFC 7591), public clients
//
// Its fixed clients are public; ProfileYAML names them for the harness,
// among them the browser client (client_id "browser-client"), registered
// with one loopback http redirect URI (Options.BrowserCallback, by default
// a port free at Start) where the harness serves the client's page for a
// real browser.
package refserver
