package refserver

// The redirect area's fault switches: redirect_uri matching and client
// identification (catalogue RDR, CID). The behaviour each breaks sits in
// redirect.go (matching and refusing), authorize.go and interact.go, with the
// clause in a comment. Each is described by its row in redirectFaults.
const (
	FaultMissingClientRedirects  Fault = "missing-client-redirects"
	FaultClientIDCaseInsensitive Fault = "client-id-case-insensitive"
	FaultDefaultToFirstURI       Fault = "redirect-uri-default-to-first"
	FaultTrailingSlashIgnored    Fault = "redirect-uri-trailing-slash-ignored"
	FaultCaseInsensitiveURI      Fault = "redirect-uri-case-insensitive"
	FaultHostNormalised          Fault = "redirect-uri-host-normalised"
	FaultPortIgnored             Fault = "redirect-uri-port-ignored"
	FaultSchemeIgnored           Fault = "redirect-uri-scheme-ignored"
	FaultAnyQuery                Fault = "redirect-uri-any-query"
	FaultQueryUnordered          Fault = "redirect-uri-query-unordered"
	FaultRegisteredQueryDropped  Fault = "redirect-uri-query-dropped"
	FaultFragmentStripped        Fault = "redirect-uri-fragment-stripped"
	FaultUserinfoIgnored         Fault = "redirect-uri-userinfo-ignored"
	FaultOriginPrefixPath        Fault = "redirect-uri-origin-prefix"
	FaultHostSuffix              Fault = "redirect-uri-host-suffix"
	FaultDotSegmentsResolved     Fault = "redirect-uri-dot-segments-resolved"
	FaultPercentDecoded          Fault = "redirect-uri-percent-decoded"
	FaultWhitespaceCleaned       Fault = "redirect-uri-whitespace-cleaned"
	FaultLoopbackPortExact       Fault = "loopback-port-exact"
	FaultLoopbackLoose           Fault = "loopback-any-uri"
	FaultFallbackToRegistered    Fault = "redirect-uri-fallback-to-registered"
	FaultRefuseByMetaRefresh     Fault = "redirect-uri-refused-by-meta-refresh"
	FaultRefuseByForm            Fault = "redirect-uri-refused-by-form"
	FaultRefuseByScript          Fault = "redirect-uri-refused-by-script"
	FaultSessionSkipsCheck       Fault = "redirect-uri-unchecked-with-session"
	FaultCheckedOnApproval       Fault = "redirect-uri-checked-on-approval-only"
	FaultRegisterFragment        Fault = "registration-accepts-fragment"
	FaultRegisterInsecureWeb     Fault = "registration-accepts-insecure-web-uri"
	FaultRegisterNoRedirectURI   Fault = "registration-without-redirect-uri"
	FaultRequestErrorsFirst      Fault = "request-errors-before-redirect-uri"
)

// nrFamily are the requirements whose scenarios send a redirect_uri that
// does not match and expect no redirect at all: a fault in how such a request
// is refused breaks them all. refusedFamily adds RDR-21 (no fallback to a
// registered URI), which only a fault that uses a registered URI breaks.
var (
	nrFamily = []string{"RDR-04", "RDR-05", "RDR-06", "RDR-07", "RDR-08", "RDR-09", "RDR-10", "RDR-12",
		"RDR-13", "RDR-14", "RDR-15", "RDR-16", "RDR-17", "RDR-19", "RDR-22", "RDR-24",
		"OIDC-06"} // OpenID Connect's plain-http redirect URI is refused the same way
	refusedFamily = append([]string{"RDR-21"}, nrFamily...)
)

