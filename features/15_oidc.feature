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
    value"; without it the request is not an OpenID Connect request (§3.1.2.2) and no ID
    token may be issued. invalid_scope or invalid_request in the fragment are both right.

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
