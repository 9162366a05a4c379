@redirect-uri
Feature: Redirect URIs crafted to slip past the comparison
  An attacker who gets the browser sent to a URI of their choosing, with the token in
  its fragment, owns the resource owner's account. RFC 9700 §4.1 describes the tricks:
  userinfo, subdomains, dot-segments, percent-encoding, inputs that URL parsers read
  differently. RFC 9700 §2.1 answers all of them with exact string matching. Each
  probe below must end on the server's own page: no redirect, meta refresh,
  self-submitting form or script sends the browser to the URI, and no token is issued.
  The column on the right shows each change made to "https://client.example.com/cb";
  the harness makes the same change to the target's registered URI.

  @RDR-12 @must
  Scenario: A redirect URI with a fragment is never redirected to
    RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component." The request
    sends "https://client.example.com/cb#frag" (the "#" written as %23); the server must
    refuse it, not cut the fragment off and use the rest.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with a fragment
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-13 @must
  Scenario Outline: A redirect URI with <change> is never redirected to
    RFC 9700 §4.1 and RFC 3986 §3.2.1: text before an "@" in the authority is userinfo,
    so "https://client.example.com@evil.example/cb" leads to evil.example. The host must
    be the registered one and no userinfo may be added.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

    Examples:
      | change                                             | for https://client.example.com/cb             |
      | its host as userinfo before evil.example           | https://client.example.com@evil.example/cb    |
      | evil.example as userinfo before its host           | https://evil.example@client.example.com/cb    |
      | its host followed by an encoded @ and evil.example | https://client.example.com%40evil.example/cb  |

  @RDR-14 @must
  Scenario Outline: A redirect URI with <change> is never redirected to
    RFC 9700 §4.1: browsers resolve dot-segments before they send a request, so a server
    that accepts "https://client.example.com/cb/../evil" because it starts like the
    registered URI sends the token to "/evil". Exact string comparison refuses every one.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

    Examples:
      | change                                   | for https://client.example.com/cb         |
      | a dot-segment climbing out of the path   | https://client.example.com/cb/../evil     |
      | a dot-segment with an encoded slash      | https://client.example.com/cb/..%2Fevil   |
      | a dot-segment with encoded dots          | https://client.example.com/cb/%2e%2e/evil |
      | a dot-segment with a semicolon           | https://client.example.com/cb/..;/evil    |
      | a dot-segment resolving to the same path | https://client.example.com/cb/x/..        |

  @RDR-15 @must
  Scenario Outline: A redirect URI with <change> is never redirected to
    RFC 9700 §4.1: a host that merely ends or starts like the registered one can belong
    to anyone. Only the registered host matches.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

    Examples:
      | change                            | for https://client.example.com/cb          |
      | a subdomain of its host           | https://evil.client.example.com/cb         |
      | evil.example appended to its host | https://client.example.com.evil.example/cb |
      | characters appended to its host   | https://client.example.comx.example/cb     |
      | characters prepended to its host  | https://xclient.example.com/cb             |

  @RDR-16 @must
  Scenario Outline: A redirect URI with <change> is never redirected to
    RFC 3986 §6.2.1 and RFC 9700 §4.1.3: percent-encoding an "/" or encoding twice makes
    a different URI, one that servers and browsers decode differently.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

    Examples:
      | change                                    | for https://client.example.com/cb |
      | the slash before the path percent-encoded | https://client.example.com%2Fcb   |
      | a double-encoded character                | https://client.example.com/c%2562 |

  @RDR-16 @should
  Scenario: A redirect URI with an unreserved character percent-encoded is not redirected to
    RFC 3986 §6.2.2.2 makes "https://client.example.com/c%62" equivalent to ".../cb" after
    normalisation, but RFC 6749 §3.1.2.3 compares strings without it. Accepting it is a
    warning.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with an unreserved character percent-encoded
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-17 @must
  Scenario Outline: A redirect URI with <change> is never redirected to
    RFC 9700 §4.1: URL parsers disagree on backslashes, whitespace, trailing dots and
    nested parameters; a server whose parser is lenient lets the browser's parser choose
    the destination. Exact string comparison refuses all of them.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

    Examples:
      | change                                             | for https://client.example.com/cb                      |
      | a backslash and evil.example after its host        | https://client.example.com\@evil.example/cb            |
      | a TAB at the end                                   | https://client.example.com/cb<TAB>                     |
      | a line break in the path                           | https://client.example.com/c<CR><LF>b                  |
      | a space in the path                                | https://client.example.com/c b                         |
      | a trailing dot on its host                         | https://client.example.com./cb                         |
      | a nested redirect_uri to evil.example in the query | https://client.example.com/cb?redirect_uri=https://evil.example |

  @RDR-18 @must
  Scenario: A loopback redirect URI is accepted on any port
    RFC 8252 §7.3: "The authorization server MUST allow any port to be specified at the
    time of the request for loopback IP redirect URIs". Registered as
    "http://127.0.0.1/cb", the request's "http://127.0.0.1:51004/cb" gets the token.
    Skipped when the profile names no native client, or when the server refuses the
    implicit grant to native clients (RFC 8252 §8.2 advises against it).

    Given an authorization request from the native client with a loopback redirect URI
    And the redirect URI is the registered one with a port
    When the resource owner signs in and approves the request
    Then the client receives an access token at that redirect URI

  @RDR-19 @must
  Scenario Outline: A loopback redirect URI with <change> is never redirected to
    RFC 8252 §7.3, §8.3 and §8.4: only the port of a loopback redirect URI may vary; the
    scheme, the host and the path must be the registered ones.

    Given an authorization request from the native client with a loopback redirect URI
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

    Examples:
      | change                           | for http://127.0.0.1/cb          |
      | a port and another path          | http://127.0.0.1:51004/cb/other  |
      | a port and https instead of http | https://127.0.0.1:51004/cb       |
      | a port and 127.0.0.2 as host     | http://127.0.0.2:51004/cb        |

  @RDR-19 @should
  Scenario: A loopback redirect URI with localhost for 127.0.0.1 is not redirected to
    RFC 8252 §8.3: loopback redirects should use the IP literal, and "localhost" is not
    "127.0.0.1" as a string. Registered as "http://127.0.0.1/cb", accepting
    "http://localhost:51004/cb" is a warning.

    Given an authorization request from the native client with a loopback redirect URI
    And the redirect URI is the registered one with a port and localhost as host
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI

  @RDR-22 @must
  Scenario Outline: A redirect URI with <change> is never redirected to, for a signed-in user who approved the client before
    RFC 6749 §3.1.2.4 and RFC 9700 §4.11.2: the redirect URI is checked on every request,
    also when the resource owner already has a session and has approved the client once
    in this browser.

    Given the resource owner has already signed in and approved the implicit client in this browser
    And an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner approves the request in the same browser
    Then the browser is never sent to the redirect URI

    Examples:
      | change                                   | for https://client.example.com/cb          |
      | a further path segment                   | https://client.example.com/cb/x            |
      | its host as userinfo before evil.example | https://client.example.com@evil.example/cb |
      | a subdomain of its host                  | https://evil.client.example.com/cb         |

  @RDR-22 @must
  Scenario Outline: A redirect URI with <change> is never redirected to, when the user denies
    RFC 6749 §3.1.2.4 and §4.2.2.1: a denial is reported through the redirect URI only
    when that URI is valid. The check holds whatever the resource owner decides.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    When the resource owner signs in and denies the request
    Then the browser is never sent to the redirect URI

    Examples:
      | change                                   | for https://client.example.com/cb          |
      | a further path segment                   | https://client.example.com/cb/x            |
      | its host as userinfo before evil.example | https://client.example.com@evil.example/cb |
      | a subdomain of its host                  | https://evil.client.example.com/cb         |

  @RDR-22 @must
  Scenario Outline: A redirect URI with <change> is never redirected to, when no interaction is asked for
    RFC 6749 §3.1.2.4 and RFC 9700 §4.11.2: with prompt=none (OpenID Connect Core §3.1.2.1)
    the server answers at once, with a token or an error sent to the redirect URI — but
    only to a valid one. The resource owner is signed in and has approved the client once.

    Given the resource owner has already signed in and approved the implicit client in this browser
    And an authorization request from the implicit client
    And the redirect URI is the registered one with <change>
    And the request asks the server not to interact with the resource owner (prompt=none)
    When the request is sent in the same browser
    Then the browser is never sent to the redirect URI

    Examples:
      | change                                   | for https://client.example.com/cb          |
      | a further path segment                   | https://client.example.com/cb/x            |
      | its host as userinfo before evil.example | https://client.example.com@evil.example/cb |
      | a subdomain of its host                  | https://evil.client.example.com/cb         |

  @RDR-24 @must
  Scenario Outline: An unregistered redirect URI is never redirected to, even when <another error>
    RFC 6749 §4.2.2.1: "If the request fails due to a missing, invalid, or mismatching
    redirection URI [...] the authorization server SHOULD inform the resource owner of the
    error and MUST NOT automatically redirect the user-agent to the invalid redirection
    URI." Only errors of a request whose redirect URI is valid are sent to it (§3.1.2.4),
    so the redirect URI is checked before anything else. The request names
    "https://client.example.com/cb/x" for "https://client.example.com/cb" and has a second
    error; sending that error to the unregistered URI is a failure.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with a further path segment
    And <the second error>
    When the resource owner signs in and approves the request
    Then the browser is never sent to the unregistered redirect URI, not even with an error

    Examples:
      | another error                     | the second error                                                                              |
      | the response_type is unknown      | the response_type is "tokenx"                                                                 |
      | the scope is unknown              | the request asks for the scope "unknown_xyz"                                                  |
      | the state is sent twice           | the request carries the state twice, as "first-state-0123" and then "second-state-0123"       |

  @RDR-24 @must
  Scenario: An unregistered redirect URI is never redirected to, even when prompt=none finds no session
    RFC 6749 §4.2.2.1 and OpenID Connect Core §3.1.2.1: prompt=none without a session at
    the server is answered with login_required — but only through a valid redirect URI.
    The request names "https://client.example.com/cb/x" and is sent from a fresh browser.

    Given an authorization request from the implicit client
    And the redirect URI is the registered one with a further path segment
    And the request asks for the prompt "none"
    When the browser sends the request without a session at the server
    Then the browser is never sent to the unregistered redirect URI, not even with an error

  @RDR-24 @must
  Scenario Outline: An unregistered redirect URI is never redirected to, even when the "<response type>" request has no nonce
    RFC 6749 §4.2.2.1 and OpenID Connect Core §3.2.2.1: the implicit flow's nonce is
    REQUIRED, and its absence is an error for the client — to be sent only through a
    valid redirect URI. The request names "https://client.example.com/cb/x" and carries
    no nonce. Skipped when the target does not offer the response type.

    Given an OpenID Connect request for "<response type>" from the implicit client
    And the redirect URI is the registered one with a further path segment
    And the OpenID Connect request carries no nonce
    When the resource owner signs in and approves the request
    Then the browser is never sent to the unregistered redirect URI, not even with an error

    Examples:
      | response type  |
      | id_token token |
      | id_token       |

  @RDR-16 @should
  Scenario: A redirect URI with its percent-encoding in other-case hex is not redirected to
    RFC 3986 §6.2.2.1 makes "%c3%a9" and "%C3%A9" equivalent after normalisation, but
    RFC 6749 §3.1.2.3 compares strings without it: registered as
    "https://client.example.com/caf%C3%A9", the URI ".../caf%c3%a9" does not match.
    Accepting it is a warning. Skipped when no client of the target profile has a
    redirect URI registered with percent-encoding.

    Given an authorization request from a client with a redirect URI registered with percent-encoding
    And the redirect URI is the registered one with the hex digits of its percent-encoding in other case
    When the resource owner signs in and approves the request
    Then the browser is never sent to the redirect URI
