package agent

import (
	"net/http"

	"github.com/implicitspec/implicitspec/internal/redact"
)

// noteSecrets tells sink every secret hop carries, before anything quotes
// it: the values of secret parameters in its URL (fragment included, for a
// navigation not made), its Location and its request body; the cookies it
// sent and received; the credential of its Authorization header.
func noteSecrets(sink SecretSink, h Hop) {
	if sink == nil {
		return
	}
	for _, text := range []string{h.URL, h.Location, h.RequestBody} {
		for _, v := range redact.Find(text) {
			sink.Add(v)
		}
	}
	for _, line := range h.RequestHeader.Values("Cookie") {
		cs, _ := http.ParseCookie(line)
		for _, c := range cs {
			noteCookie(sink, c.Name, c.Value)
		}
	}
	for _, name := range []string{"Authorization", "Proxy-Authorization"} {
		for _, v := range h.RequestHeader.Values(name) {
			for _, cred := range redact.Credentials(v) {
				sink.Add(cred)
			}
		}
	}
	for _, line := range h.Header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil {
			noteCookie(sink, c.Name, c.Value)
		}
	}
}

// noteCookie registers a cookie's value when it looks like a credential
// (a session, a CSRF binding) or is named like one; "lang=en" is not
// masked across the whole report.
func noteCookie(sink SecretSink, name, value string) {
	if redact.Opaque(value) || (redact.SecretParam(name) && value != "") {
		sink.Add(value)
	}
}

// noteBody tells sink the secrets a response body shows by its structure:
// inputs of a form_post page, JSON members of a registration answer, a
// token in a link or a script's URL. The whole body is read, not the
// excerpt: a secret must be known even where the excerpt cuts it.
func noteBody(sink SecretSink, body []byte) {
	if sink == nil || len(body) == 0 {
		return
	}
	for _, v := range redact.FindInPage(string(body)) {
		sink.Add(v)
	}
}
