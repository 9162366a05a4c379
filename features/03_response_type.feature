@response-type
Feature: The response_type parameter
  response_type tells the server which grant the client asks for: "token" for the
  implicit grant (RFC 6749 §3.1.1, §4.2.1). A missing or unknown value is an error,
  never a token; the words of a composite value may come in any order; and a server
  that does not offer the implicit grant refuses "token".

  @RT-01 @must
  Scenario: A request without response_type receives an error, not a token
    RFC 6749 §3.1.1: response_type is REQUIRED, and "If an authorization request is
    missing the "response_type" parameter [...] the authorization server MUST return
    an error response as described in Section 4.1.2.1" — invalid_request or
    unsupported_response_type, in the query or the fragment; an error page is
    accepted too. A token is never.

    Given an authorization request from the implicit client
    And the request carries no "response_type"
    When the resource owner signs in and approves the request
    Then the request is refused as "invalid_request" or "unsupported_response_type", or on an error page, and no access token is issued

  @RT-02 @must
  Scenario Outline: An unknown response_type "<response_type>" receives no access token
    RFC 6749 §3.1.1: response_type must be "token", "code" or a registered extension
    value; §4.2.2.1: otherwise the answer is an error. "<response_type>" is none of
    them, so no token may be issued.

    Given an authorization request from the implicit client
    And the response_type is "<response_type>"
    When the resource owner signs in and approves the request
    Then the request is refused, and no access token is issued

    Examples:
      | response_type |
      | tokenx        |
      | token foo     |

  @RT-02 @should
  Scenario Outline: An unknown response_type "<response_type>" is answered unsupported_response_type
    RFC 6749 §4.2.2.1: "unsupported_response_type: The authorization server does not
    support obtaining an access token using this method", sent to the client. Since
    §3.1.1 points to the query-encoded §4.1.2.1, the query is accepted as well as the
    fragment; invalid_request or an error page is imprecise.

    Given an authorization request from the implicit client
    And the response_type is "<response_type>"
    When the resource owner signs in and approves the request
    Then the client is told "unsupported_response_type", in the fragment or the query

    Examples:
      | response_type |
      | tokenx        |
      | token foo     |

  @RT-02 @should
  Scenario: response_type "TOKEN" is not read as "token"
    RFC 6749 §3.1.1: the value "MUST be one of "code" [...], "token" [...], or a
    registered extension value"; "TOKEN" is none of them. A server that issues a token
    for it is lenient.

    Given an authorization request from the implicit client
    And the response_type is "TOKEN"
    When the resource owner signs in and approves the request
    Then the request is refused, and no access token is issued

  @RT-02 @must
  Scenario: The composite response_type "id_token token" means the same in either word order
    RFC 6749 §3.1.1: a response type may be "a space-delimited (%x20) list of values,
    where the order of values does not matter". Where the server offers "id_token
    token", the request with "token id_token" must end the same way.

    Given the server advertises the response type "id_token token" in its metadata, in either word order
    And an authorization request from the implicit client
    And the request asks for an ID token: the scope includes "openid" and a nonce is sent
    And the response_type is "id_token token"
    When the resource owner signs in and approves the request
    And the same request is sent again with the response_type "token id_token" in a new browser
    Then both requests end the same way

  @RT-03 @must
  Scenario: A server that does not offer response_type "token" issues no token for it
    RFC 6749 §4.2.2.1: a server that does not support the implicit grant answers
    unsupported_response_type. When the metadata (RFC 8414 §2
    response_types_supported) leaves "token" out, a request for it must be refused.

    Given the server does not advertise the response type "token" in its metadata
    And an authorization request from the implicit client for response_type "token"
    When the resource owner signs in and approves the request
    Then no access token is issued
