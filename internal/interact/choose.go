package interact

import (
	"fmt"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
)

// This file decides by structure where the words are ambiguous or absent: how a control looks
// (primary or secondary), which of two buttons is not the refusal, a radio group or select that
// carries the decision, a "Stay signed in?" page, and, when nothing settles it, an error that
// names the controls instead of a guess.

// looks is how a submit control reads by its look alone: a primary button approves (it is the
// call to action); a secondary, outline or link-styled button, or one that skips validation
// (formnovalidate, what cancel buttons carry), refuses. Both or neither: neutral.
func looks(c *control) verdict {
	var primary, secondary bool
	for _, cl := range strings.Fields(strings.ToLower(c.attr("class"))) {
		switch {
		case strings.Contains(cl, "primary"), cl == "btn-success", cl == "cta":
			primary = true
		case strings.Contains(cl, "secondary"), strings.Contains(cl, "outline"), strings.Contains(cl, "tertiary"),
			cl == "btn-link", cl == "link", cl == "btn-default", cl == "ghost":
			secondary = true
		}
		if strings.Contains(cl, "outline") {
			secondary, primary = true, false // "btn-outline-primary" is the lesser button
		}
	}
	if c.has("autofocus") {
		primary = true
	}
	if c.has("formnovalidate") {
		secondary = true
	}
	switch {
	case primary && !secondary:
		return approving
	case secondary && !primary:
		return denying
	}
	return neutral
}

// onlyLooking returns the one control that looks like want, or, when the others all look the
// opposite way, the one that does not; nil when the look does not single one out.
func onlyLooking(cs []*control, want verdict) *control {
	var like, notOpposite []*control
	for _, c := range cs {
		switch looks(c) {
		case want:
			like = append(like, c)
			notOpposite = append(notOpposite, c)
		case neutral:
			notOpposite = append(notOpposite, c)
		}
	}
	switch {
	case len(like) == 1:
		return like[0]
	case len(like) == 0 && len(notOpposite) == 1 && len(cs) > 1:
		return notOpposite[0]
	}
	return nil
}

func opposite(v verdict) verdict {
	if v == approving {
		return denying
	}
	return approving
}

// byStructure chooses the submit control for want when no control's words say it. To
// approve: of buttons where all others refuse, the one left (two submits, one "Ablehnen": the
// other approves, whatever language it is in), unless it looks like a refusal. Then, for
// either decision, the one button whose look singles it out among those whose words do not
// say the opposite. A refusal is never inferred from a button merely not being the approval:
// pressing an unknown button and calling it a denial would put a false finding on the server.
// nil: the structure does not settle it.
func byStructure(subs []*control, h Hints, want verdict) *control {
	var neutrals []*control
	opposed := 0
	for _, c := range subs {
		switch readWithHints(c, h) {
		case neutral:
			neutrals = append(neutrals, c)
		case opposite(want):
			opposed++
		}
	}
	if want == approving && opposed > 0 && len(neutrals) == 1 && looks(neutrals[0]) != denying {
		return neutrals[0]
	}
	return onlyLooking(neutrals, want)
}

// choice is a radio group or a select whose options carry the consent decision.
type choice struct {
	control *control // the radio to check, or the select
	option  *option  // for a select: the option to select
	label   string   // what the person chose, for Steps
}

// decisionChoice finds, in a form with one submit button that does not refuse, a radio group
// or a select offering a granting and a refusing option, and returns the option for want. A
// checkbox list of scopes is not a choice: it is left as the server checked it.
func decisionChoice(f *form, h Hints, want verdict) (*choice, bool) {
	subs := f.submits()
	if len(subs) != 1 || readControl(subs[0]) == denying && want == approving {
		return nil, false
	}
	groups := map[string][]*choice{}
	var order []string
	for _, c := range f.controls {
		if c.disabled || c.name == "" {
			continue
		}
		switch {
		case c.tag == "input" && c.typ == "radio":
			if _, ok := groups[c.name]; !ok {
				order = append(order, c.name)
			}
			groups[c.name] = append(groups[c.name], &choice{control: c, label: firstNonEmpty(c.label, c.value, c.id)})
		case c.tag == "select" && !c.multiple:
			order = append(order, "\x00"+c.name)
			for _, o := range c.options {
				if !o.disabled {
					groups["\x00"+c.name] = append(groups["\x00"+c.name], &choice{control: c, option: o, label: firstNonEmpty(o.text, o.value)})
				}
			}
		}
	}
	for _, name := range order {
		if ch := pickChoice(groups[name], h, want); ch != nil {
			return ch, true
		}
	}
	return nil, false
}

