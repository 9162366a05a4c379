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
