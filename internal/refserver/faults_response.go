package refserver

// The fault switches of the response area: state, fragment encoding, token
// response, response modes. Each is described by its row in responseFaults.
const (
	FaultStateTruncated             Fault = "state-truncated"
	FaultLongStateServerError       Fault = "long-state-server-error"
	FaultLongStateRefused           Fault = "long-state-refused"
	FaultEmptyStateEchoed           Fault = "empty-state-echoed"
	FaultRepeatedStateAccepted      Fault = "repeated-state-accepted"
	FaultStateDroppedOnRequestError Fault = "state-dropped-on-request-error"
	FaultErrorsInQuery              Fault = "errors-in-query"
	FaultFragmentModeRejected       Fault = "fragment-mode-rejected"
	FaultUnknownModeIgnored         Fault = "unknown-response-mode-ignored"
	FaultQueryModeHonoured          Fault = "query-mode-honoured"
	FaultFormPostActionRewritten    Fault = "form-post-action-rewritten"
	FaultFormPostMethodGet          Fault = "form-post-method-get"
	FaultFormPostCacheable          Fault = "form-post-cacheable"
	FaultFormPostErrorsByRedirect   Fault = "form-post-errors-by-redirect"
	FaultFragmentPercentUnescaped   Fault = "fragment-percent-unescaped"
	FaultFragmentLatin1             Fault = "fragment-latin1"
	FaultFragmentSpaceUnencoded     Fault = "fragment-space-unencoded"
	FaultParameterTwice             Fault = "token-type-emitted-twice"
	FaultIssWrong                   Fault = "iss-wrong"
	FaultIssMissingOnError          Fault = "iss-missing-on-error"
	FaultTokenNonASCII              Fault = "access-token-non-ascii"
	FaultTokenNotB64                Fault = "access-token-not-b64token"
	FaultTokenTypeUnknown           Fault = "token-type-unknown"
	FaultNoExpiresIn                Fault = "expires-in-missing"
	FaultExpiresInZero              Fault = "expires-in-zero"
	FaultExpiresInMillis            Fault = "expires-in-milliseconds"
	FaultExpiresInDay               Fault = "expires-in-one-day"
	FaultScopeOmittedWhenDefaulted  Fault = "scope-omitted-when-defaulted"
	FaultRefreshTokenIssued         Fault = "refresh-token-issued"
	FaultRefreshTokenOffline        Fault = "refresh-token-for-offline-access"
	FaultCodeAdded                  Fault = "code-added"
	FaultIDTokenAdded               Fault = "id-token-added"
	FaultTokenConstant              Fault = "token-constant"
	FaultTokensSequential           Fault = "tokens-sequential"
	FaultTokenLowEntropy            Fault = "token-low-entropy"
	FaultUserinfoComparesPrefix     Fault = "userinfo-compares-token-prefix"
	FaultUserinfoNoChallenge        Fault = "userinfo-refuses-without-challenge"
	FaultUserinfoAnonymous          Fault = "userinfo-serves-requests-without-token"
)

