@browser
Feature: The client's page reads the response in a real browser
  Step 4 of the implicit grant is why it exists: the browser keeps the fragment of the
  redirect to itself (RFC 6749 §4.2, step (D): "the user-agent retains the fragment
  information locally"), loads the client's page without it, and the page's script
  reads the token from location.hash (steps (E) and (F)). A browser carries a fragment
  across a redirect whose Location has none (RFC 9110 §10.2.2), but a Location with its
  own fragment, or a script navigation, leaves it behind. These scenarios run the flow
  to the end in a headless chromium, with a client of the target profile
  (clients.browser_client) whose redirect URI is a page the harness serves on loopback.
  Without that client, or without a chromium, they are skipped with the reason.

  @FRAG-01 @must
  Scenario: The client's page reads the access token from the fragment
    RFC 6749 §4.2.2: the server adds the access token and state "to the fragment
    component of the redirection URI"; §4.2 (F): the client's page "extracts the access
    token retained by the user-agent". In the browser, the page at the redirect URI finds
    in location.hash the token and the state of the server's redirect.

    Given an authorization request from the browser client
    When the resource owner signs in and approves the request in a real browser
    Then the client's page reads from location.hash the token and the state the server sent

  @FRAG-01 @must
  Scenario: The fragment survives every redirect of the flow
    RFC 9110 §10.2.2: "If the Location value provided in a 3xx (Redirection) response
    does not have a fragment component, a user agent MUST process the redirection as if
    the value inherits the fragment component of the URI reference used to generate the
    target URI". Whatever redirects follow the server's token redirect, every parameter
    of its fragment arrives, unchanged, at the client's page.

    Given an authorization request from the browser client
    When the resource owner signs in and approves the request in a real browser
    Then every parameter of the fragment the server sent arrives unchanged at the client's page

  @FRAG-02 @must
  Scenario: The token never reaches the client's web server
    RFC 6749 §4.2 (D): the user agent retains the fragment; it is not sent to the
    client's server. The Multiple Response Type Encoding Practices §5 forbid a token in
    the query. The server that serves the client's page logs every request the browser
    makes to it, the page and what the page loads: the token is in no path, no query and
    no Referer header.

    Given an authorization request from the browser client
    When the resource owner signs in and approves the request in a real browser
    Then the client's web server received no token: not in a path, a query or a Referer

  @SEC-03 @should
  Scenario: The token redirect, or the pages before it, set a Referrer-Policy
    RFC 9700 §4.2.4: the pages of the authorization server, and the redirect that
    carries the token, should keep their address from other origins with a referrer
    policy (no-referrer, same-origin or strict-origin*), so that what the browser sends
    onward from the client's page carries nothing of the flow.

    Given an authorization request from the browser client
    When the resource owner signs in and approves the request in a real browser
    Then the token redirect, or every page of the server before it, sets a referrer policy that keeps its address from other origins
