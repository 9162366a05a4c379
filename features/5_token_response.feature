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
