@error-response
Feature: Error responses
  When the server refuses a request whose client and redirect URI are valid, it tells
  the client through the redirect URI: error, and optionally error_description and
  error_uri, with the state (RFC 6749 §4.2.2.1). Each of these has a defined character
  set, and nothing else belongs in an error — least of all a credential. The probe is a
  request the resource owner denies.

  @ERR-02 @must
  Scenario: The error code is a single code of the allowed characters
    RFC 6749 §4.2.2.1: error is "A single ASCII error code", and "Values for the "error"
    parameter MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E."

    Given an authorization request from the implicit client
    When the resource owner signs in and denies the request
    Then the error code is a single code of the allowed characters

  @ERR-02 @should
  Scenario: The error code is one of the registered codes
    RFC 6749 §4.2.2.1 lists the error codes, OpenID Connect Core §3.1.2.6 adds its own,
    and RFC 6749 §8.5 has further codes registered with IANA. A code from none of these
    lists means nothing to the client.

    Given an authorization request from the implicit client
    When the resource owner signs in and denies the request
    Then the error code is one of the registered codes

  @ERR-03 @must
  Scenario: error_description and error_uri use only the allowed characters
    RFC 6749 §4.2.2.1: "Values for the "error_description" parameter MUST NOT include
    characters outside the set %x20-21 / %x23-5B / %x5D-7E", and "Values for the
    "error_uri" parameter MUST conform to the URI-reference syntax and thus MUST NOT
    include characters outside the set %x21 / %x23-5B / %x5D-7E."

    Given an authorization request from the implicit client
    When the resource owner signs in and denies the request
    Then error_description and error_uri use only the allowed characters

  @ERR-04 @should
  Scenario: An error response carries only the error parameters
    OpenID Connect Core §3.1.2.6 and RFC 6749 §4.2.2.1 define the error response as
    error, error_description, error_uri and state (RFC 9207 adds iss, OpenID Connect
    Session Management session_state). Other parameters should not appear.

    Given an authorization request from the implicit client
    When the resource owner signs in and denies the request
    Then the error response carries no parameters other than error, error_description, error_uri, state and iss

  @ERR-05 @must
  Scenario: An error response carries no credential
    RFC 6749 §4.2.2.1: a refused request is answered with an error instead of the
    access token; an access_token, code or id_token beside the error hands out a
    credential the resource owner refused.

    Given an authorization request from the implicit client
    When the resource owner signs in and denies the request
    Then the error response carries no access token, code or ID token

  @ERR-06 @should
  Scenario: A refused request with a valid redirect URI is answered without a server error
    RFC 6749 §4.2.2.1: "server_error: The authorization server encountered an unexpected
    condition that prevented it from fulfilling the request. (This error code is needed
    because a 500 Internal Server Error HTTP status code cannot be returned to the client
    via an HTTP redirect.)" With a valid client and redirect URI, even a failure reaches
    the client as an error, not as an HTTP 5xx page. The probe is an unknown
    response_type, a path servers often handle badly.

    Given an authorization request from the implicit client
    And the response_type is "tokenx"
    When the resource owner signs in and approves the request
    Then no page of the flow answered with a server error (HTTP 5xx)
