@oidc
Feature: OpenID Connect implicit flow
  OpenID Connect Core 1.0 §3.2 builds sign-in on the implicit grant: with the "openid" scope
  and response_type "id_token token" (an ID token and an access token) or "id_token" (an ID
  token alone), the server returns a signed ID token in the fragment of the redirect URI.
  The client trusts it only after checking its signature, issuer, audience, lifetime, the
  nonce it sent and, with an access token, the at_hash that binds the two (§3.2.2.11).
  A scenario runs only when the target offers its response type (response_types in the
  target profile, or response_types_supported in its discovery document); otherwise it is
  skipped with the reason.

  @OIDC-01 @must
  Scenario Outline: A request for "<response type>" without a nonce gets no tokens
    OpenID Connect Core §3.2.2.1: "nonce: REQUIRED" in the implicit flow, because the nonce
    is what binds the ID token to the client's session and defeats replay (§15.5.2). The
    server refuses the request — invalid_request in the fragment, with the state, or an
    error page — and issues neither an ID token nor an access token.

    Given an OpenID Connect request for "<response type>" from the implicit client
    And the OpenID Connect request carries no nonce
    When the resource owner signs in and approves the request
    Then neither an ID token nor an access token is issued

    Examples:
      | response type  |
      | id_token token |
      | id_token       |

  @OIDC-02 @must
  Scenario Outline: The ID token for "<response type>" carries the nonce sent
    OpenID Connect Core §2 and §3.2.2.11: "If a nonce value was sent in the Authentication
    Request, a nonce Claim MUST be present and its value checked to verify that it is the
    same value as the one that was sent".

    Given an OpenID Connect request for "<response type>" from the implicit client
    When the resource owner signs in and approves the request
    Then the ID token carries the nonce sent

    Examples:
      | response type  |
      | id_token token |
      | id_token       |

  @OIDC-03 @must
  Scenario: The ID token issued with an access token carries its at_hash
    OpenID Connect Core §3.2.2.10: at_hash is REQUIRED for response_type "id_token token".
    §3.2.2.9: it is the base64url encoding of the left-most half of the hash of the ASCII
    access_token, the hash being the one of the ID token's alg (SHA-256 for RS256 or ES256).

    Given an OpenID Connect request for "id_token token" from the implicit client
    When the resource owner signs in and approves the request
    Then the ID token's at_hash matches the access token

  @OIDC-03 @should
  Scenario: The ID token issued without an access token carries no at_hash
    OpenID Connect Core §3.2.2.10: at_hash "MAY NOT be used when no Access Token is issued,
    which is the case for the response_type value id_token".

    Given an OpenID Connect request for "id_token" from the implicit client
    When the resource owner signs in and approves the request
    Then the ID token carries no at_hash

  @OIDC-04 @must
  Scenario Outline: The ID token for "<response type>" is signed with a key the server publishes
    OpenID Connect Core §2: "ID Tokens MUST be signed using JWS"; §3.2.2.11: the client
    validates the signature with the key of the server's jwks_uri. An unsecured token
    (alg "none") is never acceptable from the authorization endpoint.

    Given an OpenID Connect request for "<response type>" from the implicit client
    When the resource owner signs in and approves the request
    Then the ID token is signed with a key of the server's JWKS

    Examples:
      | response type  |
      | id_token token |
      | id_token       |

  @OIDC-04 @must
  Scenario Outline: The ID token for "<response type>" names the issuer, the client and a live lifetime
    OpenID Connect Core §3.1.3.7, applied by §3.2.2.11: iss "MUST exactly match" the issuer;
    aud "contains its client_id" (and azp names the client when there are several
    audiences); "The current time MUST be before the time represented by the exp Claim";
    iat is the time of issue; sub is present (§2).

    Given an OpenID Connect request for "<response type>" from the implicit client
    When the resource owner signs in and approves the request
    Then the ID token names the issuer, the client as audience, and a lifetime that has not ended

    Examples:
      | response type  |
      | id_token token |
      | id_token       |

  @OIDC-05 @should
  Scenario: A request for "id_token" alone gets no access token and no code
    OAuth 2.0 Multiple Response Type Encoding Practices §3: with response_type "id_token"
    the server "SHOULD NOT return an OAuth 2.0 Authorization Code, Access Token, or Access
    Token Type".

    Given an OpenID Connect request for "id_token" from the implicit client
    When the resource owner signs in and approves the request
    Then the response carries neither an access token nor a code

  @OIDC-06 @should
  Scenario: An OpenID Connect request without a redirect URI gets no tokens
    OpenID Connect Core §3.1.2.1 and §3.2.2.1: "redirect_uri: REQUIRED" — unlike plain
    OAuth, which lets a client with one registered URI omit it. The server should refuse the
    request rather than answer at the registered URI.

    Given an OpenID Connect request for "id_token token" from the implicit client
    And the OpenID Connect request names no redirect URI
    When the resource owner signs in and approves the request
    Then neither an ID token nor an access token is issued

  @OIDC-06 @must
  Scenario: An OpenID Connect request to the plain http form of the redirect URI is never redirected to
    OpenID Connect Core §3.2.2.1: "the Redirection URI MUST NOT use the http scheme unless
    the Client is a native application", and §3.1.2.1 requires it to match a registered
    URI exactly. "http://client.example.com/cb" for "https://client.example.com/cb" must not
    be redirected to, nor answered at the registered URI.

    Given an OpenID Connect request for "id_token token" from the implicit client
    And the OpenID Connect request's redirect URI is the registered one over plain http
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @OIDC-07 @must
  Scenario: A request for "id_token" without the openid scope gets no ID token
    OpenID Connect Core §3.1.2.1: "OpenID Connect requests MUST contain the openid scope
    value. If the openid scope value is not present, the behavior is entirely unspecified."
    Without it the request is not an OpenID Connect request (§3.1.2.2): invalid_scope or
    invalid_request in the fragment are both right. Since the behaviour is unspecified, an
    ID token issued anyway is reported as a warning, and fails the run only with --strict.

    Given an OpenID Connect request for "id_token" from the implicit client
    And the OpenID Connect request's scope leaves out "openid"
    When the resource owner signs in and approves the request
    Then no ID token is issued

  @OIDC-08 @must
  Scenario Outline: A request for "<response type>" with response_mode "query" puts no token in the query
    OAuth 2.0 Multiple Response Type Encoding Practices §5: for response types that return
    tokens "the default Response Mode for this Response Type is the fragment encoding and
    the query encoding MUST NOT be used". Refusing the request, or answering in the
    fragment, are both right.

    Given an OpenID Connect request for "<response type>" from the implicit client
    And the request asks for the response mode "query"
    When the resource owner signs in and approves the request
    Then no token is put in the query of the redirect URI

    Examples:
      | response type  |
      | id_token token |
      | id_token       |

  @OIDC-09 @STATE-02 @must
  Scenario: prompt=none without a session is answered with an interaction error
    OpenID Connect Core §3.1.2.1: with prompt "none" "The Authorization Server MUST NOT
    display any authentication or consent user interface pages"; with no signed-in user it
    returns login_required, interaction_required, consent_required or
    account_selection_required (§3.1.2.6) in the fragment, with the state — here 128
    characters long, as the OpenID Foundation's suite sends.

    Given an OpenID Connect request for "id_token" from the implicit client
    And the request asks for the prompt "none"
    And the state is 128 characters long
    When the browser sends the request without a session at the server
    Then the client receives one of the errors "login_required, interaction_required, consent_required, account_selection_required" in the fragment, with the state exactly

  @OIDC-10 @should
  Scenario: prompt=login asks a signed-in resource owner to sign in again
    OpenID Connect Core §3.1.2.1 prompt: "login: The Authorization Server SHOULD prompt the
    End-User for reauthentication. If it cannot reauthenticate the End-User, it MUST return
    an error, typically login_required." The resource owner signed in moments ago in the
    same browser, and the server remembers it. The login page shown again, or
    login_required in the fragment, is right; tokens with no login page are not. Graded
    SHOULD: the re-authentication itself is a SHOULD, and the MUST binds only a server that
    cannot re-authenticate, which the harness cannot tell from one that chose not to.

    Given the resource owner has signed in at the server in this browser
    And an OpenID Connect request from the implicit client
    And the request asks for the prompt "login"
    When the request is sent in the same browser
    Then the resource owner is asked to sign in again, or the client receives login_required

  @OIDC-11 @must
  Scenario: max_age=0 asks a signed-in resource owner to sign in again
    OpenID Connect Core §3.1.2.1 max_age: "If the elapsed time is greater than this value,
    the OP MUST attempt to actively re-authenticate the End-User. [...] Note that max_age=0
    is equivalent to prompt=login." The resource owner signed in moments ago in the same
    browser. The login page shown again, or login_required in the fragment, is right;
    tokens with no login page are not.

    Given the resource owner has signed in at the server in this browser
    And an OpenID Connect request from the implicit client
    And the request sets max_age to 0 seconds
    When the request is sent in the same browser
    Then the resource owner is asked to sign in again, or the client receives login_required

  @OIDC-11 @must @slow
  Scenario: A sign-in older than max_age is made again
    OpenID Connect Core §3.1.2.1 max_age: "Specifies the allowable elapsed time in seconds
    since the last time the End-User was actively authenticated by the OP. If the elapsed
    time is greater than this value, the OP MUST attempt to actively re-authenticate the
    End-User." The resource owner signed in 2 seconds before a request with max_age=1.

    Given the resource owner has signed in at the server in this browser
    And 2 seconds have passed since the sign-in
    And an OpenID Connect request from the implicit client
    And the request sets max_age to 1 second
    When the request is sent in the same browser
    Then the resource owner is asked to sign in again, or the client receives login_required

  @OIDC-11 @must @slow
  Scenario: The ID token for a request with max_age carries the time of the sign-in as auth_time
    OpenID Connect Core §2 auth_time: "Time when the End-User authentication occurred.
    [...] When a max_age request is made [...] this Claim is REQUIRED." After the fresh
    sign-in that max_age=1 calls for, 2 seconds after the first, auth_time reports that
    fresh sign-in: not later than the ID token's iat nor the harness clock (2 minutes of
    leeway), and not the first sign-in, made before the browser's first ID token was issued.

    Given the resource owner has signed in at the server in this browser
    And 2 seconds have passed since the sign-in
    And an OpenID Connect request from the implicit client
    And the request sets max_age to 1 second
    When the request is sent in the same browser
    Then the ID token carries auth_time, the time of that fresh sign-in

  @OIDC-12 @must
  Scenario: Two sign-ins of the same resource owner to the same client get the same sub
    OpenID Connect Core §2 sub: "A locally unique and never reassigned identifier within the
    Issuer for the End-User"; §5.7: sub and iss "are the only Claims that an RP can rely
    upon as a stable identifier for the End-User". The resource owner of the target profile
    signs in twice, in two fresh browsers, for the implicit client.

    Given an OpenID Connect request from the implicit client
    When the resource owner signs in and approves the request
    And the resource owner signs in again in a fresh browser and approves a new request
    Then both ID tokens name the same sub

  @OIDC-12 @must
  Scenario: The userinfo endpoint names the sub of the ID token
    OpenID Connect Core §5.3.2: "The sub Claim in the UserInfo Response MUST be verified to
    exactly match the sub Claim in the ID Token; if they do not match, the UserInfo Response
    values MUST NOT be used." The access token issued with the ID token asks the
    userinfo endpoint of the target profile about the resource owner.

    Given an OpenID Connect request for "id_token token" from the implicit client
    When the resource owner signs in and approves the request
    Then the userinfo endpoint, asked with the access token, names the ID token's sub

  @OIDC-13 @must
  Scenario: The ID token's kid names a key the server publishes
    OpenID Connect Core §3.1.3.7 (6): "The Client MUST use the keys provided by the Issuer";
    §10.1.1: the kid in the JOSE header tells the verifier "which key is to be used to
    validate the signature", and "The verifier knows to go back to the jwks_uri location to
    re-retrieve the keys when it sees an unfamiliar kid value". A kid absent from the
    jwks_uri document, fetched once more, names no key the server publishes.

    Given an OpenID Connect request from the implicit client
    When the resource owner signs in and approves the request
    Then the ID token's kid, if it has one, names a key of the server's JWKS

  @OIDC-13 @must
  Scenario: The ID token was not issued in the future
    OpenID Connect Core §3.1.3.7 (10): "The iat Claim can be used to reject tokens that were
    issued too far away from the current time". An iat more than 5 minutes ahead of the
    harness clock is a token from the future.

    Given an OpenID Connect request from the implicit client
    When the resource owner signs in and approves the request
    Then the ID token's iat is not more than 5 minutes ahead of the harness clock

  @AEP-02 @must
  Scenario: An OpenID Connect request sent by POST is served
    OpenID Connect Core §3.1.2.1: "Authorization Servers MUST support the use of the HTTP GET
    and POST methods defined in RFC 7231 at the Authorization Endpoint", the POST carrying
    the request form-encoded. (RFC 6749 §3.1 makes POST a MAY for plain OAuth 2.0, so only
    the OpenID Connect request is judged.)

    Given an OpenID Connect request for "id_token token" from the implicit client
    And the request is sent as a form-encoded POST
    When the resource owner signs in and approves the request
    Then the client receives an access token
