package refserver

// The OpenID Connect implicit faults (catalogue rows OIDC-01 … OIDC-13). Each
// one changes only requests whose response_type includes id_token, so that it
// breaks its own rows and leaves the plain OAuth flow alone. Each is
// described by its row in oidcFaults.
const (
	FaultOIDCNonceNotRequired         Fault = "oidc-nonce-not-required"
	FaultOIDCNonceNotEchoed           Fault = "oidc-nonce-not-echoed"
	FaultOIDCAtHashMissing            Fault = "oidc-at-hash-missing"
	FaultOIDCAtHashWrongHash          Fault = "oidc-at-hash-wrong-hash"
	FaultOIDCAtHashWithoutAccessToken Fault = "oidc-at-hash-without-access-token"
	FaultOIDCUnsignedIDToken          Fault = "oidc-id-token-unsigned"
	FaultOIDCBadSignature             Fault = "oidc-id-token-bad-signature"
	FaultOIDCWrongIssuer              Fault = "oidc-id-token-wrong-issuer"
	FaultOIDCWrongAudience            Fault = "oidc-id-token-wrong-audience"
	FaultOIDCExpired                  Fault = "oidc-id-token-expired"
	FaultOIDCAccessTokenForIDToken    Fault = "oidc-access-token-for-id-token"
	FaultOIDCRedirectURIOptional      Fault = "oidc-redirect-uri-optional"
	FaultOIDCHTTPRedirectURI          Fault = "oidc-http-redirect-uri-accepted"
	FaultOIDCWithoutOpenIDScope       Fault = "oidc-id-token-without-openid-scope"
	FaultOIDCResponseModeQuery        Fault = "oidc-response-mode-query-honoured"
	FaultOIDCPromptNoneShowsLogin     Fault = "oidc-prompt-none-shows-login"
	FaultOIDCPromptLoginIgnored       Fault = "oidc-prompt-login-ignored"
	FaultOIDCMaxAgeIgnored            Fault = "oidc-max-age-ignored"
	FaultOIDCAuthTimeMissing          Fault = "oidc-auth-time-missing"
	FaultOIDCAuthTimeFirstLogin       Fault = "oidc-auth-time-first-login"
	FaultOIDCSubPerLogin              Fault = "oidc-sub-per-login"
	FaultOIDCUserinfoSubDiffers       Fault = "oidc-userinfo-sub-differs"
	FaultOIDCUnknownKid               Fault = "oidc-id-token-unknown-kid"
	FaultOIDCIatInFuture              Fault = "oidc-id-token-iat-in-future"
)

// oidcFaults break the OpenID Connect implicit behaviours (OIDC).
var oidcFaults = []faultEntry{
	{FaultOIDCNonceNotRequired, []string{"OIDC-01"},
		"A request for an ID token that carries no nonce is served with tokens instead of refused with invalid_request."},
	{FaultOIDCNonceNotEchoed, []string{"OIDC-02"},
		"The ID token carries no nonce claim, although the request sent one."},
	{FaultOIDCAtHashMissing, []string{"OIDC-03"},
		"The ID token issued together with an access token has no at_hash claim."},
	{FaultOIDCAtHashWrongHash, []string{"OIDC-03"},
		"The at_hash is the left half of the access token's SHA-512 hash instead of the SHA-256 hash the ES256 signature calls for."},
	{FaultOIDCAtHashWithoutAccessToken, []string{"OIDC-03"},
		"An ID token issued without an access token carries an at_hash anyway."},
	// With alg=none no hash is defined, so at_hash (OIDC-03) cannot be right either.
	{FaultOIDCUnsignedIDToken, []string{"OIDC-04", "OIDC-03"},
		"The ID token is an unsecured JWS: alg=none and an empty signature."},
	{FaultOIDCBadSignature, []string{"OIDC-04"},
		"The ID token's signature is corrupted, so it does not verify with the published key."},
	{FaultOIDCWrongIssuer, []string{"OIDC-04"},
		"The ID token's iss claim is not the server's issuer identifier."},
	{FaultOIDCWrongAudience, []string{"OIDC-04"},
		"The ID token's aud claim names another client instead of the requesting one."},
	{FaultOIDCExpired, []string{"OIDC-04"},
		"The ID token's exp claim lies an hour in the past when it is issued."},
	{FaultOIDCAccessTokenForIDToken, []string{"OIDC-05"},
		"A request for response_type=id_token is answered with an access token as well."},
	{FaultOIDCRedirectURIOptional, []string{"OIDC-06"},
		"An OpenID Connect request without redirect_uri is served at the registered URI instead of refused."},
	{FaultOIDCHTTPRedirectURI, []string{"OIDC-06"},
		"An OpenID Connect request naming the http:// form of a registered https redirect URI is accepted and redirected to."},
	// OpenID Connect Core §3.1.2.1 leaves this case "entirely unspecified":
	// the scenario reports it as a warning, failing only with --strict.
	{FaultOIDCWithoutOpenIDScope, []string{"OIDC-07"},
		"A request for an ID token without the openid scope is served with an ID token instead of refused."},
	{FaultOIDCResponseModeQuery, []string{"OIDC-08"},
		"response_mode=query is honoured for ID token responses, putting the tokens in the query of the redirect URI."},
	{FaultOIDCPromptNoneShowsLogin, []string{"OIDC-09"},
		"A request with prompt=none and no session is shown the login page instead of answered with login_required."},
	{FaultOIDCPromptLoginIgnored, []string{"OIDC-10"},
		"An OpenID Connect request with prompt=login from a signed-in browser is answered without asking the resource owner to sign in again."},
	{FaultOIDCMaxAgeIgnored, []string{"OIDC-11"},
		"max_age is ignored, so a signed-in browser whose sign-in is older than max_age (or any, for max_age=0) gets tokens without signing in again."},
	{FaultOIDCAuthTimeMissing, []string{"OIDC-11"},
		"The ID token of a request with max_age carries no auth_time claim."},
	{FaultOIDCAuthTimeFirstLogin, []string{"OIDC-11"},
		"The ID token's auth_time is the browser's first sign-in, not the fresh sign-in max_age forced."},
	{FaultOIDCSubPerLogin, []string{"OIDC-12"},
		"The ID token's sub is derived from the session, so each sign-in of the same resource owner gets another sub."},
	{FaultOIDCUserinfoSubDiffers, []string{"OIDC-12"},
		"The ID token issued with an access token names a pairwise sub while the userinfo endpoint answers the account name as sub."},
	{FaultOIDCUnknownKid, []string{"OIDC-13"},
		"The ID token's header names a kid the JWKS does not list, although the signature verifies with the published key."},
	// iat an hour ahead is also outside OIDC-04's two minutes of leeway.
	{FaultOIDCIatInFuture, []string{"OIDC-13", "OIDC-04"},
		"The ID token's iat claim lies an hour in the future when it is issued."},
}
