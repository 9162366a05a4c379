package interact

import (
	"errors"
	"net/url"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// submission is a form submission as a browser makes it.
type submission struct {
	method string // "GET" or "POST"
	url    string // absolute; for GET, the query is the form data
	body   string // for POST, application/x-www-form-urlencoded
}

type entry struct{ name, value string }

// submit builds the submission of f by submitter (nil: submitted without a button, as
// form.submit() does), with values overriding what the person typed into some controls.
//
// The action is resolved against the document's base URL (the page URL, or its <base href>); a
// missing or empty action is the page URL itself, query included, and "#" resolves to it too. formaction/formmethod on the submitter
// win. Any enctype is sent as application/x-www-form-urlencoded (the agent sends nothing else);
// method "dialog" and unknown methods are GET, as in browsers.
func (f *form) submit(page, base *url.URL, submitter *control, values map[*control]string) (submission, error) {
	action, method := f.action, f.method
	if submitter != nil {
		if v, ok := attrVal(submitter.attrs, "formaction"); ok {
			action = v
		}
		if v, ok := attrVal(submitter.attrs, "formmethod"); ok {
			method = strings.ToLower(strings.TrimSpace(v))
		}
	}
	if strings.TrimSpace(action) == "" {
		base = page // an empty action is the document's URL, whatever <base> says
	}
	raw, u, err := agent.Resolve(base, action)
	if err != nil {
		return submission{}, err
	}
	if isScriptURL(u) {
		return submission{}, errors.New("the form's action is a " + u.Scheme + ": URL")
	}
	data := urlencode(f.entries(submitter, values))
	if method == "post" {
		return submission{method: "POST", url: raw, body: data}, nil
	}
	g := *u
	g.Fragment, g.RawFragment = "", ""
	g.RawQuery = data
	s := g.String()
	if _, frag, ok := strings.Cut(raw, "#"); ok {
		s += "#" + frag
	}
	return submission{method: "GET", url: s}, nil
}

// isScriptURL reports a URL that a no-script browser cannot navigate to.
func isScriptURL(u *url.URL) bool {
	switch u.Scheme {
	case "javascript", "vbscript", "data", "about", "blob":
		return true
	}
	return false
}

// entries constructs the entry list (HTML "constructing the entry list"). In values, a radio
// button is one the person clicked (the others of its group are then unchecked) and a select's
// value is the option the person chose.
func (f *form) entries(submitter *control, values map[*control]string) []entry {
	var out []entry
	clicked := map[string]bool{} // radio groups the person chose in
	for c := range values {
		if c.tag == "input" && c.typ == "radio" {
			clicked[c.name] = true
		}
	}
	for _, c := range f.controls {
		if c.disabled {
			continue
		}
		if c.isButton() {
			if c != submitter || !c.isSubmit() {
				continue
			}
			if c.typ == "image" {
				if c.name == "" {
					out = append(out, entry{"x", "0"}, entry{"y", "0"})
				} else {
					out = append(out, entry{c.name + ".x", "0"}, entry{c.name + ".y", "0"})
				}
				continue
			}
			if c.name == "" {
				continue
			}
			v := c.value
			if c.tag == "input" && !c.hasValue {
				v = "Submit" // a browser sends the default label
			}
			if o, ok := values[c]; ok {
				v = o
			}
			out = append(out, entry{c.name, v})
			continue
		}
		if c.name == "" {
			continue
		}
		switch c.typ {
		case "checkbox", "radio":
			checked := c.checked
			if c.typ == "radio" && clicked[c.name] {
				_, checked = values[c]
			}
			if !checked {
				continue
			}
			v := c.value
			if !c.hasValue {
				v = "on"
			}
			out = append(out, entry{c.name, v})
		case "file":
			out = append(out, entry{c.name, ""})
		case "select":
			if v, ok := values[c]; ok {
				out = append(out, entry{c.name, v})
				continue
			}
			for _, o := range c.selectedOptions() {
				out = append(out, entry{c.name, o.value})
			}
		default:
			v, ok := values[c]
			if !ok {
				v = c.value
				if c.typ == "hidden" && strings.EqualFold(c.name, "_charset_") && !c.hasValue {
					v = "UTF-8"
				}
			}
			if c.typ == "textarea" {
				v = crlf(v)
			}
			out = append(out, entry{c.name, v})
		}
	}
	return out
}

// selectedOptions returns what a select submits: its selected options, or, for a single-choice
// select with none selected, its first enabled option.
func (c *control) selectedOptions() []*option {
	var sel []*option
	for _, o := range c.options {
		if o.selected && !o.disabled {
			sel = append(sel, o)
		}
	}
	if c.multiple {
		return sel
	}
	if len(sel) > 0 {
		return sel[len(sel)-1:]
	}
	for _, o := range c.options {
		if !o.disabled {
			return []*option{o}
		}
	}
	return nil
}

func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// urlencode serialises entries as application/x-www-form-urlencoded, in order, as browsers do
// (space as '+', only ALPHA / DIGIT / "*-._" left as is).
func urlencode(entries []entry) string {
	var b strings.Builder
	for i, e := range entries {
		if i > 0 {
			b.WriteByte('&')
		}
		formEscape(&b, e.name)
		b.WriteByte('=')
		formEscape(&b, e.value)
	}
	return b.String()
}

func formEscape(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}
