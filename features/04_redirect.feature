@redirect-uri
Feature: The redirect URI
  The server sends the response to the client's redirect URI. It must use the
  registered URI exactly as registered, and must never send the browser — and with it
  a token or an error — to a URI that does not match (RFC 6749 §3.1.2.3, §4.2.2.1;
  RFC 9700 §4.1).

  @RDR-01 @must
  Scenario: The registered redirect URI is used exactly as registered
    RFC 6749 §3.1.2.3 compares redirect URIs by simple string comparison, and §4.2.2
    sends the response to that URI. The URI the browser is sent to, up to the
    fragment, must be byte for byte the registered one.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the browser is sent to the registered redirect URI exactly

  @RDR-04 @must
  Scenario: A redirect URI with an extra path segment is never redirected to
    RFC 6749 §3.1.2.3 and RFC 9700 §4.1.3: "https://client.example.com/cb/extra" does not
    match "https://client.example.com/cb". The server must not redirect to it, nor fall
    back to the registered URI.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one followed by "/extra"
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-04 @must
  Scenario Outline: A redirect URI with <change> is never redirected to
    RFC 6749 §3.1.2.3 and RFC 9700 §4.1.3: the server compares the redirect URI with the
    registered one by exact string comparison, so a longer path is a different URI. It
    must not redirect to it, nor fall back to the registered URI.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

    Examples:
      | change                            | for https://client.example.com/cb  |
      | a suffix on the last path segment | https://client.example.com/cbx     |
      | a further path segment            | https://client.example.com/cb/x    |

  @RDR-05 @must
  Scenario: A redirect URI with a trailing slash added is never redirected to
    RFC 3986 §6.2.1 and RFC 9700 §4.1.3: "https://client.example.com/cb/" is not
    "https://client.example.com/cb". Exact string comparison sees the slash.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with a trailing slash added
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-05 @must
  Scenario: A redirect URI with its trailing slash removed is never redirected to
    RFC 3986 §6.2.1 and RFC 9700 §4.1.3: registered as "https://client.example.com/app/",
    the URI "https://client.example.com/app" is a different one. Skipped when no client
    of the target profile has a redirect URI registered with a trailing slash.

    Given an authorization request from a client with a redirect URI registered with a trailing slash
    And the redirect URI is the registered one with its trailing slash removed
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-06 @must
  Scenario: A redirect URI with the path in upper case is never redirected to
    RFC 6749 §3.1.2.3 (simple string comparison) and RFC 3986 §6.2.2.1: the path is
    case-sensitive, so "https://client.example.com/CB" is another resource than ".../cb".

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with the path in upper case
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-06 @should
  Scenario: A redirect URI with the host in upper case is not redirected to
    RFC 6749 §3.1.2.3 compares by simple string comparison, so
    "https://CLIENT.example.com/cb" does not match. The host is case-insensitive (RFC 3986
    §6.2.2.1), so the browser lands on the same origin: accepting it is a warning.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with the host in upper case
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-07 @must
  Scenario: A redirect URI with another port is never redirected to
    RFC 9700 §4.1.3: "https://client.example.com:8443/cb" is another origin than
    "https://client.example.com/cb". Skipped for a loopback IP redirect URI, whose port
    may vary (RFC 8252 §7.3).

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with another port
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-07 @should
  Scenario: A redirect URI with the default port written out is not redirected to
    RFC 9700 §4.1.3 asks for exact string matching: "https://client.example.com:443/cb"
    is the same origin as the registered "https://client.example.com/cb", but not the
    same string. Accepting it is a warning.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with the default port written out
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-08 @must
  Scenario: A redirect URI downgraded from https to http is never redirected to
    RFC 9700 §2.6 and RFC 6749 §3.1.2.1: a token sent to "http://client.example.com/cb"
    travels in clear. Skipped when the registered URI is not https.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with http instead of https
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-09 @must
  Scenario: A redirect URI with an added query is never redirected to
    RFC 6749 §3.1.2.2–3: the full redirect URI is registered, so
    "https://client.example.com/cb?foo=bar" does not match it.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with an added query
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-10 @must
  Scenario: A redirect URI with another value in its registered query is never redirected to
    RFC 6749 §3.1.2.2–3: registered as
    "https://client.example.com/cb?dummy1=lorem&dummy2=ipsum", the query must match exactly;
    "...&dummy2=ipsumx" is another URI. Skipped when the profile names no client registered
    with a query.

    Given an authorization request from the client registered with a query in its redirect URI
    And the redirect URI is the registered one with another value in its registered query
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-10 @should
  Scenario: A redirect URI with its registered query parameters reordered is not redirected to
    RFC 6749 §3.1.2.3 compares strings: "?dummy2=ipsum&dummy1=lorem" is not the registered
    "?dummy1=lorem&dummy2=ipsum", although a client reads the same parameters. Accepting
    it is a warning. Skipped when the profile names no client registered with a query.

    Given an authorization request from the client registered with a query in its redirect URI
    And the redirect URI is the registered one with its registered query parameters reordered
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-11 @must
  Scenario: The query of a registered redirect URI is kept as registered
    RFC 6749 §3.1.2: the endpoint URI "MAY include an application/x-www-form-urlencoded
    formatted query component, which MUST be retained when adding additional query
    parameters". For "https://client.example.com/cb?dummy1=lorem&dummy2=ipsum", the browser
    is sent to exactly that URI, the response in the fragment. Skipped when the profile
    names no client registered with a query.

    Given an authorization request from the client registered with a query in its redirect URI
    When the resource owner signs in and approves the request
    Then the browser is sent to the registered redirect URI exactly

  @RDR-02 @must
  Scenario: A request without redirect_uri is answered at the one registered URI, or not redirected
    RFC 6749 §3.1.2.3: with one full redirect URI registered, the client may omit
    redirect_uri; the server then uses the registered one. It may also refuse the request
    on its own page (OpenID Connect requires the parameter). It must never send the
    browser anywhere else.

    Given an authorization request from the implicit client
    And the request carries no redirect_uri
    When the resource owner signs in and approves the request
    Then the response goes to the one registered redirect URI, or the browser is not redirected at all

  @RDR-03 @must
  Scenario: A request without redirect_uri from a client with several registered URIs is never redirected
    RFC 6749 §3.1.2.3: "If multiple redirection URIs have been registered [...] the client
    MUST include a redirection URI with the authorization request". Without one the server
    cannot know where to send the response, and must not pick one (§4.2.2.1). Skipped
    when the profile names no client with several redirect URIs.

    Given an authorization request from the client with several registered redirect URIs
    And the request carries no redirect_uri
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-21 @must
  Scenario Outline: A refused redirect URI with <change> is not replaced by a registered one
    RFC 6749 §4.2.2.1: for a mismatching redirection URI the server "MUST NOT automatically
    redirect the user-agent" — and sending the error or a token to a registered URI instead
    is such a redirect.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and approves the request
    Then the browser is not sent to a registered redirect URI instead

    Examples:
      | change                            | for https://client.example.com/cb          |
      | a further path segment            | https://client.example.com/cb/x            |
      | evil.example appended to its host | https://client.example.com.evil.example/cb |

  @CID-01 @must
  Scenario: A request without client_id is never redirected
    RFC 6749 §4.2.2.1: "if the client identifier is missing or invalid, the authorization
    server SHOULD inform the resource owner of the error and MUST NOT automatically
    redirect the user-agent to the invalid redirection URI."

    Given an authorization request from the implicit client
    And the request carries no client_id
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @CID-01 @must
  Scenario: A request with the client_id in other case is never redirected
    RFC 6749 §2.2 and §4.2.2.1: the client identifier is the string the server issued;
    "SPA" is not "spa". An invalid identifier is never redirected, nor served.

    Given an authorization request from the implicit client
    And the client_id is the registered one in other case
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI
