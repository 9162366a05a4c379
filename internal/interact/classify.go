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

// readAs classifies a text by the vocabulary of words.tsv: any refusal or negation makes it
// denying ("Don't allow", "Nicht zulassen", "許可しない"), else any approval makes it approving.
func readAs(s string) verdict {
	r := read(s)
	if lex.has(roleDeny, r) || lex.has(roleNegation, r) {
		return denying
	}
	if lex.has(roleApprove, r) {
		return approving
	}
	return neutral
}

// readsAsLogin: what a login or "next" button says (Sign in, Anmelden, ログイン).
func readsAsLogin(s string) bool { return lex.has(roleLogin, read(s)) }

// namesOtherPurposeText: registration, a password reset, a search (Sign up, Registrieren, 登録).
func namesOtherPurposeText(s string) bool { return lex.has(roleOtherPurpose, read(s)) }

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
	// A concealed field is a honeypot: only a robot fills it, and the server then refuses.
	if c.tag != "input" || c.disabled || c.concealed {
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
		if c.typ == "password" && first == nil && !c.concealed {
			first = c
		}
	}
	return first
}

// submits returns the submit controls of f a person can press, in order: not disabled, not
// concealed.
func (f *form) submits() []*control {
	var out []*control
	for _, c := range f.controls {
		if (c.isSubmit() || f.scripted && c.isButton() && c.typ != "reset") && !c.disabled && !c.concealed {
			out = append(out, c)
		}
	}
	return out
}

// loginSubmit picks the button a person clicks to log in (or go on): the one the hint names;
// else one reading like a login; else, of the buttons that neither refuse nor name another
// purpose (registration, a reset), the only one or the only primary-looking one. nil, nil:
// submit without a button (there is none to press). nil and the candidates: this reader cannot
// tell which of them signs in.
func (f *form) loginSubmit(hint string) (*control, []*control) {
	subs := f.submits()
	var candidates []*control
	for _, c := range subs {
		if c.matchesHint(hint) {
			return c, nil
		}
	}
	for _, c := range subs {
		if readControl(c) == denying {
			continue
		}
		for _, s := range []string{c.text, c.value, c.id, c.name} {
			if readsAsLogin(s) {
				return c, nil
			}
		}
		if !namesOtherPurposeText(c.text + " " + c.value + " " + c.id + " " + c.name) {
			candidates = append(candidates, c)
		}
	}
	switch {
	case len(candidates) == 1:
		return candidates[0], nil
	case len(candidates) == 0:
		// Only refusals or other purposes: the first that does not refuse, as before.
		for _, c := range subs {
			if readControl(c) != denying {
				return c, nil
			}
		}
		return nil, nil
	}
	if c := onlyLooking(candidates, approving); c != nil {
		return c, nil
	}
	return nil, candidates
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
