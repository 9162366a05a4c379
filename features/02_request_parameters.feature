@request-parameters
Feature: The parameters of the authorization request
  The authorization endpoint reads the request's parameters by the rules of RFC 6749
  §3.1: a parameter sent without a value counts as omitted, unrecognised parameters
  are ignored, the order of the parameters does not matter, and no parameter may be
  sent more than once. The endpoint URL may carry a query of its own but no fragment.

  @AEP-03 @must
  Scenario: An empty scope is treated as an omitted scope
    RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were
    omitted from the request." A request with "scope=" must end the same way as the
    same request without scope: both served, or both refused with the same error.

    Given an authorization request from the implicit client
    And the request carries "scope" with an empty value
    When the resource owner signs in and approves the request
    And the same request is sent again without "scope" in a new browser
    Then both requests end the same way

  @AEP-03 @must
  Scenario: An empty redirect_uri is treated as an omitted redirect_uri
    RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were
    omitted from the request." A request with "redirect_uri=" must end the same way as
    the same request without redirect_uri.

    Given an authorization request from the implicit client
    And the request carries "redirect_uri" with an empty value
    When the resource owner signs in and approves the request
    And the same request is sent again without "redirect_uri" in a new browser
    Then both requests end the same way

  @AEP-03 @must
  Scenario: An empty unknown parameter is treated as an omitted one
    RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were
    omitted from the request." A request with "foo=" must end the same way as the same
    request without it.

    Given an authorization request from the implicit client
    And the request carries "foo" with an empty value
    When the resource owner signs in and approves the request
    And the same request is sent again without "foo" in a new browser
    Then both requests end the same way

  @AEP-04 @must
  Scenario: Unknown request parameters are ignored
    RFC 6749 §3.1: "The authorization server MUST ignore unrecognized request
    parameters." A valid request with extra=foobar and x_vendor=1 added is served.

    Given an authorization request from the implicit client
    And the request also carries "extra" with the value "foobar"
    And the request also carries "x_vendor" with the value "1"
    When the resource owner signs in and approves the request
    Then the request is served, not refused

  @AEP-04 @must
  Scenario: The order of the request parameters does not matter
    RFC 6749 §3.1 and Appendix B: the parameters are an
    application/x-www-form-urlencoded set of name=value pairs; nothing gives their order
    a meaning. A valid request with its parameters in reverse order (state first,
    response_type last) is served.

    Given an authorization request from the implicit client
    And the request parameters are sent in reverse order
    When the resource owner signs in and approves the request
    Then the request is served, not refused

  @AEP-04 @must
  Scenario: The order of the scope tokens does not matter
    RFC 6749 §3.3: "The value of the scope parameter is expressed as a list of
    space-delimited, case-sensitive strings. [...] If the value contains multiple
    space-delimited strings, their order does not matter". A valid request with its
    scope tokens in reverse order (for "read write": "write read") is served.

    Given an authorization request from the implicit client
    And the scope tokens are sent in reverse order
    When the resource owner signs in and approves the request
    Then the request is served, not refused

  @AEP-05 @must
  Scenario Outline: A request with <parameter> sent twice (<values>) is refused
    RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than
    once". The server must not pick one of the values and issue a token: an error sent
    to the client, or an error page, is the answer (judged as STATE-07 is).

    Given an authorization request from the implicit client
    And "<parameter>" is sent twice, first as <first> and then as <second>
    When the resource owner signs in and approves the request
    Then the request is refused, and no access token is issued

    Examples:
      | parameter     | values           | first              | second             |
      | response_type | the same value   | the client's value | the client's value |
      | response_type | different values | "code"             | the client's value |
      | scope         | the same value   | the client's value | the client's value |
      | scope         | different values | "email"            | the client's value |
      | state         | the same value   | the client's value | the client's value |
      | state         | different values | "first-state-4711" | the client's value |

  @AEP-05 @should
  Scenario Outline: A request with <parameter> sent twice (<values>) is refused as invalid_request
    RFC 6749 §4.2.2.1: invalid_request is the error for a request that "includes a
    parameter more than once"; another error code is imprecise (judged as STATE-07 is).

    Given an authorization request from the implicit client
    And "<parameter>" is sent twice, first as <first> and then as <second>
    When the resource owner signs in and approves the request
    Then the request is refused as invalid, and no access token is issued

    Examples:
      | parameter     | values           | first              | second             |
      | response_type | the same value   | the client's value | the client's value |
      | response_type | different values | "code"             | the client's value |
      | scope         | the same value   | the client's value | the client's value |
      | scope         | different values | "email"            | the client's value |
      | state         | the same value   | the client's value | the client's value |
      | state         | different values | "first-state-4711" | the client's value |

  @AEP-05 @must
  Scenario Outline: A request with <parameter> sent twice (<values>) is never redirected
    RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than
    once." With the client or its redirect URI in doubt, §4.2.2.1 applies: the server
    "MUST NOT automatically redirect the user-agent" — not to either URI, not to a
    registered one — and should inform the resource owner instead.

    Given an authorization request from the implicit client
    And "<parameter>" is sent twice, first as <first> and then as <second>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

    Examples:
      | parameter    | values           | first                     | second             |
      | client_id    | the same value   | the client's value        | the client's value |
      | client_id    | different values | "unknown-client-7f3a9c"   | the client's value |
      | redirect_uri | different values | "https://evil.example/cb" | the client's value |

  @AEP-05 @must
  Scenario: A request with redirect_uri sent twice (the same value) is refused without a token
    RFC 6749 §3.1: parameters "MUST NOT be included more than once". With the same
    registered value twice the redirect URI is in no doubt, so besides not redirecting
    at all, the server may send invalid_request to exactly that URI (§4.2.2.1) — but
    never a token, and never to another address.

    Given an authorization request from the implicit client
    And "redirect_uri" is sent twice, first as the client's value and then as the client's value
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI, or only with invalid_request to exactly that URI

  @AEP-06 @must
  Scenario: The authorization endpoint URL has no fragment
    RFC 6749 §3.1: the endpoint URI "MUST NOT include a fragment component". Neither the
    URL in the target profile nor the authorization_endpoint of the server's metadata
    may hold a "#".

    Then the authorization endpoint has no fragment, as configured or as advertised

  @AEP-06 @must
  Scenario: The authorization endpoint URL's own query is kept
    RFC 6749 §3.1: the endpoint URI "MAY include an "application/x-www-form-urlencoded"
    formatted [...] query component, which MUST be retained when adding additional
    query parameters". Where the endpoint URL has a query, a valid request that keeps it
    and adds its parameters after "&" is served.

    Given an authorization request from the implicit client
    And the request goes to the authorization endpoint URL with its own query
    When the resource owner signs in and approves the request
    Then the request is served, not refused
