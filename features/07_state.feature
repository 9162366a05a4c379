@state
Feature: The state value
  The client sends an opaque "state" value to tie the response to its request and to
  defend against cross-site request forgery. RFC 6749 §4.2.2 requires it back "REQUIRED if
  the state parameter was present in the client authorization request. The exact value
  received from the client." The response is form-encoded in the fragment (Appendix B),
  so every character must survive one encoding by the server and one decoding by the client.

  @STATE-01 @must
  Scenario: A plain state is echoed exactly
    RFC 6749 §4.2.2: the state in the response is the exact value received.

    Given an authorization request from the implicit client
    And the state is "Xy7-plain.state_value~0123456789"
    When the resource owner signs in and approves the request
    Then the state in the response is exactly the one sent

  @STATE-03 @must
  Scenario Outline: A state holding <characters> is echoed exactly
    RFC 6749 §4.2.2 and Appendix B: the state is any visible ASCII text (A.5). The server
    must encode it in the fragment so that the client decodes the exact value, whether
    the request wrote a space as "+" or as "%20".

    Given an authorization request from the implicit client
    And the state is "<state>"
    And spaces in the request are written as "<space>"
    When the resource owner signs in and approves the request
    Then the state in the response is exactly the one sent

    Examples:
      | characters                   | state                              | space |
      | a space                      | state with spaces 0123             | +     |
      | a space sent as %20          | state with spaces 0123             | %20   |
      | a plus sign                  | a+b+c+state-0123                   | +     |
      | an ampersand and equals sign | x&access_token=forged&y=z          | +     |
      | a hash                       | before#after-0123                  | +     |
      | a percent sign               | 100%25-literal-%zz-0123            | +     |
      | a slash and question mark    | /path/to?query=1                   | +     |
      | all of them at once          | a b+c%d&e=f#g?h/i"j'k<l>m~n        | %20   |

  @STATE-08 @must
  Scenario: A state holding non-ASCII characters is echoed exactly or refused
    RFC 6749 Appendix A.5 limits state to visible ASCII, so a server may refuse
    "Zürich-東京-🦄" with invalid_request (§10.14 lets it sanitise input). If it accepts
    it, it must return it exactly: a mangled state breaks the client's CSRF check.

    Given an authorization request from the implicit client
    And the state is "Zürich-東京-🦄-0123"
    When the resource owner signs in and approves the request
    Then the state comes back exactly as sent, unless the request is refused as invalid

  @STATE-06 @must
  Scenario: A request without state gets no state back
    RFC 6749 §4.2.2 returns state only "if the state parameter was present in the client
    authorization request". A server that invents one confuses the client.

    Given an authorization request from the implicit client
    And the request carries no state
    When the resource owner signs in and approves the request
    Then the response carries no state

  @STATE-06 @should
  Scenario: A request without state is still answered with an access token
    RFC 6749 §4.2.1 makes state RECOMMENDED, not REQUIRED: a server that refuses a
    request for lacking it is stricter than the specification.

    Given an authorization request from the implicit client
    And the request carries no state
    When the resource owner signs in and approves the request
    Then the client receives an access token

  @STATE-06 @must
  Scenario: A request with an empty state gets no state value back
    RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were
    omitted from the request", so "state=" is no state, and none may be invented.

    Given an authorization request from the implicit client
    And the request carries an empty state
    When the resource owner signs in and approves the request
    Then the response carries no state

  @STATE-06 @should
  Scenario: A request with an empty state is still answered with an access token
    RFC 6749 §3.1 treats "state=" as omitted, and §4.2.1 makes state RECOMMENDED: a
    server that refuses the request is stricter than the specification.

    Given an authorization request from the implicit client
    And the request carries an empty state
    When the resource owner signs in and approves the request
    Then the client receives an access token

  @STATE-06 @should
  Scenario: A request with an empty state gets no empty state parameter back
    RFC 6749 §4.2.2 returns state only "if the state parameter was present in the client
    authorization request"; "state=" counts as absent (§3.1), so an empty "state="
    in the response is a parameter the client did not ask for.

    Given an authorization request from the implicit client
    And the request carries an empty state
    When the resource owner signs in and approves the request
    Then the response carries no state parameter at all

  @STATE-06 @should
  Scenario: A request without state gets no empty state parameter back
    RFC 6749 §4.2.2 returns state only "if the state parameter was present in the client
    authorization request": not even an empty "state=".

    Given an authorization request from the implicit client
    And the request carries no state
    When the resource owner signs in and approves the request
    Then the response carries no state parameter at all

  @STATE-04 @must
  Scenario: A state that tries to inject an access token stays inside its parameter
    RFC 6749 Appendix B: the server form-encodes the state in the fragment, so the state
    below comes back as one value. Written raw, its "&" would add a second access_token,
    and its "#", space and double quote would break the redirect URI.

    Given an authorization request from the implicit client
    And the state is "x&access_token=forged#a b"c"
    When the resource owner signs in and approves the request
    Then the response holds exactly one access token, and the state is encoded within its parameter

  @STATE-05 @must
  Scenario: A state of 128 characters is echoed exactly
    RFC 6749 Appendix A.5 sets no maximum length for state; 128 characters is what
    ordinary clients send, and the OpenID Foundation's suite expects it back exactly.

    Given an authorization request from the implicit client
    And the state is 128 characters long
    When the resource owner signs in and approves the request
    Then the state in the response is exactly the one sent

  @STATE-05 @must
  Scenario Outline: A state of <length> characters is echoed whole, or refused cleanly
    RFC 6749 Appendix A.5 sets no maximum; a server may refuse a very long state with
    invalid_request, an error page or HTTP 414, but a truncated echo breaks the client's
    check, and a server error is no answer.

    Given an authorization request from the implicit client
    And the state is <length> characters long
    When the resource owner signs in and approves the request
    Then the state comes back exactly as sent, unless the request is refused cleanly

    Examples:
      | length |
      | 1000   |
      | 2048   |
      | 4096   |

  @STATE-05 @should
  Scenario Outline: A state of <length> characters is accepted and echoed
    RFC 6749 Appendix A.5 sets no maximum length for state, and clients that keep their
    context in it send long values: refusing them is stricter than the specification.

    Given an authorization request from the implicit client
    And the state is <length> characters long
    When the resource owner signs in and approves the request
    Then the state in the response is exactly the one sent

    Examples:
      | length |
      | 1000   |
      | 2048   |
      | 4096   |

  @STATE-07 @must
  Scenario: A request with two state values is refused
    RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than
    once." The request "state=first-state-0123&state=second-state-0123" must be refused,
    by an error sent to the client or on an error page; serving it with either value is a
    failure (judged as AEP-05 is).

    Given an authorization request from the implicit client
    And the request carries the state twice, as "first-state-0123" and then "second-state-0123"
    When the resource owner signs in and approves the request
    Then the request is refused, and no access token is issued

  @STATE-07 @should
  Scenario: A request with two state values is refused as invalid_request
    RFC 6749 §4.2.2.1: invalid_request is the error for a request that "includes a
    parameter more than once"; another error code is imprecise (judged as AEP-05 is).

    Given an authorization request from the implicit client
    And the request carries the state twice, as "first-state-0123" and then "second-state-0123"
    When the resource owner signs in and approves the request
    Then the request is refused as invalid, and no access token is issued

  @STATE-02 @must
  Scenario Outline: An error for <problem> carries the state back
    RFC 6749 §4.2.2.1: every error response sent to the redirect URI carries "state:
    REQUIRED if a "state" parameter was present in the client authorization request.
    The exact value received from the client." A server that shows an error page
    instead sends no error response, and the scenario is skipped.

    Given an authorization request from <client>
    And the state is "error-state-0123"
    And the request asks for <change>
    When the resource owner signs in and approves the request
    Then any error response sent to the client carries the state exactly

    Examples:
      | problem                      | client                                                   | change                                   |
      | an unsupported response type | the implicit client                                      | the response type "unsupported_type_xyz" |
      | an unknown scope             | the implicit client                                      | the scope "unknown_scope_xyz"            |
      | a client not allowed tokens  | the client that is not allowed the implicit grant        | the implicit grant                       |
      | prompt=none without session  | the implicit client                                      | the prompt "none"                        |
