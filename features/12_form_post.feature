@response-mode
Feature: Where and how the response is delivered
  For response_type=token the response is added to the fragment of the redirect URI,
  errors included (RFC 6749 §4.2.2, §4.2.2.1). A client may name the delivery with
  response_mode (OAuth 2.0 Multiple Response Type Encoding Practices §2.1): "fragment"
  is the default, "query" must never carry a token, and "form_post" posts the response
  from an auto-submitting HTML page (OAuth 2.0 Form Post Response Mode §2).

  @FRAG-05 @must
  Scenario: A denial is reported in the fragment
    RFC 6749 §4.2.2.1: the error parameters are added "to the fragment component of the
    redirection URI", not to its query, which servers and proxies log.

    Given an authorization request from the implicit client
    When the resource owner signs in and denies the request
    Then any error response sent to the client is in the fragment

  @FRAG-05 @must
  Scenario Outline: An error for <problem> is reported in the fragment
    RFC 6749 §4.2.2.1: errors to an implicit request go in the fragment. A server that
    shows an error page instead sends no error response, and the scenario is skipped.

    Given an authorization request from <client>
    And the request asks for <change>
    When the resource owner signs in and approves the request
    Then any error response sent to the client is in the fragment

    Examples:
      | problem                     | client                                            | change                        |
      | an unknown scope            | the implicit client                               | the scope "unknown_scope_xyz" |
      | a client not allowed tokens | the client that is not allowed the implicit grant | the implicit grant            |

  @FRAG-06 @should
  Scenario: An explicit response_mode=fragment is honoured
    OAuth 2.0 Multiple Response Type Encoding Practices §2.1: "fragment" is the default
    mode of response_type=token; naming it must change nothing.

    Given an authorization request from the implicit client
    And the request asks for the response mode "fragment"
    When the resource owner signs in and approves the request
    Then the response is in the fragment of the redirect URI

  @FRAG-06 @should
  Scenario: An unknown response_mode is refused
    OAuth 2.0 Multiple Response Type Encoding Practices §2.1 defines the modes; a server
    that silently uses its default for "response_mode=unknown_mode_xyz" answers in a way
    the client did not ask for. invalid_request or an error page is the expected answer.

    Given an authorization request from the implicit client
    And the request asks for the response mode "unknown_mode_xyz"
    When the resource owner signs in and approves the request
    Then the request is refused rather than the response mode ignored

  @FRAG-07 @must
  Scenario: response_mode=query never puts the access token in the query
    OAuth 2.0 Multiple Response Type Encoding Practices §5: "the authorization server
    MUST NOT return [access tokens] in the query". Refusing the request, or answering in
    the fragment regardless, are both fine.

    Given an authorization request from the implicit client
    And the request asks for the response mode "query"
    When the resource owner signs in and approves the request
    Then no access token is put in the query

  @FP-01 @must
  Scenario: response_mode=form_post posts the response from an HTML form
    OAuth 2.0 Form Post Response Mode §2: the response is an HTML page with a form whose
    action is the redirect URI, method POST (form-urlencoded), each parameter a hidden
    input; nothing is added to the URL. Skipped when the target's metadata lists response modes without
    form_post, or when it lists none and does not answer with a form.

    Given an authorization request from the implicit client
    And the request asks for the response mode "form_post"
    When the resource owner signs in and approves the request
    Then the response arrives as a form POST to the redirect URI, every parameter a hidden input

  @FP-02 @must
  Scenario: The form_post page is not cached
    OAuth 2.0 Form Post Response Mode §2: the page carries the access token, so it must
    not be stored or reused: "Cache-Control: no-store".

    Given an authorization request from the implicit client
    And the request asks for the response mode "form_post"
    When the resource owner signs in and approves the request
    Then the page that posts the response forbids caching

  @FP-03 @should
  Scenario: A denial under form_post is posted with the state
    OAuth 2.0 Form Post Response Mode §2 and Multiple Response Type Encoding Practices
    §5: errors use the requested mode too, so the client hears of the denial by a POST
    carrying the error and its state "form-post-denied-0123".

    Given an authorization request from the implicit client
    And the state is "form-post-denied-0123"
    And the request asks for the response mode "form_post"
    When the resource owner signs in and denies the request
    Then the error is posted to the redirect URI with the state