// redirectFaults break redirect_uri and client matching (RDR, CID).
var redirectFaults = []faultEntry{
	{FaultMissingClientRedirects, []string{"CID-01"},
		"A request without client_id is answered with a redirect carrying error=invalid_request to the requested redirect_uri."},
	{FaultClientIDCaseInsensitive, []string{"CID-01"},
		"client_id is looked up ignoring case, so SPA stands for spa."},
	{FaultDefaultToFirstURI, []string{"RDR-03"},
		"A request without redirect_uri from a client with several registered URIs is answered at the first one."},
	{FaultTrailingSlashIgnored, []string{"RDR-05"},
		"A trailing slash on the path is ignored when redirect_uri is compared, both ways."},
	{FaultCaseInsensitiveURI, []string{"RDR-06", "RDR-16"},
		"redirect_uri is compared with the registered URI ignoring case: host, path and percent-encoding alike."},
	{FaultHostNormalised, []string{"RDR-06", "RDR-17"},
		"The host of redirect_uri is compared as a DNS name: case and a trailing dot are ignored."},
	{FaultPortIgnored, []string{"RDR-07"},
		"The port of redirect_uri is ignored when it is compared, so :8443 and :443 match."},
	{FaultSchemeIgnored, []string{"RDR-08", "OIDC-06"},
		"The scheme of redirect_uri is ignored when it is compared, so http matches https."},
	{FaultAnyQuery, []string{"RDR-09", "RDR-10", "RDR-17"},
		"The query of redirect_uri is ignored when it is compared: any query is accepted."},
	{FaultQueryUnordered, []string{"RDR-10"},
		"The query parameters of redirect_uri are compared in any order."},
	{FaultRegisteredQueryDropped, []string{"RDR-11"},
		"Responses go to the redirect URI with its registered query removed."},
	{FaultFragmentStripped, []string{"RDR-12"},
		"A fragment in redirect_uri is cut off, and what remains is compared and used."},
	{FaultUserinfoIgnored, []string{"RDR-13"},
		"Userinfo in redirect_uri is ignored when it is compared."},
	{FaultOriginPrefixPath, []string{"RDR-07", "RDR-13", "RDR-15", "RDR-17", "RDR-22"},
		"A redirect_uri is accepted when it starts with the registered scheme and host and ends with the registered path."},
	{FaultHostSuffix, []string{"RDR-15", "RDR-22"},
		"A redirect_uri whose host ends with the registered host is accepted (subdomains and prefixed names)."},
	{FaultDotSegmentsResolved, []string{"RDR-14"},
		"Dot-segments in the path of redirect_uri are resolved before it is compared."},
	{FaultPercentDecoded, []string{"RDR-16"},
		"redirect_uri is percent-decoded until nothing changes, then compared and used."},
	{FaultWhitespaceCleaned, []string{"RDR-17"},
		"Whitespace and control characters are removed from redirect_uri, and what remains is compared and used."},
	{FaultLoopbackPortExact, []string{"RDR-18"},
		"A loopback redirect URI must match the registered port too (no RFC 8252 port exception)."},
	{FaultLoopbackLoose, []string{"RDR-19"},
		"For a client with a loopback redirect URI, any URI on a loopback host is accepted, whatever its scheme and path."},
	{FaultFallbackToRegistered, refusedFamily,
		"A redirect_uri that does not match is answered with error=invalid_request sent to the client's registered URI."},
	{FaultRefuseByMetaRefresh, nrFamily,
		"The page refusing a redirect_uri sends the browser to it with the error by a meta refresh."},
	{FaultRefuseByForm, nrFamily,
		"The page refusing a redirect_uri posts the error to it by a self-submitting form."},
	{FaultRefuseByScript, nrFamily,
		"The page refusing a redirect_uri sends the browser to it with the error by a script."},
	{FaultSessionSkipsCheck, []string{"RDR-22"},
		"When the browser is already signed in, redirect_uri is not checked at all."},
	{FaultCheckedOnApproval, []string{"RDR-22"},
		"redirect_uri is checked only when the user approves: a denial is sent to any redirect_uri."},
	{FaultRegisterFragment, []string{"RDR-12"},
		"Dynamic registration accepts a redirect URI that contains a fragment."},
	{FaultRegisterInsecureWeb, []string{"RDR-20"},
		"Dynamic registration accepts http and localhost redirect URIs for a web client using the implicit grant."},
	{FaultRegisterNoRedirectURI, []string{"RDR-23"},
		"Dynamic registration accepts a client using the implicit grant without any redirect URI."},
	{FaultRequestErrorsFirst, []string{"RDR-24"},
		"A request with an unregistered redirect_uri and another error (an unknown response_type, an invalid scope, a repeated parameter, a missing nonce, prompt=none without a session) has that other error redirected to the unregistered URI."},
}
