@consent
Feature: The resource owner's decision
  After signing in, the resource owner approves or denies the client's request.
  A denial is reported to the client as an error in the fragment of the redirect URI,
  with the client's state (RFC 6749 §4.2.2.1).

  @ERR-01 @must
  Scenario: A denied request is reported as access_denied
    RFC 6749 §4.2.2.1: "access_denied: The resource owner or authorization server denied
    the request", added to the fragment of the redirect URI.

    Given an authorization request from the implicit client
    When the resource owner signs in and denies the request
    Then the client receives the error "access_denied"

  @STATE-02 @must
  Scenario: A denied request carries the state back
    RFC 6749 §4.2.2.1: "state: REQUIRED if a "state" parameter was present in the client
    authorization request. The exact value received from the client."

    Given an authorization request from the implicit client
    And the state is "denied-flow-state-4711"
    When the resource owner signs in and denies the request
    Then the error response carries the state exactly
