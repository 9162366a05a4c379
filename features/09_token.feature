@token-response
Feature: The access token response
  On approval the server redirects the browser to the redirect URI with the access token
  response in the fragment: access_token, token_type, optionally expires_in and scope,
  and the state (RFC 6749 §4.2.2). The fragment stays on the device; the query goes
  over the network and into logs, so it must not carry anything of the response.

  @FRAG-01 @must
  Scenario: The response is delivered in the fragment
    RFC 6749 §4.2.2: the parameters are added "to the fragment component of the
    redirection URI using the application/x-www-form-urlencoded format".

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the response is in the fragment of the redirect URI

  @FRAG-02 @must
  Scenario: Nothing of the response is added to the query
    OAuth 2.0 Multiple Response Type Encoding Practices §5 and RFC 6750 §5.3: access
    tokens must not be passed in the query, which servers, proxies and browsers log.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the query of the redirect URI is exactly the registered one

  @TOK-01 @must
  Scenario: The response holds a non-empty access token
    RFC 6749 §4.2.2: "access_token: REQUIRED. The access token issued by the authorization
    server."

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the response holds a non-empty access token

  @TOK-03 @must
  Scenario: The response names the token type
    RFC 6749 §4.2.2 and §7.1: "token_type: REQUIRED", so that the client knows how to use
    the token; its value is compared case-insensitively.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the response names the token type

  @TOK-09 @must
  Scenario: The access token is accepted by the protected resource
    RFC 6750 §2.1 and RFC 6749 §7: the token is sent as "Authorization: Bearer" to the
    target's userinfo endpoint, which must accept it. Skipped when the target profile
    names no userinfo endpoint.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the access token is accepted by the userinfo endpoint

  @TOK-10 @must
  Scenario: The protected resource refuses a request without an access token
    RFC 6750 §3: when a request "does not include authentication credentials", the
    resource server "MUST include the HTTP "WWW-Authenticate" response header field",
    with the scheme Bearer; §3.1: the answer is 401, and it should carry no error code.
    The userinfo endpoint is asked without an Authorization header, after the access
    token of the same flow was accepted there. Skipped when the target profile names no
    userinfo endpoint, or when the flow's own token is refused there too.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the userinfo endpoint refuses a request without an access token, with a Bearer challenge

  @TOK-10 @must
  Scenario Outline: The protected resource refuses <a bad token>
    RFC 6750 §3: a request whose token does not enable access is answered with the
    "WWW-Authenticate" header field; §3.1 invalid_token: "The access token provided is
    expired, revoked, malformed, or invalid for other reasons. The resource SHOULD
    respond with the HTTP 401 (Unauthorized) status code." So the answer is 401 with
    WWW-Authenticate: Bearer error="invalid_token". The changed token is the flow's own
    with its middle character replaced by the next letter or digit ("k" for "j"); the
    random one is base64url, as long as the flow's. Accepting either is a failure; a
    Bearer challenge with another status or without invalid_token is a warning. Skipped
    when the target profile names no userinfo endpoint, or when the flow's own token is
    refused there too.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the userinfo endpoint refuses <a bad token>, with a Bearer challenge naming invalid_token

    Examples:
      | a bad token                                 |
      | the access token with one character changed |
      | a random token of the same length           |

  @FRAG-03 @must
  Scenario: The response decodes as form-urlencoded UTF-8
    RFC 6749 Appendix B: the parameters are encoded with application/x-www-form-urlencoded
    over UTF-8. With the state "100% sure, Zürich 0123" a "%" must be written "%25" and
    the "ü" as the UTF-8 bytes "%C3%BC": a "%" that starts no valid escape, or bytes that
    are not UTF-8, make the client decode something else than was sent. A raw character
    such as a space is judged by the next scenario. Skipped when the server refuses the
    request on an error page (it may refuse non-ASCII state, Appendix A.5).

    Given an authorization request from the implicit client
    And the state is "100% sure, Zürich 0123"
    When the resource owner signs in and approves the request
    Then the response decodes as form-urlencoded UTF-8

  @FRAG-03 @should
  Scenario: No character of the response is left unencoded
    RFC 6749 Appendix B encodes a space as "+" and every character outside the
    unreserved set as "%XX"; RFC 3986 §3.5 allows no raw space, double quote or
    non-ASCII byte in a fragment. A browser repairs a raw space by percent-encoding it,
    so the client still decodes the right value: this deviation is a warning, not a
    failure. Other clients (native apps reading the Location header) may reject the URI.
    Skipped when the server refuses the request on an error page.

    Given an authorization request from the implicit client
    And the state is "100% sure, Zürich 0123"
    When the resource owner signs in and approves the request
    Then no character of the response is left unencoded

  @FRAG-04 @must
  Scenario: No response parameter appears twice
    RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than
    once." A client reading "token_type=Bearer&token_type=Bearer" cannot know which to use.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then no response parameter appears twice

  @FRAG-08 @must
  Scenario: The iss parameter of a success names the issuer
    RFC 9207 §2: if the response carries "iss", it is exactly the issuer identifier; if
    the metadata sets authorization_response_iss_parameter_supported to true, every
    response carries it. Skipped when the server neither sends iss nor advertises it.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the response names the issuer in iss

  @FRAG-08 @must
  Scenario: The iss parameter of an error names the issuer
    RFC 9207 §2: "iss" is returned in error responses too, when the server supports it.
    Skipped when the server neither sends iss nor advertises it.

    Given an authorization request from the implicit client
    When the resource owner signs in and denies the request
    Then the error response names the issuer in iss

  @TOK-02 @must
  Scenario: The access token is made of visible ASCII characters
    RFC 6749 Appendix A.12: access-token = 1*VSCHAR, where VSCHAR is %x20-7E.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the access token is made of visible ASCII characters

  @TOK-02 @should
  Scenario: The access token fits an Authorization: Bearer header
    RFC 6750 §2.1: a bearer token is sent as "Bearer" b64token, whose characters are
    letters, digits and "-._~+/" with trailing "=". A token outside that set cannot be
    sent the way RFC 6750 recommends.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the access token can be sent in an Authorization: Bearer header

  @TOK-03 @should
  Scenario: The token type is one the client understands
    RFC 6749 §7.1: the client "MUST NOT use an access token if it does not understand
    the token type". The type is compared case-insensitively, so "bearer" is "Bearer";
    a type outside the IANA registry leaves the client unable to use the token.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the token type is one the client understands

  @TOK-04 @should
  Scenario: The response says when the access token expires
    RFC 6749 §4.2.2: "expires_in: RECOMMENDED. The lifetime in seconds of the access
    token." Without it the client cannot tell when to ask again.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the response says when the access token expires

  @TOK-04 @must
  Scenario: The expiry is a positive whole number of seconds
    RFC 6749 §4.2.2 and Appendix A.14: expires-in = 1*DIGIT, the lifetime in seconds.
    "0", "-1" or "3600.5" are not lifetimes a client can use.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the expiry, if given, is a positive whole number of seconds

  @TOK-04 @should
  Scenario: The access token lives no longer than an hour
    RFC 6750 §5.3 and RFC 6819 §4.4.2.2: a token handed to the browser should be
    short-lived; more than 3600 seconds is a warning.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the access token lives no longer than an hour

  @TOK-04 @should
  Scenario: The expiry is not given in milliseconds
    RFC 6749 §4.2.2 gives expires_in in seconds; more than 31536000 (a year) most likely
    means milliseconds, as "86400000" for a day.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the expiry, if given, is not in milliseconds

  @TOK-06 @must
  Scenario: No refresh token is issued
    RFC 6749 §4.2.2: "The authorization server MUST NOT issue a refresh token."

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then no refresh token is issued

  @TOK-06 @must
  Scenario: No refresh token is issued even when offline access is asked for
    RFC 6749 §4.2.2 and OpenID Connect Core §3.2.2.5: no refresh token from the
    authorization endpoint, whatever the scope. The request adds offline_access (or
    offline) to the scope; skipped when the target's metadata lists neither scope, or
    when the target refuses offline access to this client.

    Given an authorization request from the implicit client
    And the request also asks for offline access
    When the resource owner signs in and approves the request
    Then no refresh token is issued

  @TOK-07 @must
  Scenario: A plain token response carries no authorization code
    OAuth 2.0 Multiple Response Type Encoding Practices §5 and RFC 6749 §4.2.2:
    response_type=token asks for an access token only; a "code" would be an
    authorization code leaked through the browser.

    Given the target offers response_type "token"
    And an authorization request from the implicit client for response_type "token"
    When the resource owner signs in and approves the request
    Then no authorization code is issued

  @TOK-07 @should
  Scenario: A plain token response carries no ID token
    OAuth 2.0 Multiple Response Type Encoding Practices §5: response_type=token returns
    an access token; an ID token comes only with response_type "id_token token".

    Given the target offers response_type "token"
    And an authorization request from the implicit client for response_type "token"
    When the resource owner signs in and approves the request
    Then the response carries no ID token

  @TOK-08 @must @slow
  Scenario: Access tokens from twenty flows are all different
    RFC 6749 §10.10: tokens must be unguessable; RFC 6819 §5.1.4.2.2: they must not be
    predictable. Twenty approvals in one browser must give twenty different tokens that
    are not a counter ("at-1001", "at-1002", …).

    Given an authorization request from the implicit client
    When the resource owner approves 20 requests one after another in the same browser
    Then every access token is different, and they are not a counter

  @TOK-08 @should @slow
  Scenario: Access tokens carry at least 128 bits of entropy
    RFC 6819 §5.1.4.2.2 and RFC 6749 §10.10: the probability of guessing a token must
    be negligible. The entropy of twenty tokens is estimated from the positions that vary
    and the characters seen there; below 128 bits is a warning.

    Given an authorization request from the implicit client
    When the resource owner approves 20 requests one after another in the same browser
    Then the access tokens carry at least 128 bits of entropy

  @TOK-05 @must
  Scenario: A request without scope is told which scope was granted
    RFC 6749 §3.3: a request that omits scope is processed "using a pre-defined default
    value" or refused with invalid_scope; §4.2.2: "scope: OPTIONAL, if identical to the
    scope requested by the client; otherwise, REQUIRED". A default grant is not what the
    request named, so the response must carry scope. Skipped when the request is refused.

    Given an authorization request from the implicit client
    And the request names no scope at all
    When the resource owner signs in and approves the request
    Then the response says which scope was granted
