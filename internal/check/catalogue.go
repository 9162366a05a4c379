// Transcribed from the shared requirement catalogue, /work/shared/spec/requirements.md
// (outside this repository; its table §1.2): each row with the first source it cites.

package check

import "slices"

// Requirement is one row of the requirement catalogue.
type Requirement struct {
	ID      string
	Clause  string // the first source the catalogue cites, cited in every failure
	Level   string // the catalogue's level column, verbatim
	Summary string // the catalogue's paraphrase

	// NotCoverable is why a black box cannot judge the row (or why it is left
	// to a person); "" for a row the features cover. The traceability table
	// (docs/requirements.md) shows it in place of scenarios, and fails when a
	// row has both, or neither.
	NotCoverable string
}

// catalogue is the requirement spine: every row once, in the shared
// catalogue's order, which is the order of every table generated from it. It
// is read-only; Catalogue hands out copies.
var catalogue = []Requirement{
	{ID: "AEP-01", Clause: "RFC 6749 §3.1, §4.2.1", Level: "MUST", Summary: "The endpoint supports GET, and a valid implicit request yields a token."},
	{ID: "AEP-02", Clause: "RFC 6749 §3.1", Level: "MAY (OAuth) / MUST (OIDC)", Summary: "POST to the authorization endpoint."},
	{ID: "AEP-03", Clause: "RFC 6749 §3.1", Level: "MUST", Summary: "A parameter with an empty value counts as omitted."},
	{ID: "AEP-04", Clause: "RFC 6749 §3.1, §3.3", Level: "MUST", Summary: "Unknown parameters are ignored; parameter order and scope-token order do not matter."},
	{ID: "AEP-05", Clause: "RFC 6749 §3.1, §4.2.2.1", Level: "MUST NOT (repeat)", Summary: "Request parameters must not repeat, and a repeat is `invalid_request`."},
	{ID: "AEP-06", Clause: "RFC 6749 §3.1", Level: "MUST / MUST NOT", Summary: "The endpoint URL may have its own query, which must be kept, but no fragment."},
	{ID: "RT-01", Clause: "RFC 6749 §3.1.1", Level: "MUST", Summary: "A missing `response_type` gives an error."},
	{ID: "RT-02", Clause: "RFC 6749 §3.1.1, §4.2.2.1, A.3", Level: "MUST", Summary: "An unknown value is `unsupported_response_type`. Composite values are order-insensitive."},
	{ID: "RT-03", Clause: "RFC 6749 §4.2.2.1", Level: "MUST", Summary: "A server that does not support implicit must refuse `token`."},
	{ID: "RT-04", Clause: "RFC 6749 §4.2.2.1", Level: "MUST (error)", Summary: "A client that may not use implicit gets `unauthorized_client`."},
	{ID: "CID-01", Clause: "RFC 6749 §4.2.2.1", Level: "MUST NOT redirect / SHOULD inform", Summary: "A missing or unknown `client_id` must never redirect."},
	{ID: "RDR-01", Clause: "RFC 6749 §3.1.2.3, §4.2.1", Level: "MUST", Summary: "The registered URI is used exactly as registered."},
	{ID: "RDR-02", Clause: "RFC 6749 §3.1.2.3", Level: "MAY (OAuth) / param REQUIRED (OIDC)", Summary: "`redirect_uri` omitted with one full URI registered."},
	{ID: "RDR-03", Clause: "RFC 6749 §3.1.2.3, §4.2.2.1", Level: "MUST", Summary: "`redirect_uri` omitted with several URIs registered."},
	{ID: "RDR-04", Clause: "RFC 6749 §3.1.2.3", Level: "MUST", Summary: "An extra path segment or suffix is a mismatch."},
	{ID: "RDR-05", Clause: "RFC 3986 §6.2.1", Level: "MUST", Summary: "A trailing slash added or removed makes a different URI."},
	{ID: "RDR-06", Clause: "RFC 6749 §3.1.2.3", Level: "MUST", Summary: "Changing the case of host or path is a mismatch."},
	{ID: "RDR-07", Clause: "RFC 9700 §4.1.3", Level: "MUST", Summary: "A different port, or an explicit default port, is a mismatch (loopback excepted)."},
	{ID: "RDR-08", Clause: "RFC 9700 §2.6", Level: "MUST NOT", Summary: "Scheme downgrade from https to http."},
	{ID: "RDR-09", Clause: "RFC 6749 §3.1.2.2–3", Level: "MUST (when the full URI is registered)", Summary: "An added query component is a mismatch."},
	{ID: "RDR-10", Clause: "RFC 6749 §3.1.2.2–3", Level: "MUST", Summary: "A registered query must match exactly."},
	{ID: "RDR-11", Clause: "RFC 6749 §3.1.2", Level: "MUST", Summary: "The registered query is kept, and response parameters are added only in the fragment."},
	{ID: "RDR-12", Clause: "RFC 6749 §3.1.2", Level: "MUST NOT", Summary: "A redirect_uri must not contain a fragment."},
	{ID: "RDR-13", Clause: "RFC 9700 §4.1, §4.1.3", Level: "MUST (exact match)", Summary: "The userinfo trick."},
	{ID: "RDR-14", Clause: "RFC 9700 §4.1", Level: "MUST", Summary: "Path traversal with dot-segments."},
	{ID: "RDR-15", Clause: "RFC 9700 §4.1", Level: "MUST", Summary: "Subdomain, suffix and prefix host variants."},
	{ID: "RDR-16", Clause: "RFC 3986 §6.2.1–6.2.2.2", Level: "MUST", Summary: "Percent-encoded variants are different strings."},
	{ID: "RDR-17", Clause: "RFC 9700 §4.1", Level: "MUST", Summary: "Inputs that confuse URL parsers."},
	{ID: "RDR-18", Clause: "RFC 8252 §7.3, §8.4", Level: "MUST", Summary: "Loopback (http 127.0.0.1 or [::1]) accepts any port."},
	{ID: "RDR-19", Clause: "RFC 8252 §7.3, §8.3, §8.4", Level: "MUST", Summary: "The loopback exception covers the port only."},
	{ID: "RDR-20", Clause: "RFC 9700 §2.6", Level: "BCP MUST NOT; RFC6749 SHOULD warn", Summary: "Only loopback native clients may use non-TLS redirects. Web implicit clients need https and must not use localhost."},
	{ID: "RDR-21", Clause: "RFC 6749 §4.2.2.1", Level: "MUST NOT", Summary: "No fallback to a registered URI when the given one is invalid."},
	{ID: "RDR-22", Clause: "RFC 6749 §3.1.2.4", Level: "MUST NOT; SHOULD inform", Summary: "The invalid-redirect check holds at every stage."},
	{ID: "RDR-23", Clause: "RFC 6749 §3.1.2.2, §10.6", Level: "MUST", Summary: "Public and implicit clients must register a redirect URI."},
	{ID: "RDR-24", Clause: "RFC 6749 §3.1.2.4, §4.2.2.1", Level: "MUST NOT", Summary: "The redirect URI is validated before anything else is reported through it."},
	{ID: "STATE-01", Clause: "RFC 6749 §4.2.2", Level: "REQUIRED if sent", Summary: "`state` is echoed exactly on success."},
	{ID: "STATE-02", Clause: "RFC 6749 §4.2.2.1", Level: "REQUIRED", Summary: "`state` is echoed on every error redirect."},
	{ID: "STATE-03", Clause: "RFC 6749 A.5 (VSCHAR %x20-7E), App. B", Level: "MUST (exact echo)", Summary: "A state containing characters that need encoding."},
	{ID: "STATE-04", Clause: "RFC 6749 App. B", Level: "MUST (encode)", Summary: "The server must encode `state` in the fragment so it cannot inject parameters."},
	{ID: "STATE-05", Clause: "RFC 6749 A.5", Level: "—", Summary: "Long state values."},
	{ID: "STATE-06", Clause: "RFC 6749 §4.2.1 (RECOMMENDED), §3.1", Level: "—", Summary: "State absent or empty: the server must not invent one and should not reject."},
	{ID: "STATE-07", Clause: "RFC 6749 §3.1", Level: "MUST NOT", Summary: "Duplicate `state`."},
	{ID: "STATE-08", Clause: "RFC 6749 §10.14, A.5", Level: "MUST sanitize", Summary: "The server may refuse state outside VSCHAR, but must not reflect it unsafely."},
	{ID: "FRAG-01", Clause: "RFC 6749 §4.2.2", Level: "MUST", Summary: "Success parameters go in the fragment."},
	{ID: "FRAG-02", Clause: "OAuth Multiple Response Types §5, §7", Level: "MUST NOT", Summary: "No credentials in the query."},
	{ID: "FRAG-03", Clause: "RFC 6749 App. B", Level: "MUST", Summary: "The fragment is application/x-www-form-urlencoded over UTF-8."},
	{ID: "FRAG-04", Clause: "RFC 6749 §3.1", Level: "MUST NOT", Summary: "No response parameter appears twice."},
	{ID: "FRAG-05", Clause: "RFC 6749 §4.2.2.1", Level: "MUST (SHOULD same mode)", Summary: "Errors for implicit requests go in the fragment."},
	{ID: "FRAG-06", Clause: "OAuth Multiple Response Types §2.1", Level: "NOT RECOMMENDED (client) / undefined", Summary: "`response_mode=fragment` explicitly, or an unknown mode."},
	{ID: "FRAG-07", Clause: "OAuth Multiple Response Types §5, §7", Level: "MUST NOT", Summary: "`response_mode=query` together with a token."},
	{ID: "FRAG-08", Clause: "RFC 9207 §2", Level: "MUST (if present or advertised)", Summary: "The `iss` response parameter."},
	{ID: "TOK-01", Clause: "RFC 6749 §4.2.2", Level: "REQUIRED", Summary: "A non-empty `access_token`."},
	{ID: "TOK-02", Clause: "RFC 6749 A.12", Level: "MUST (syntax)", Summary: "The token's character set."},
	{ID: "TOK-03", Clause: "RFC 6749 §4.2.2, §7.1, A.13", Level: "REQUIRED; compared case-insensitively", Summary: "`token_type` is present and understood."},
	{ID: "TOK-04", Clause: "RFC 6749 §4.2.2, A.14", Level: "RECOMMENDED / SHOULD (≤1 h)", Summary: "`expires_in`."},
	{ID: "TOK-05", Clause: "RFC 6749 §3.3, §4.2.2", Level: "MUST (if the scope differs)", Summary: "`scope` is returned when the grant differs from the request."},
	{ID: "TOK-06", Clause: "RFC 6749 §4.2.2", Level: "MUST NOT", Summary: "No `refresh_token` in an implicit response."},
	{ID: "TOK-07", Clause: "OAuth Multiple Response Types §5", Level: "—", Summary: "A plain `token` request returns only token parameters."},
	{ID: "TOK-08", Clause: "RFC 6749 §10.10", Level: "MUST", Summary: "Tokens are unguessable and unique."},
	{ID: "TOK-09", Clause: "RFC 6749 §7, §10.16", Level: "— / MUST NOT for authentication use", Summary: "The token works at the resource server and is audience-restricted."},
	{ID: "TOK-10", Clause: "RFC 6750 §3, §3.1", Level: "MUST", Summary: "The resource server refuses an invalid or missing token, with `WWW-Authenticate`."},
	{ID: "SCOPE-01", Clause: "RFC 6749 §3.3, §4.2.2.1", Level: "MAY ignore / error", Summary: "An unknown scope."},
	{ID: "SCOPE-02", Clause: "RFC 6749 §3.3", Level: "MUST", Summary: "An omitted scope gets the default or `invalid_scope`."},
	{ID: "SCOPE-03", Clause: "RFC 6749 §3.3, A.4", Level: "MUST (syntax)", Summary: "Scope tokens are NQCHAR, case-sensitive and order-free."},
	{ID: "ERR-01", Clause: "RFC 6749 §4.2.2.1", Level: "MUST", Summary: "A denied consent gives `access_denied`."},
	{ID: "ERR-02", Clause: "RFC 6749 §4.2.2.1, A.7", Level: "MUST", Summary: "An error code is one ASCII code from the defined set."},
	{ID: "ERR-03", Clause: "RFC 6749 §4.2.2.1, A.8–A.9", Level: "MUST NOT (character set)", Summary: "`error_description` stays in the NQSCHAR range; `error_uri` is a URI-reference in %x21/%x23-5B/%x5D-7E."},
	{ID: "ERR-04", Clause: "OpenID Connect Core §3.1.2.6", Level: "SHOULD NOT", Summary: "No other parameters in error responses."},
	{ID: "ERR-05", Clause: "RFC 6749 §4.2.2.1", Level: "MUST (implied)", Summary: "Error responses carry no credentials."},
	{ID: "ERR-06", Clause: "RFC 6749 §4.2.2.1", Level: "—", Summary: "With a valid redirect, use `server_error` or `temporarily_unavailable` instead of an HTTP 5xx."},
	{ID: "SEC-01", Clause: "RFC 6749 §1.6, §3.1, §10.9, §10.11", Level: "MUST", Summary: "TLS on the authorization endpoint and every page the user interacts with."},
	{ID: "SEC-02", Clause: "RFC 6749 §10.13", Level: "BCP MUST prevent; SHOULD use CSP", Summary: "Anti-clickjacking on login, consent and error pages."},
	{ID: "SEC-03", Clause: "RFC 9700 §4.2.4", Level: "SHOULD NOT / suggested measure", Summary: "Referrer leakage from the authorization pages."},
	{ID: "SEC-04", Clause: "RFC 6819 §4.4.2.2", Level: "SHOULD (MUST for form_post)", Summary: "Responses that carry tokens must not be cached."},
	{ID: "SEC-05", Clause: "RFC 9700 §2.6", Level: "BCP MUST NOT (level `bcp`, like the other RFC9700 rows)", Summary: "No CORS at the authorization endpoint."},
	{ID: "SEC-06", Clause: "RFC 9700 §4.12", Level: "MUST NOT 307; SHOULD 303", Summary: "The redirect that follows a POST of user credentials."},
	{ID: "SEC-07", Clause: "RFC 6749 §10.12", Level: "MUST", Summary: "CSRF protection on the server's consent step."},
	{ID: "SEC-08", Clause: "RFC 6749 §10.2", Level: "SHOULD NOT", Summary: "No silent repeat approval for unauthenticated clients unless the redirect is registered.", NotCoverable: "its only black-box outcome is INFO: RFC 6749 §10.2 allows a silent repeat approval when the redirect URI is registered, and the unregistered case is judged by the no-redirect scenarios (CID-01, RDR-*)."},
	{ID: "SEC-09", Clause: "RFC 6749 §10.14", Level: "MUST sanitize; MUST NOT open-redirect", Summary: "Reflected input, and open redirectors on the server."},
	{ID: "SEC-10", Clause: "RFC 9700 §2.1.2", Level: "SHOULD NOT (clients)", Summary: "Implicit posture.", NotCoverable: "issuing tokens from the authorization endpoint is what RFC 6749 §4.2 defines; RFC 9700 §2.1.2 addresses clients (SHOULD NOT use implicit), so a conformant implicit server cannot fail it and whether the grant can be switched off per client needs the server's configuration (REVIEW)."},
	{ID: "FP-01", Clause: "OAuth Form Post Response Mode §2", Level: "MUST", Summary: "form_post success page."},
	{ID: "FP-02", Clause: "OAuth Form Post Response Mode §2", Level: "MUST", Summary: "The user agent and intermediaries must not store or reuse the page."},
	{ID: "FP-03", Clause: "OAuth Form Post Response Mode §2", Level: "SHOULD (same mode)", Summary: "Errors are also sent by form_post, with state."},
	{ID: "META-01", Clause: "RFC 8414 §2", Level: "REQUIRED", Summary: "`response_types_supported` matches behaviour."},
	{ID: "META-02", Clause: "RFC 8414 §2", Level: "OPTIONAL (defaults matter)", Summary: "`response_modes_supported` (default `[\"query\",\"fragment\"]`) and `grant_types_supported` (default `[\"authorization_code\",\"implicit\"]`)."},
	{ID: "META-03", Clause: "RFC 8414 §2", Level: "MUST", Summary: "`authorization_endpoint` is https with no fragment, and `issuer` matches."},
	{ID: "OIDC-01", Clause: "OpenID Connect Core §3.2.2.1, §3.2.2.11", Level: "REQUIRED", Summary: "`nonce` is required for `id_token` and `id_token token`."},
	{ID: "OIDC-02", Clause: "OpenID Connect Core §2, §3.2.2.11", Level: "MUST", Summary: "The ID token `nonce` equals the one sent."},
	{ID: "OIDC-03", Clause: "OpenID Connect Core §3.2.2.9–10", Level: "REQUIRED (`id_token token`)", Summary: "`at_hash` is present and equals base64url(left half of H(ASCII access_token)), with H the hash of the ID token's `alg`."},
	{ID: "OIDC-04", Clause: "OpenID Connect Core §2, §3.1.3.7", Level: "MUST", Summary: "The ID token is signed (never `alg=none` from the authorization endpoint), and `iss`, `aud`, `exp`, `iat` are valid."},
	{ID: "OIDC-05", Clause: "OAuth Multiple Response Types §3", Level: "SHOULD NOT", Summary: "`response_type=id_token` returns no `access_token` or `code`."},
	{ID: "OIDC-06", Clause: "OpenID Connect Core §3.1.2.1, §3.2.2.1", Level: "REQUIRED; MUST NOT http", Summary: "`redirect_uri` is required and exact; implicit needs https except for native localhost."},
	{ID: "OIDC-07", Clause: "OpenID Connect Core §3.1.2.1, §3.1.2.2", Level: "— (unspecified)", Summary: "Without the `openid` scope the request is plain OAuth."},
	{ID: "OIDC-08", Clause: "OAuth Multiple Response Types §3, §5", Level: "MUST NOT", Summary: "No query encoding for `id_token` response types."},
	{ID: "OIDC-09", Clause: "OpenID Connect Core §3.1.2.6, §3.2.2.6", Level: "MUST", Summary: "`prompt=none` with no session returns an interaction error in the fragment."},
	{ID: "OIDC-10", Clause: "OpenID Connect Core §3.1.2.1 (prompt=login)", Level: "SHOULD re-authenticate; MUST error if it cannot", Summary: "`prompt=login` forces a fresh login even with a live session."},
	{ID: "OIDC-11", Clause: "OpenID Connect Core §3.1.2.1 (max_age), §2 (auth_time)", Level: "MUST", Summary: "`max_age` bounds the session's age, and `auth_time` is returned when it is used."},
	{ID: "OIDC-12", Clause: "OpenID Connect Core §2 (sub), §5.7, §5.3.2", Level: "MUST", Summary: "`sub` is stable for the same user, and userinfo returns the same `sub`."},
	{ID: "OIDC-13", Clause: "OpenID Connect Core §3.1.3.7, §10.1", Level: "MUST", Summary: "The ID token's `kid` (when present) names a key of the JWKS, and `iat` is not in the future."},
}

// byID indexes catalogue by ID, built once at package initialisation, so that
// Lookup (called for every Finding) costs one map access. A duplicate ID keeps
// its first row; TestCatalogueIDs fails on it.
var byID = func() map[string]int {
	m := make(map[string]int, len(catalogue))
	for i, r := range catalogue {
		if _, dup := m[r.ID]; !dup {
			m[r.ID] = i
		}
	}
	return m
}()

// Lookup returns the catalogue row for id (the zero Requirement when the
// catalogue has no such row). It judges nothing.
func Lookup(id string) Requirement {
	i, ok := byID[id]
	if !ok {
		return Requirement{}
	}
	return catalogue[i]
}

// Catalogue returns every requirement in the catalogue's order. It judges
// nothing; the slice is a copy, so callers may append to it or sort it.
func Catalogue() []Requirement { return slices.Clone(catalogue) }