// responseFaults break the response: state, fragment, token, scope, errors, response modes (STATE, FRAG, TOK, SCOPE, ERR, AEP, RT, FP).
var responseFaults = []faultEntry{
	{FaultStateTruncated, []string{"STATE-05", "OIDC-09"},
		"A state longer than 100 characters is cut to its first 100 before it is echoed."},
	{FaultLongStateServerError, []string{"STATE-05"},
		"A state longer than 1024 characters makes the authorization endpoint answer HTTP 500."},
	{FaultLongStateRefused, []string{"STATE-05"},
		"A state longer than 512 characters is refused with invalid_request."},
	{FaultEmptyStateEchoed, []string{"STATE-06"},
		"A request without state, or with state= empty, gets an empty state= in the success response."},
	{FaultRepeatedStateAccepted, []string{"STATE-07", "AEP-05"},
		"A request with state sent twice is served, echoing the first value."},
	{FaultStateDroppedOnRequestError, []string{"STATE-02"},
		"Errors found in the request (unsupported_response_type, invalid_scope, unauthorized_client, login_required) omit the state."},
	{FaultErrorsInQuery, []string{"FRAG-05", "ERR-01", "RT-04", "OIDC-09"},
		"Error responses are added to the redirect URI's query instead of its fragment."},
	{FaultFragmentModeRejected, []string{"FRAG-06"},
		"response_mode=fragment is refused with invalid_request."},
	{FaultUnknownModeIgnored, []string{"FRAG-06"},
		"An unknown response_mode is ignored and the default fragment encoding used."},
	{FaultQueryModeHonoured, []string{"FRAG-07", "OIDC-08"},
		"response_mode=query is honoured: the access token is put in the query."},
	{FaultFormPostActionRewritten, []string{"FP-01"},
		"The form_post form's action is the redirect URI with a trailing slash."},
	{FaultFormPostMethodGet, []string{"FP-01", "FP-03", "META-02"},
		"The form_post form uses method=get, so the parameters end up in the URL."},
	{FaultFormPostCacheable, []string{"FP-02"},
		"The form_post page is sent with Cache-Control: max-age=300 instead of no-store."},
	{FaultFormPostErrorsByRedirect, []string{"FP-03"},
		"With response_mode=form_post, errors are redirected in the fragment instead of posted."},
	{FaultFragmentPercentUnescaped, []string{"FRAG-03", "STATE-03"},
		"A '%' in a response value is written raw, leaving a malformed percent-escape."},
	{FaultFragmentLatin1, []string{"FRAG-03", "STATE-08"},
		"Non-ASCII characters in response values are percent-encoded as ISO-8859-1 instead of UTF-8."},
	{FaultFragmentSpaceUnencoded, []string{"FRAG-03", "STATE-04"},
		"Spaces in response values are written raw into the redirect URI instead of as '+'."},
	{FaultParameterTwice, []string{"FRAG-04"},
		"The success response carries token_type twice."},
	{FaultIssWrong, []string{"FRAG-08"},
		"The iss response parameter carries the issuer with a trailing slash."},
	{FaultIssMissingOnError, []string{"FRAG-08"},
		"Error responses omit iss although the metadata sets authorization_response_iss_parameter_supported."},
	{FaultTokenNonASCII, []string{"TOK-02"},
		"Access tokens contain a non-ASCII character (é)."},
	{FaultTokenNotB64, []string{"TOK-02"},
		"Access tokens contain '!', which an Authorization: Bearer header cannot carry."},
	{FaultTokenTypeUnknown, []string{"TOK-03"},
		"token_type is \"Magic\", a type no client understands."},
	{FaultNoExpiresIn, []string{"TOK-04"},
		"The success response omits expires_in."},
	{FaultExpiresInZero, []string{"TOK-04"},
		"The success response carries expires_in=0."},
	{FaultExpiresInMillis, []string{"TOK-04"},
		"expires_in is given in milliseconds: 86400000 for a token that lives a day."},
	{FaultExpiresInDay, []string{"TOK-04"},
		"expires_in is 86400: the token lives a day."},
	{FaultScopeOmittedWhenDefaulted, []string{"TOK-05"},
		"A request without scope is granted the default scope, but the response does not say so."},
	{FaultRefreshTokenIssued, []string{"TOK-06"},
		"Every success response also carries a refresh_token."},
	{FaultRefreshTokenOffline, []string{"TOK-06"},
		"A refresh_token is issued when the offline_access scope is granted."},
	{FaultCodeAdded, []string{"TOK-07"},
		"A response_type=token success response also carries an authorization code."},
	{FaultIDTokenAdded, []string{"TOK-07"},
		"A response_type=token success response also carries an id_token."},
	{FaultTokenConstant, []string{"TOK-08"},
		"Every access token is the same string."},
	{FaultTokensSequential, []string{"TOK-08"},
		"Access tokens are a counter (at-1001, at-1002 and so on)."},
	{FaultTokenLowEntropy, []string{"TOK-08"},
		"Access tokens carry only 64 random bits."},
	{FaultUserinfoComparesPrefix, []string{"TOK-10"},
		"The userinfo endpoint accepts any bearer token with the length and the first eight characters of a live one."},
	{FaultUserinfoNoChallenge, []string{"TOK-10"},
		"The userinfo endpoint refuses a missing or invalid token with HTTP 401 but no WWW-Authenticate header."},
	{FaultUserinfoAnonymous, []string{"TOK-10"},
		"The userinfo endpoint answers a request without an access token with HTTP 200 and an anonymous profile."},
}
