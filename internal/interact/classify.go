package interact

import (
	"strings"
	"unicode"
)

// verdict is how a control or link reads to a person.
type verdict int

const (
	neutral verdict = iota
	approving
	denying
)

// words splits s into lower-case words (letters and digits).
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// readAs classifies a text: any refusal word makes it denying ("Don't allow", "Do not
// authorize"), else any approval word makes it approving.
func readAs(s string) verdict {
	ws := words(s)
	for _, w := range ws {
		if isDenyWord(w) {
			return denying
		}
	}
	for _, w := range ws {
		if isAllowWord(w) {
			return approving
		}
	}
	return neutral
}

func isAllowWord(w string) bool {
	switch w {
	case "yes", "ok", "okay", "grant", "granted", "consent", "continue", "allow", "allowed", "approve", "approved", "agree", "permit":
		return true
	}
	for _, p := range []string{"authoriz", "authoris", "accept", "approv", "confirm", "consent"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

func isDenyWord(w string) bool {
	switch w {
	case "no", "not", "don", "dont", "never", "deny", "denied", "abort", "disallow", "disagree":
		return true
	}
	for _, p := range []string{"reject", "cancel", "declin", "refus"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// isLoginWord: what a login or "next" button says.
func isLoginWord(w string) bool {
	switch w {
	case "sign", "signin", "log", "login", "logon", "connect", "submit", "continue", "next", "enter", "go",
		"authenticate", "proceed", "ok", "identify", "verify":
		return true
	}
	return false
}

// isOtherPurposeWord reads a form's action or button as something other
// than signing in: registration, a password reset, a search.
func isOtherPurposeWord(w string) bool {
	switch w {
	case "register", "registration", "signup", "join", "enroll", "enrol", "create", "reset", "forgot", "recover",
		"recovery", "search", "subscribe", "newsletter":
		return true
	}
	return false
}

// readControl classifies a submit control by, in order, its visible text, value, id, name and
// class: the first that reads one way or the other decides.
func readControl(c *control) verdict {
	for _, s := range []string{c.text, c.value, c.attr("aria-label"), c.attr("title"), c.id, c.name, c.attr("class")} {
		if v := readAs(s); v != neutral {
			return v
		}
	}
	return neutral
}

// display is how a control is named in Steps: its text, value, name or id.
func (c *control) display() string {
	switch {
	case c.text != "":
		return c.text
	case c.tag == "input" && c.typ == "image" && c.attr("alt") != "":
		return c.attr("alt")
	case c.hasValue && c.value != "":
		return c.value
	case c.tag == "input" && c.typ == "submit":
		return "Submit"
	case c.name != "":
		return c.name
	case c.id != "":
		return c.id
	}
	return "(unlabelled button)"
}

// matchesHint reports whether c is what a profile hint names: its name, id, value or visible
// text, case-insensitive.
func (c *control) matchesHint(h string) bool {
	h = strings.TrimSpace(h)
	if h == "" {
		return false
	}
	for _, s := range []string{c.name, c.id, c.value, c.text, c.label} {
		if s != "" && strings.EqualFold(strings.TrimSpace(s), h) {
			return true
		}
	}
	return false
}

func (l *link) matchesHint(h string) bool {
	h = strings.TrimSpace(h)
	if h == "" {
		return false
	}
	for _, s := range []string{l.text, l.id, l.title} {
		if s != "" && strings.EqualFold(strings.TrimSpace(s), h) {
			return true
		}
	}
	return false
}

// isTextLike: a field a person types a username into.
func (c *control) isTextLike() bool {
	if c.tag != "input" || c.disabled {
		return false
	}
	switch c.typ {
	case "text", "email", "tel", "url":
		return true
	}
	return false
}

// userWordsIn reports whether s names a username: user, username, login, email, identifier, …
func userWordsIn(s string) bool {
	for _, w := range words(s) {
		switch {
		case strings.Contains(w, "user"), strings.Contains(w, "login"), strings.Contains(w, "mail"),
			strings.HasPrefix(w, "identif"), w == "uid", w == "account", w == "principal":
			return true
		}
	}
	return false
}

// usernameField finds the username field of a form. strong reports a positive sign (hint,
// type=email, autocomplete, name/id, label); a weak pick is the lone text field of a login form.
func (f *form) usernameField(hint string) (c *control, strong bool) {
	if hint != "" {
		for _, c := range f.controls {
			if c.tag == "input" && c.typ != "password" && !c.isButton() && (strings.EqualFold(c.name, hint) || strings.EqualFold(c.id, hint)) {
				return c, true
			}
		}
	}
	var text []*control
	for _, c := range f.controls {
		if c.isTextLike() {
			text = append(text, c)
		}
	}
	tests := []func(*control) bool{
		func(c *control) bool { return c.typ == "email" },
		func(c *control) bool {
			ac := words(c.autocomplete)
			for _, w := range ac {
				if w == "username" || w == "email" {
					return true
				}
			}
			return false
		},
		func(c *control) bool { return userWordsIn(c.name) || userWordsIn(c.id) },
		func(c *control) bool {
			return userWordsIn(c.label) || userWordsIn(c.attr("placeholder")) || userWordsIn(c.attr("aria-label"))
		},
	}
	for _, test := range tests {
		for _, c := range text {
			if test(c) {
				return c, true
			}
		}
	}
	// The lone text field before the password, as a person would read the form.
	var before []*control
	for _, c := range f.controls {
		if c.tag == "input" && c.typ == "password" {
			break
		}
		if c.isTextLike() {
			before = append(before, c)
		}
	}
	if len(before) == 1 {
		return before[0], false
	}
	return nil, false
}

// passwordField returns the password input of f (by hint, else the first), or nil.
func (f *form) passwordField(hint string) *control {
	var first *control
	for _, c := range f.controls {
		if c.tag != "input" || c.disabled {
			continue
		}
		if hint != "" && (strings.EqualFold(c.name, hint) || strings.EqualFold(c.id, hint)) {
			return c
		}
		if c.typ == "password" && first == nil {
			first = c
		}
	}
	return first
}

// submits returns the submit controls of f, in order.
func (f *form) submits() []*control {
	var out []*control
	for _, c := range f.controls {
		if c.isSubmit() && !c.disabled {
			out = append(out, c)
		}
	}
	return out
}

// loginSubmit picks the button a person clicks to log in (or go on): one reading like a login,
// else the first that does not read like a refusal. nil: submit without a button.
func (f *form) loginSubmit() *control {
	subs := f.submits()
	for _, c := range subs {
		if readControl(c) == denying {
			continue
		}
		for _, s := range []string{c.text, c.value, c.id, c.name} {
			for _, w := range words(s) {
				if isLoginWord(w) {
					return c
				}
			}
		}
	}
	for _, c := range subs {
		if readControl(c) != denying {
			return c
		}
	}
	return nil
}

// onlyHidden reports whether every field of f other than buttons is a hidden input.
func (f *form) onlyHidden() bool {
	for _, c := range f.controls {
		if c.isButton() {
			continue
		}
		if !(c.tag == "input" && c.typ == "hidden") {
			return false
		}
	}
	return true
}