// pickChoice picks the option for want in a group that reads as a decision: at least one
// option grants and another refuses ("Ja, zulassen" / "Nein"). Any other group (an account
// chooser, a language select, one whose label merely holds a "no") is not the decision.
func pickChoice(opts []*choice, h Hints, want verdict) *choice {
	hint := h.Approve
	if want == denying {
		hint = h.Deny
	}
	read := map[verdict][]*choice{}
	for _, o := range opts {
		if hint != "" && (strings.EqualFold(strings.TrimSpace(o.label), strings.TrimSpace(hint)) || o.value() == hint) {
			return o
		}
		v := readAs(o.label)
		if v == neutral {
			v = readAs(o.value())
		}
		read[v] = append(read[v], o)
	}
	if len(read[approving]) == 0 || len(read[denying]) == 0 {
		return nil
	}
	return read[want][0]
}

func (ch *choice) value() string {
	if ch.option != nil {
		return ch.option.value
	}
	return ch.control.value
}

// apply records the choice in the values a form submission takes (see form.entries).
func (ch *choice) apply(values map[*control]string) {
	values[ch.control] = ch.value()
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// staySignedInForm returns the form of a "Stay signed in?" page: the page's words name staying
// signed in and nothing of a consent (no client, scope or permission wording), and a form
// without a password field has a button to press. Such a page is an interstitial, never the
// consent page: its "No" refuses nothing but a longer session.
func (d *document) staySignedInForm(p *agent.Page) *form {
	text := read(d.title + " " + PageText(p, 4000))
	if !lex.has(roleStaySignedIn, text) || lex.has(roleConsent, text) {
		return nil
	}
	for _, f := range d.forms {
		if n, _ := f.passwordFields(""); n == 0 && len(f.submits()) > 0 {
			return f
		}
	}
	return nil
}

// staySignedInButton is the button pressed on a "Stay signed in?" page: the one that declines
// to stay ("No", "Nein", "いいえ"), else the form's default button (the first, what Enter
// presses). Declining keeps the session to this browser run, so a later scenario still meets
// the login page it tests instead of a remembered session; either answer moves the flow on.
func staySignedInButton(f *form) *control {
	subs := f.submits()
	for _, c := range subs {
		if readControl(c) == denying {
			return c
		}
	}
	return subs[0]
}

// ambiguous is the error for a form whose submit controls this reader cannot tell apart: it
// lists them and names the profile hint that settles it.
func (r *runner) ambiguous(p *agent.Page, what, task, hintKey string, cs []*control) *Error {
	var seen, names []string
	for _, c := range cs {
		s := quote(c.display())
		if c.name != "" || c.hasValue {
			s += fmt.Sprintf(" (name=%s value=%s)", c.name, c.value)
		}
		seen = append(seen, s)
		names = append(names, quote(hintName(c)))
	}
	return r.pageError(p, KindAmbiguous, fmt.Sprintf(
		"%s has %d submit controls and none can be told to %s by its words or its look: %s; set %s in the profile to one of: %s",
		what, len(cs), task, strings.Join(seen, ", "), hintKey, strings.Join(names, ", ")))
}

// hintName is what a hint can name a control by (see control.matchesHint).
func hintName(c *control) string {
	return firstNonEmpty(c.text, c.value, c.name, c.id, c.label)
}

// byWords returns the first control whose words (or a hint) read as want.
func byWords(subs []*control, h Hints, want verdict) *control {
	for _, c := range subs {
		if readWithHints(c, h) == want {
			return c
		}
	}
	return nil
}
