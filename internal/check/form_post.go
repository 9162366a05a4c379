package check

import (
	"mime"
	"strings"

	"github.com/implicitspec/implicitspec/internal/redact"
	"golang.org/x/net/html"
)

// FormPostPage judges FP-01: the response arrives by a self-submitting POST
// form whose action is byte-equal to the redirect URI, with the parameters as
// hidden inputs, on a 200 HTML page, nothing in the URL (Form Post Response
// Mode §2).
func FormPostPage(id string, e *Ending, redirectURI string, status int, contentType string, body []byte) error {
	if !e.Left {
		return Fail(id, "expected a form POST to the client, but the flow %s", e.Describe())
	}
	if e.Method != "POST" {
		return Fail(id, "expected the response posted to %s, got a %s navigation: %s", redirectURI, e.Method, e.Describe())
	}
	if e.Target != redirectURI {
		return Fail(id, "the form's action is not the redirect URI: expected %q, got %q", redirectURI, redact.Params(e.Target))
	}
	if _, ok := e.Form.Get(e.credential()); !ok {
		return Fail(id, "the posted form carries no %s (got %s)", e.credential(), names(e.Form))
	}
	if status != 200 {
		return Fail(id, "the form_post page was answered with HTTP %d, expected 200", status)
	}
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "text/html" {
		return Fail(id, "the form_post page is %q, expected text/html", contentType)
	}
	doc, err := html.ParseWithOptions(strings.NewReader(string(body)), html.ParseOptionEnableScripting(false))
	if err != nil {
		return Fail(id, "the form_post page cannot be read as HTML: %v", err)
	}
	var form *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "form" && attrOf(n, "action") == redirectURI {
			form = n
			break
		}
	}
	if form == nil {
		return Fail(id, "the form_post page has no form whose action is %q", redirectURI)
	}
	if m := attrOf(form, "method"); !strings.EqualFold(m, "post") {
		return Fail(id, "the form_post form's method is %q, expected post", m)
	}
	// The browser posts application/x-www-form-urlencoded unless told otherwise.
	if et := attrOf(form, "enctype"); et != "" && !strings.EqualFold(et, "application/x-www-form-urlencoded") {
		return Fail(id, "the form_post form's enctype is %q, expected application/x-www-form-urlencoded", et)
	}
	// A submit control of a no-script fallback may add its own name; it
	// is not a response parameter.
	hidden, control := map[string]bool{}, map[string]bool{}
	for n := range form.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch typ := strings.ToLower(attrOf(n, "type")); {
		case n.Data == "input" && typ == "hidden":
			hidden[attrOf(n, "name")] = true
		case n.Data == "button", n.Data == "input" && (typ == "submit" || typ == "image" || typ == "button"):
			control[attrOf(n, "name")] = true
		}
	}
	for _, name := range e.Form.Names() {
		if !hidden[name] && !control[name] {
			return Fail(id, "the parameter %s is posted but is not a hidden input of the form", name)
		}
	}
	return nil
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// NoStore judges FP-02: the Cache-Control header holds the no-store directive
// (Form Post Response Mode §2).
func NoStore(id string, cacheControl []string) error {
	for _, h := range cacheControl {
		for d := range strings.SplitSeq(h, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(name, "no-store") {
				return nil
			}
		}
	}
	return Fail(id, "the page carrying the response has Cache-Control %q, expected no-store", strings.Join(cacheControl, ", "))
}

// ErrorPosted judges FP-03: an error to a form_post request is posted too, with
// the state.
func ErrorPosted(id string, e *Ending, sent string) error {
	if !e.Left {
		return Fail(id, "expected the error posted to the client, but the flow %s", e.Describe())
	}
	if e.Method != "POST" {
		return Fail(id, "response_mode=form_post was asked, but the error came by a %s navigation: %s", e.Method, e.Describe())
	}
	if _, ok := e.Form.Get("error"); !ok {
		return Fail(id, "the posted form carries no error (got %s)", names(e.Form))
	}
	if got, ok := e.Form.Get("state"); !ok || got != sent {
		return Fail(id, "the posted error does not carry the state: sent %q, got %q", sent, got)
	}
	return nil
}
