@scope
Feature: The scope parameter
  scope is a list of space-delimited, case-sensitive tokens defined by the server
  (RFC 6749 §3.3). The server may narrow what is asked for, but must then say what it
  granted; without scope it uses its default or refuses with invalid_scope.

  @SCOPE-01 @must
  Scenario: An unknown scope is refused or visibly left out
    RFC 6749 §3.3: the server "MAY fully or partially ignore the scope requested", but
    "If the issued access token scope is different from the one requested by the
    client, the authorization server MUST include the "scope" response parameter".
    Asking for the client's scope plus "unknown_xyz": invalid_scope, or a token whose
    returned scope leaves unknown_xyz out. A refusal on an error page is a warning: the
    client and its redirect URI are valid, so §4.2.2.1 has the server inform the client
    "by adding the following parameters to the fragment component of the redirection URI".

    Given an authorization request from the implicit client
    And the request asks for the client's scope followed by "unknown_xyz"
    When the resource owner signs in and approves the request
    Then the scope "unknown_xyz" is refused, or left out of the scope returned with the token

  @SCOPE-02 @should
  Scenario: A request without scope gets the default scope or invalid_scope
    RFC 6749 §3.3: "If the client omits the scope parameter when requesting
    authorization, the authorization server MUST either process the request using a
    pre-defined default value or fail the request indicating an invalid scope." Any
    other error is imprecise.

    Given an authorization request from the implicit client
    And the request carries no "scope"
    When the resource owner signs in and approves the request
    Then the request is served with the default scope, or refused with "invalid_scope"

  @SCOPE-03 @should
  Scenario Outline: A scope holding <characters> is not granted
    RFC 6749 Appendix A.4: scope-token = 1*NQCHAR, and NQCHAR (%x21 / %x23-5B /
    %x5D-7E) excludes the double quote and the backslash. The scope <scope> is
    malformed: refused, or left out of the scope returned with the token.

    Given an authorization request from the implicit client
    And the request asks for the scope "<scope>"
    When the resource owner signs in and approves the request
    Then the malformed scope is refused, or left out of the scope returned with the token

    Examples:
      | characters     | scope   |
      | double quotes  | "read"  |
      | a backslash    | re\ad   |
