package refserver

// The fault switches of the request area: parameters, response_type, scope
// and error responses (AEP, RT, SCOPE, ERR). Each is described by its row in
// requestFaults.
const (
	FaultPostRefused                       Fault = "authorization-post-refused"
	FaultMissingResponseTypeAsToken        Fault = "response-type-missing-means-token"
	FaultUnknownResponseTypeToken          Fault = "response-type-unknown-issues-token"
	FaultUnknownResponseTypeInvalidRequest Fault = "response-type-unknown-invalid-request"
	FaultResponseTypeCaseInsensitive       Fault = "response-type-case-insensitive"
	FaultCompositeOrderSensitive           Fault = "composite-response-type-order-sensitive"
	FaultMetadataOmitsToken                Fault = "metadata-omits-token"
	FaultRepeatedParamLastWins             Fault = "repeated-parameter-last-wins"
	FaultRepeatedClientIDRedirects         Fault = "repeated-client-id-redirects"
	FaultEmptyValueAsGiven                 Fault = "empty-value-as-given"
	FaultEmptyParamRejected                Fault = "empty-parameter-rejected"
	FaultUnknownParamRejected              Fault = "unknown-parameter-rejected"
	FaultParamOrderSignificant             Fault = "parameter-order-significant"
	FaultScopeOrderSignificant             Fault = "scope-order-significant"
	FaultUnknownScopeDropped               Fault = "unknown-scope-dropped-silently"
	FaultOmittedScopeServerError           Fault = "omitted-scope-server-error"
	FaultScopeSyntaxUnchecked              Fault = "scope-syntax-unchecked"
	FaultInvalidScopeOnPage                Fault = "invalid-scope-on-error-page"
	FaultUnregisteredErrorCode             Fault = "error-code-unregistered"
	FaultErrorCodeBadCharacters            Fault = "error-code-bad-characters"
	FaultErrorDescriptionBadCharacters     Fault = "error-description-bad-characters"
	FaultErrorExtraParams                  Fault = "error-extra-parameters"
	FaultTokenBesideError                  Fault = "token-beside-error"
	FaultUnknownResponseTypeCrashes        Fault = "response-type-unknown-server-error"
	FaultEndpointQueryRefused              Fault = "authorization-endpoint-query-refused"
	FaultEndpointWithFragment              Fault = "authorization-endpoint-with-fragment"
)

// requestFaults break the handling of request parameters, response_type,
// scope and error responses (AEP, RT, SCOPE, ERR).
var requestFaults = []faultEntry{
	{FaultPostRefused, []string{"AEP-02"},
		"The authorization endpoint refuses POST (405), which OpenID Connect requires it to accept."},
	{FaultMissingResponseTypeAsToken, []string{"RT-01"},
		"A request without response_type is served as if it asked for response_type=token."},
	{FaultUnknownResponseTypeToken, []string{"RT-02"},
		"Any response_type that starts with \"token\" (tokenx, \"token foo\") is served as token."},
	{FaultUnknownResponseTypeInvalidRequest, []string{"RT-02"},
		"An unknown response_type is refused with invalid_request instead of unsupported_response_type."},
	{FaultResponseTypeCaseInsensitive, []string{"RT-02"},
		"response_type is compared case-insensitively, so TOKEN is served as token."},
	{FaultCompositeOrderSensitive, []string{"RT-02", "META-01"},
		"The metadata offers \"id_token token\", and \"token id_token\" is read by its first word and answered with a plain token."},
	{FaultMetadataOmitsToken, []string{"RT-03", "META-01"},
		"The metadata lists only the code response type while the server still issues tokens for response_type=token."},
	{FaultRepeatedParamLastWins, []string{"AEP-05", "STATE-07"},
		"A repeated request parameter is not refused: its last value is used."},
	{FaultRepeatedClientIDRedirects, []string{"AEP-05"},
		"A repeated client_id is answered by a redirect with invalid_request to the redirect URI instead of an error page."},
	{FaultEmptyValueAsGiven, []string{"AEP-03", "STATE-06"},
		"An empty scope or redirect_uri counts as given and invalid instead of omitted."},
	{FaultEmptyParamRejected, []string{"AEP-03", "STATE-06"},
		"Any parameter sent with an empty value is refused with invalid_request instead of being treated as omitted."},
	{FaultUnknownParamRejected, []string{"AEP-04"},
		"A request carrying a parameter the server does not know is refused with invalid_request."},
	{FaultParamOrderSignificant, []string{"AEP-04"},
		"A request whose first parameter is not response_type is refused with invalid_request."},
	{FaultScopeOrderSignificant, []string{"AEP-04", "SCOPE-03"},
		"Scope tokens not in the server's own order are refused with invalid_scope."},
	{FaultUnknownScopeDropped, []string{"SCOPE-01", "TOK-05", "SCOPE-03"},
		"Unknown scope tokens are silently dropped and no success response says which scope was granted."},
	{FaultOmittedScopeServerError, []string{"SCOPE-02"},
		"A request without scope is answered with server_error instead of the default scope."},
	{FaultScopeSyntaxUnchecked, []string{"SCOPE-03"},
		"Scope tokens containing a double quote or a backslash are granted as given."},
	{FaultInvalidScopeOnPage, []string{"SCOPE-01"},
		"A request with an unknown or malformed scope is refused on an error page instead of by an invalid_scope redirect to the client."},
	{FaultUnregisteredErrorCode, []string{"ERR-02", "ERR-01"},
		"A denial is reported with the unregistered error code user_declined."},
	{FaultErrorCodeBadCharacters, []string{"ERR-02", "ERR-01"},
		"A denial is reported with the error code in double quotes, characters an error code must not hold."},
	{FaultErrorDescriptionBadCharacters, []string{"ERR-03"},
		"Error descriptions contain double quotes and non-ASCII characters."},
	{FaultErrorExtraParams, []string{"ERR-04"},
		"Error responses carry an extra trace_id parameter."},
	{FaultTokenBesideError, []string{"ERR-05", "ERR-01"},
		"A denial response carries an access token beside the error."},
	{FaultUnknownResponseTypeCrashes, []string{"ERR-06", "RT-02"},
		"An unknown response_type makes the server answer with an HTTP 500 page instead of an error sent to the client."},
	{FaultEndpointQueryRefused, []string{"AEP-06", "META-03"},
		"The metadata advertises the authorization endpoint with the query realm=main, and requests that keep it are refused."},
	{FaultEndpointWithFragment, []string{"AEP-06", "META-03"},
		"The metadata advertises the authorization endpoint with a fragment."},
}
