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
