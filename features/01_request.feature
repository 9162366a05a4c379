@authorization-request
Feature: The authorization request
  The client sends the resource owner's browser to the authorization endpoint with
  response_type=token, its client_id, its redirect URI, a scope and a state
  (RFC 6749 §4.2.1). The server authenticates the resource owner, asks for consent,
  and answers the client through the browser.

  Every scenario about the flow itself asks for the implicit response type the target
  offers: "token" when it does, else OpenID Connect's "id_token token" (with the
  openid scope and a nonce), else "id_token" where no access token is needed. The
  report names the response type each scenario used. A refusal, a missing redirect or
  a missing token counts only when the same request without the change under test is
  served in the same run.

  @AEP-01 @must
  Scenario: A valid implicit request ends at the client with an access token
    RFC 6749 §3.1 and §4.2.1: the authorization endpoint must support GET, and a valid
    request for the implicit grant, once the resource owner approves, is answered
    with an access token (an ID token for response_type=id_token) sent to the
    client's redirect URI.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the client receives an access token

  @CID-01 @must
  Scenario: An unknown client is never redirected to
    RFC 6749 §4.2.2.1: if the client identifier is missing or invalid, the server
    "MUST NOT automatically redirect the user-agent to the invalid redirection URI".
    It should inform the resource owner instead.

    Given an authorization request from the unregistered client "unknown-client-7f3a9c"
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RT-04 @must
  Scenario: A client not allowed the implicit grant receives no access token
    RFC 6749 §4.2.2.1: a client that is not authorized to request an access token by
    this method gets the error unauthorized_client; in no case does it get a token.

    Given an authorization request from the client that is not allowed the implicit grant
    When the resource owner signs in and approves the request
    Then no access token is issued

  @RT-04 @should
  Scenario: A client not allowed the implicit grant is told unauthorized_client
    RFC 6749 §4.2.2.1: "unauthorized_client: The client is not authorized to request an
    access token using this method", sent in the fragment of the redirect URI.

    Given an authorization request from the client that is not allowed the implicit grant
    When the resource owner signs in and approves the request
    Then the client receives the error "unauthorized_client"
