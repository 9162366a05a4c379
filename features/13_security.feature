@security
Feature: Security of the authorization pages
  The authorization endpoint and the login and consent pages it leads to handle the
  resource owner's credentials and decision, so they must be protected like any login:
  by TLS, against framing, referrer leaks, caching, cross-origin reads, re-posted
  credentials and reflected markup (RFC 6749 §10, RFC 6819, RFC 9700 §2.6 and §4).

  @SEC-01 @must
  Scenario: Every page of the flow is served over https
    RFC 6749 §3.1: "the authorization server MUST require the use of TLS" when the
    endpoint is requested; §10.9 and §10.11 extend this to every page where the
    resource owner authenticates or decides. Every request of an ordinary flow —
    the endpoint, the login page, the consent page — must be https. A plain-http
    target fails this scenario even on 127.0.0.1: such a local test setup really
    offers no TLS. Deselect it there with --tags "~@SEC-01" and say so in the report.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then every request the browser made to the server used https

  @SEC-01 @must
  Scenario: The plain-http address of the endpoint serves no sign-in page
    RFC 6749 §3.1, §10.9 and RFC 9700 §2.6: the http:// form of the authorization
    endpoint must not show the login page nor answer the client; a redirect to https
    (or an error) is the only acceptable answer. The request is sent to the http origin
    of the endpoint's host that the target profile lists in allowed_origins; skipped
    when it lists none (the harness never guesses addresses to contact).

    Given an authorization request from the implicit client
    When the authorization request is sent to the plain-http address of the same host
    Then that address serves no sign-in page and sends nothing to the client

  @SEC-01 @should
  Scenario: The authorization endpoint refuses TLS versions below 1.2
    RFC 9700 §2.6 requires TLS as profiled by BCP 195, and RFC 8996 deprecates
    TLS 1.0 and TLS 1.1: a handshake that offers nothing newer must fail. Skipped
    when the endpoint is plain http (the scenario above reports that).

    Given an authorization request from the implicit client
    When a client connects to the authorization endpoint offering only TLS 1.0 and TLS 1.1
    Then the server refuses the connection

  @SEC-02 @bcp
  Scenario: Login and consent pages cannot be framed by other sites
    RFC 9700 §4.16: "Authorization servers MUST prevent clickjacking attacks" (RFC 6749
    §10.13, RFC 6819 §4.4.1.9). Every page of the flow must answer with
    "X-Frame-Options: DENY" or "SAMEORIGIN", or a Content-Security-Policy with
    "frame-ancestors 'none'", "'self'" or a list of origins. A strict reading of RFC
    9700: information unless the run judges the BCP (--bcp); the scenario below warns
    in every run.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then every page the browser was shown refuses to be framed by other sites

  @SEC-02 @bcp
  Scenario: The error page for an unknown client cannot be framed by other sites
    RFC 9700 §4.16 and RFC 6749 §10.13 cover every page the resource owner sees; the
    page that tells the resource owner that client "unknown-client-sec02" is unknown
    must refuse framing as the login page does. Information unless --bcp.

    Given an authorization request from the unregistered client "unknown-client-sec02"
    When the resource owner signs in and approves the request
    Then every page the browser was shown refuses to be framed by other sites

  @SEC-02 @should
  Scenario: Login and consent pages restrict framing with a Content Security Policy
    RFC 9700 §4.16: "authorization servers SHOULD also use Content Security Policy (CSP)
    level 2 or greater", that is "Content-Security-Policy: frame-ancestors 'none'" (or
    'self', or a list of origins); X-Frame-Options alone is the legacy measure.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then every page the browser was shown restricts framing with a Content Security Policy

  @SEC-03 @should
  Scenario: Login and consent pages keep their address from other sites
    RFC 9700 §4.2.4: the address of an authorization page carries the request's
    parameters and must not leak through the Referer header; a "Referrer-Policy"
    header or <meta name="referrer"> of "no-referrer", "same-origin" or
    "strict-origin"/"strict-origin-when-cross-origin" prevents it.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then every page the browser was shown keeps its address from other sites

  @SEC-03 @should
  Scenario: Login and consent pages load nothing from other sites
    RFC 9700 §4.2.4: a script, image, stylesheet or frame from another site receives the
    page's address, with the request's parameters, as referrer (and a script can read
    the page). Only the server's own origins may serve them. Links a person must click
    are not counted: the referrer policy above covers them.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then no page the browser was shown loads content from other sites

  @SEC-04 @should
  Scenario: The redirect that carries the access token may not be cached
    RFC 6819 §4.4.2.2 (access token leak in browser history: make responses
    non-cacheable), as RFC 6749 §5.1 requires for the token endpoint: the redirect whose
    Location holds the access token in its fragment should say "Cache-Control: no-store",
    so that no browser or proxy keeps it.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the redirect carrying the access token forbids caching

  @SEC-05 @bcp
  Scenario: A cross-origin request to the authorization endpoint gets no CORS grant
    RFC 9700 §2.6: the authorization endpoint must not support CORS — a script on
    another site must not read the endpoint's answer. A GET sent with
    "Origin: https://evil.example" must get no Access-Control-Allow-Origin.

    Given an authorization request from the implicit client
    When a script on "https://evil.example" sends the authorization request with GET
    Then the response grants that origin no cross-origin access

  @SEC-05 @bcp
  Scenario: A CORS preflight to the authorization endpoint is not granted
    RFC 9700 §2.6: the authorization endpoint must not support CORS. An OPTIONS
    preflight from "https://evil.example" asking for GET must get no
    Access-Control-Allow-Origin.

    Given an authorization request from the implicit client
    When a script on "https://evil.example" sends the authorization request with OPTIONS
    Then the response grants that origin no cross-origin access

  @SEC-06 @must
  Scenario: The password is not re-posted by the redirect after the login form
    RFC 9700 §4.12: after the resource owner's credentials are posted, the server
    "MUST NOT use the HTTP 307 status code" — the browser would post the password
    again to the next address, possibly the client's. 308 does the same; 303 is the
    right answer and 302 is tolerated.

    Given an authorization request from the implicit client
    When the resource owner signs in and approves the request
    Then the credentials posted to the login form are not re-posted by a redirect

  @SEC-09 @must
  Scenario: Markup in a rejected request is shown escaped on the error page
    RFC 6749 §10.14: the server must sanitise values it reflects. An unknown client
    "<img src=x onerror=alert(4711)>" sends markup in every parameter; the error page
    may repeat the values, but only escaped (&lt;img …), never as markup.

    Given an authorization request from the unregistered client "<img src=x onerror=alert(4711)>"
    And the request parameter "client_id" is "<img src=x onerror=alert(4711)>"
    And the request parameter "redirect_uri" is "https://client.example.com/cb?<img src=x onerror=alert(4712)>"
    And the request parameter "scope" is "read<img src=x onerror=alert(4713)>"
    And the request parameter "state" is "<img src=x onerror=alert(4714)>"
    When the resource owner signs in and approves the request
    Then no page the browser was shown contains the markup unescaped

  @SEC-09 @must
  Scenario: Markup in the state is shown escaped on the login and consent pages
    RFC 6749 §10.14: the server must sanitise values it reflects. The state
    "<img src=x onerror=alert(4715)>" is carried through the login and consent pages;
    if they repeat it, only escaped.

    Given an authorization request from the implicit client
    And the request parameter "state" is "<img src=x onerror=alert(4715)>"
    When the resource owner signs in and approves the request
    Then no page the browser was shown contains the markup unescaped

  @SEC-09 @must
  Scenario: The login page does not send the browser to an address from its parameters
    RFC 9700 §4.11.2: the authorization server must not be an open redirector. The
    login page is opened with the usual return parameters — next, return, returnTo,
    return_to, continue, redirect, url, goto — naming "https://evil.example/sec09";
    after signing in the browser must not end up there.

    Given an authorization request from the implicit client
    When the login page is opened with "next=https%3A%2F%2Fevil.example%2Fsec09&return=https%3A%2F%2Fevil.example%2Fsec09&returnTo=https%3A%2F%2Fevil.example%2Fsec09&return_to=https%3A%2F%2Fevil.example%2Fsec09&continue=https%3A%2F%2Fevil.example%2Fsec09&redirect=https%3A%2F%2Fevil.example%2Fsec09&url=https%3A%2F%2Fevil.example%2Fsec09&goto=https%3A%2F%2Fevil.example%2Fsec09" added to its address, and the resource owner signs in and approves
    Then the browser is not sent to "https://evil.example/sec09"

  @SEC-07 @must
  Scenario: A consent forged by another site issues no token
    RFC 6749 §10.12: the server "MUST implement CSRF protection for its authorization
    endpoint and ensure that a malicious client cannot obtain authorization without the
    awareness and explicit consent of the resource owner". The resource owner signs in;
    then the consent form is submitted as a page on "https://evil.example" would forge
    it: approving, without the form's anti-forgery field (csrf_token,
    csrfmiddlewaretoken, …), with "Origin: https://evil.example" — the browser's cookies
    still sent, as for cookies without SameSite protection. No token may be issued.
    Skipped when the flow shows no consent form, or its form has no recognisable
    anti-forgery field.

    Given an authorization request from the implicit client
    When the resource owner signs in, and another site forges the consent form without its anti-forgery field
    Then the forged consent issues no access token

  @SEC-07 @must
  Scenario: A consent replayed from another browser issues no token
    RFC 6749 §10.12 and RFC 6819 §4.4.1.10: consent belongs to the resource owner's
    browser session. The consent form the resource owner was shown — anti-forgery field
    and all — is submitted from a browser that holds none of the resource owner's
    cookies. No token may be issued. Skipped when the flow shows no consent form.

    Given an authorization request from the implicit client
    When the resource owner signs in, and the consent form is submitted from a browser without the resource owner's cookies
    Then the forged consent issues no access token
