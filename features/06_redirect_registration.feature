@redirect-uri @registration
Feature: Redirect URIs at client registration
  Exact matching protects only as well as the URIs registered. Where the server offers
  dynamic client registration (RFC 7591), it must refuse redirect URIs that could never
  be safe for a client using the implicit grant. Every scenario here is skipped when the
  target advertises no registration_endpoint, or when registration needs an initial
  access token.

  @RDR-12 @must
  Scenario: A redirect URI with a fragment is refused at registration
    RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component." RFC 7591
    §3.2.2 names the answer: HTTP 400 with invalid_redirect_uri (or
    invalid_client_metadata).

    Given a registration of a web client for the implicit grant with the redirect URI "https://client.example.com/cb#frag"
    When the client registers
    Then the registration is refused as invalid

  @RDR-23 @must
  Scenario: A client using the implicit grant cannot register without a redirect URI
    RFC 6749 §3.1.2.2: "The authorization server MUST require the following clients to
    register their redirection endpoint: Public clients. Confidential clients utilizing
    the implicit grant type." Without one, any redirect_uri could be accepted.

    Given a registration of a web client for the implicit grant without redirect URIs
    When the client registers
    Then the registration is refused as invalid

  @RDR-20 @bcp
  Scenario: A web client using the implicit grant cannot register an http redirect URI
    RFC 9700 §2.6 and OpenID Connect Registration §2: web clients using the implicit
    grant "MUST only register URLs using the https scheme as redirect_uris"; a token sent
    to "http://client.example.com/cb" travels in clear. RFC 6749 §3.1.2.1 only asks the
    server to warn, so this is a Security BCP finding.

    Given a registration of a web client for the implicit grant with the redirect URI "http://client.example.com/cb"
    When the client registers
    Then the registration is refused as invalid

  @RDR-20 @bcp
  Scenario: A web client using the implicit grant cannot register a localhost redirect URI
    OpenID Connect Registration §2: web clients using the implicit grant "MUST NOT use
    localhost as the hostname"; "https://localhost/cb" is any program on the user's
    machine. Only native clients use loopback redirects (RFC 8252 §7.3).

    Given a registration of a web client for the implicit grant with the redirect URI "https://localhost/cb"
    When the client registers
    Then the registration is refused as invalid
