package refserver

import (
	"regexp"
	"strconv"
	"strings"
)

// ProfileYAML is a target profile for the harness describing this server:
// endpoints, fixture clients, the resource owner's credentials (the password
// is a secret: redact it) and the CA to trust. It is built as text, so the
// server does not depend on the harness's profile package.
func (s *Server) ProfileYAML() []byte {
	var b strings.Builder
	line := func(indent int, text string) {
		b.WriteString(strings.Repeat("  ", indent))
		b.WriteString(text)
		b.WriteByte('\n')
	}
	line(0, "name: implicitspec-reference")
	line(0, "issuer: "+yamlScalar(s.issuer))
	line(0, "authorization_endpoint: "+yamlScalar(s.authorizationEndpoint()))
	line(0, "userinfo_endpoint: "+yamlScalar(s.issuer+"/userinfo"))
	line(0, "clients:")
	for _, fc := range []struct{ role, id string }{
		{"implicit", "spa"},
		{"two_uris", "spa-two"},
		{"code_only", "backend"},
		{"with_query", "spa-query"},
		{"native", "native"},
		{"browser_client", browserClientID},
	} {
		cl := s.clients[fc.id]
		uris := make([]string, len(cl.redirectURIs))
		for i, u := range cl.redirectURIs {
			uris[i] = yamlScalar(u)
		}
		line(1, fc.role+":")
		line(2, "client_id: "+yamlScalar(cl.id))
		line(2, "redirect_uris: ["+strings.Join(uris, ", ")+"]")
		if fc.role == "implicit" || fc.role == "browser_client" {
			// Two tokens, so that their order can be varied (RFC 6749 §3.3);
			// the browser plays the implicit client's request.
			line(2, "scope: "+yamlScalar(implicitClientScope))
		}
	}
	// The plain-http address of the same host (http_front.go), so that the
	// harness may probe the http form of the endpoint.
	line(0, "allowed_origins: ["+yamlQuoted(s.front.url)+"]")
	line(0, "resource_owner:")
	line(1, "username: "+yamlScalar(username))
	line(1, "password: "+yamlQuoted(s.password))
	line(0, "tls:")
	line(1, "ca_pem: |")
	for l := range strings.SplitSeq(strings.TrimRight(string(s.caPEM), "\n"), "\n") {
		line(2, l)
	}
	return []byte(b.String())
}

// implicitClientScope is the scope the profile's implicit client requests.
const implicitClientScope = "read write"

// plainSafe matches scalars that YAML reads back as the same string when
// written plain, also inside a flow sequence: no flow indicator, no ": ",
// no " #", no leading indicator.
var plainSafe = regexp.MustCompile(`^(https://[A-Za-z0-9._~:/-]*[A-Za-z0-9._~/-]|[a-z][a-z0-9-]*)$`)

// yamlKeyword reports words YAML 1.1 or 1.2 would read as something other
// than a string.
func yamlKeyword(s string) bool {
	switch s {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return true
	}
	return false
}

// yamlScalar writes s plain when that is unambiguous, double-quoted otherwise.
func yamlScalar(s string) string {
	if plainSafe.MatchString(s) && !yamlKeyword(s) {
		return s
	}
	return yamlQuoted(s)
}

// yamlQuoted writes s as a YAML double-quoted scalar. strconv.Quote's escapes
// (\", \\, \n, \t, \xXX, \uXXXX, \UXXXXXXXX, …) are all YAML escapes too.
func yamlQuoted(s string) string { return strconv.Quote(s) }
