package redact

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Structure masks, by name rather than by value, what no one registered:
// the values of secret parameters in URL or form-encoded text (Params), of
// inputs named like them in markup (a form_post page), and of JSON members
// named like them (a registration or token response).
func Structure(s string) string { return maskSpans(s, structureSpans(s)) }

// structureSpans are the spans of s that Structure masks, in order and not
// overlapping. All three rules read s as given, so that masking by one
// cannot hide a name from another.
func structureSpans(s string) [][2]int {
	var inputs, members [][2]int
	eachSecretInput(s, func(vs, ve int) { inputs = append(inputs, [2]int{vs, ve}) })
	eachSecretMember(s, func(vs, ve int) { members = append(members, [2]int{vs, ve}) })
	return mergeSpans(paramSpans(s), inputs, members)
}

// Params masks the values of secret parameters in s, where s is a URL, a
// query, a fragment or a form body. It works on the raw text so that
// everything else stays byte for byte as it was: encoding bugs are evidence.
func Params(s string) string { return maskSpans(s, paramSpans(s)) }

// paramSpans are the spans of the values of secret parameters in s, in order.
func paramSpans(s string) [][2]int {
	var spans [][2]int
	eachParam(s, func(name string, _ byte, vs, ve int) {
		if ve > vs && SecretParam(paramName(name)) {
			spans = append(spans, [2]int{vs, ve})
		}
	})
	return spans
}

// eachParam calls fn for every name=value pair in s, with the byte before
// the name (0 at the start) and the span of the value. A pair starts at the
// start of s or after one of ? # & ; or a quote, space or bracket (the
// parameter may sit inside HTML or a sentence).
func eachParam(s string, fn func(name string, prev byte, vs, ve int)) {
	i := 0
	for i < len(s) {
		start, j := i, i
		for j < len(s) && !isDelim(s[j]) && s[j] != '=' {
			j++
		}
		i = j
		if j < len(s) && s[j] == '=' {
			k := j + 1
			for k < len(s) && !isDelim(s[k]) {
				k++
			}
			var prev byte
			if start > 0 {
				prev = s[start-1]
			}
			fn(s[start:j], prev, j+1, k)
			i = k
		}
		if i < len(s) {
			i++ // the delimiter
		}
	}
}

func isDelim(c byte) bool {
	switch c {
	case '?', '#', '&', ';', ' ', '"', '\'', '<', '>', '\n', '\r', '\t', ',':
		return true
	}
	return false
}

// paramName is a parameter's name as the server reads it, trimmed down to
// its last run of name characters, so that "https://x/cb#access_token"
// style run-ons still match.
func paramName(raw string) string {
	name, err := url.QueryUnescape(raw)
	if err != nil {
		name = raw
	}
	if i := strings.LastIndexAny(name, "/:("); i >= 0 {
		return name[i+1:]
	}
	return name
}

// inputTag is an <input> or <button> start tag, its attribute values
// quoted or not (a '>' inside quotes does not end it).
var inputTag = regexp.MustCompile(`(?i)<(?:input|button)\b(?:[^>"']|"[^"]*"|'[^']*')*>`)

// attribute is one attribute of a start tag: name, then a double-quoted,
// single-quoted or unquoted value (HTML § 13.1.2.3).
var attribute = regexp.MustCompile("([^\\s\"'>/=]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'=<>`]+)))?")

// eachSecretInput calls fn with the span of the value of every input (or
// button) of s whose name is a secret parameter, in any attribute order.
func eachSecretInput(s string, fn func(vs, ve int)) {
	if lower := strings.ToLower(s); !strings.Contains(lower, "<input") && !strings.Contains(lower, "<button") {
		return
	}
	for _, tag := range inputTag.FindAllStringIndex(s, -1) {
		// Skip "<input" or "<button": its name would read as an attribute.
		off := tag[0] + 1
		for off < tag[1] && !strings.ContainsRune(" \t\n\r\f/>", rune(s[off])) {
			off++
		}
		name, vs, ve := "", -1, -1
		for _, m := range attribute.FindAllStringSubmatchIndex(s[off:tag[1]], -1) {
			a, b := valueSpan(m)
			if a < 0 {
				continue
			}
			switch strings.ToLower(s[off+m[2] : off+m[3]]) {
			case "name":
				name = html.UnescapeString(s[off+a : off+b])
			case "value":
				vs, ve = off+a, off+b
			}
		}
		if ve > vs && SecretParam(name) {
			fn(vs, ve)
		}
	}
}

// valueSpan is the span of the value group that matched in an attribute
// match, or -1, -1 for an attribute without a value.
func valueSpan(m []int) (int, int) {
	for g := 2; g <= 4; g++ {
		if m[2*g] >= 0 {
			return m[2*g], m[2*g+1]
		}
	}
	return -1, -1
}

// jsonMember is a member of a JSON object (or a JavaScript object literal)
// with a string value: "name": "value", quotes double or single. The name
// is the whole key, quoted (group 1 or 2) or an identifier (group 3) that
// does not continue a longer name: in a translations file
// "mod-oauth2-response_type-id_token": "id_token" is a label, not an ID
// token, and neither is "user-password": "Password". The value is group 4
// or 5.
var jsonMember = regexp.MustCompile(`(?:"([^"\\]*)"|'([^'\\]*)'|(?:^|[^\w$.\-])([A-Za-z_$][\w$]*))\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`)

// eachSecretMember calls fn with the span of the string value of every
// JSON member of s whose whole name is a secret parameter's.
func eachSecretMember(s string, fn func(vs, ve int)) {
	if !strings.Contains(s, ":") || !mayNameSecret(s) {
		return
	}
	for _, m := range jsonMember.FindAllStringSubmatchIndex(s, -1) {
		name := ""
		for g := 1; g <= 3; g++ {
			if m[2*g] >= 0 {
				name = s[m[2*g]:m[2*g+1]]
				break
			}
		}
		if !SecretParam(name) {
			continue
		}
		for g := 4; g <= 5; g++ {
			if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
				fn(m[2*g], m[2*g+1])
			}
		}
	}
}

// secretNameParts are parts of every name SecretParam accepts, in lower
// case: a text that holds none of them, in any case, names no secret
// member, and the member pattern (slow on a long page: it may start
// anywhere) need not run.
var secretNameParts = []string{"token", "code", "pass", "pw", "secret", "assertion", "session_state"}

// mayNameSecret reports whether s may hold a secret parameter's name.
func mayNameSecret(s string) bool {
	lower := strings.ToLower(s)
	for _, p := range secretNameParts {
		if strings.Contains(lower, p) {
			return true
		}
	}
	return false
}

// maskSpans replaces the spans of s, in order and not overlapping, by Mask.
func maskSpans(s string, spans [][2]int) string {
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp[0]])
		b.WriteString(Mask)
		last = sp[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// mergeSpans sorts the spans of several lists and joins those that
// overlap, so that a secret found by two rules, or partly by each, is
// masked whole and once. Spans that only touch stay apart: two secrets
// side by side are masked as two, as the literal index masks them.
func mergeSpans(lists ...[][2]int) [][2]int {
	var all [][2]int
	for _, l := range lists {
		all = append(all, l...)
	}
	if len(all) < 2 {
		return all
	}
	slices.SortFunc(all, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(b[1], a[1])) })
	out := all[:1]
	for _, sp := range all[1:] {
		last := &out[len(out)-1]
		if sp[0] < last[1] {
			last[1] = max(last[1], sp[1])
			continue
		}
		out = append(out, sp)
	}
	return out
}

// Find returns the secrets text shows by its structure, for registering
// with a Redactor: the values of secret parameters in a URL, a fragment or
// a form body, of inputs named like them, and of JSON members named like
// them — each as written and decoded. A value that is itself a secret
// parameter's name ("code=code") is never one.
func Find(text string) []string { return find(text, false) }

// FindInPage is Find for a page or a response body: there a name=value
// pair counts only in a query, fragment or form-encoded text (after ? # &
// or ;), not in a script's "var code=…". A page also holds text for people
// — labels, a login app's translations — under the same names, so a value
// that reads as words is not registered (see finds.add), and a JSON member's
// value only when it looks Opaque: a translations file is JSON.
func FindInPage(text string) []string { return find(text, true) }

func find(text string, page bool) []string {
	f := finds{page: page, seen: map[string]bool{}}
	eachParam(text, func(name string, prev byte, vs, ve int) {
		if ve <= vs || !SecretParam(paramName(name)) || (page && !strings.ContainsRune("?#&;", rune(prev))) {
			return
		}
		v := text[vs:ve]
		spelled := []string{v}
		if d, err := url.QueryUnescape(v); err == nil {
			spelled = append(spelled, d)
		}
		if d, err := url.PathUnescape(v); err == nil {
			spelled = append(spelled, d)
		}
		f.add(spelled...)
	})
	eachSecretInput(text, func(vs, ve int) { f.add(text[vs:ve], html.UnescapeString(text[vs:ve])) })
	eachSecretMember(text, func(vs, ve int) {
		spelled := []string{text[vs:ve]}
		var d string
		if json.Unmarshal([]byte(`"`+text[vs:ve]+`"`), &d) == nil {
			spelled = append(spelled, d)
		}
		if page && !slices.ContainsFunc(spelled, Opaque) {
			return
		}
		f.add(spelled...)
	})
	return f.out
}

// finds collects what find registers, once each, in the order found.
type finds struct {
	page bool
	seen map[string]bool
	out  []string
}

// add takes the spellings of one value (as written, then decoded), all or
// none: none when one of them is a secret parameter's name, or on a page
// reads as words. Registering "code" or "Password" would mask those words
// across every report, and a parameter's name masked there reads as no
// parameter at all.
func (f *finds) add(spelled ...string) {
	for _, v := range spelled {
		if SecretParam(v) || (f.page && words(v)) {
			return
		}
	}
	for _, v := range spelled {
		if len(v) >= minSecret && !f.seen[v] {
			f.seen[v] = true
			f.out = append(f.out, v)
		}
	}
}

// words says whether v reads as text for people rather than a credential:
// letters and spaces only, and either short or more than one word ("Code",
// "Mot de passe"). A random credential of 16 characters or more almost
// always holds a digit or a symbol; one made of letters alone is still
// registered, since leaving a token readable costs more than masking a
// long word.
func words(v string) bool {
	for _, r := range v {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && r != ' ' {
			return false
		}
	}
	return len(v) < 16 || strings.Contains(v, " ")
}

// Opaque says whether a value (a cookie's, say) looks like a credential
// rather than a word, a flag or a timestamp: long, or mixing letters and
// digits. Registering "true" or "en" would mask them all over the evidence.
func Opaque(v string) bool {
	if len(v) >= 16 {
		return true
	}
	if len(v) < 8 {
		return false
	}
	return strings.ContainsAny(v, "0123456789") &&
		strings.ContainsFunc(v, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
}

// Credentials are the secrets of an Authorization header value: the
// credential of any scheme, and for Basic also the password it encodes
// (a client secret).
func Credentials(authorization string) []string {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	cred = strings.TrimSpace(cred)
	if !ok || cred == "" {
		return nil
	}
	out := []string{cred}
	if strings.EqualFold(scheme, "Basic") {
		if b, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if _, pw, ok := strings.Cut(string(b), ":"); ok {
				// RFC 6749 §2.3.1: client_id and secret are form-encoded first.
				if d, err := url.QueryUnescape(pw); err == nil {
					out = append(out, d)
				}
				out = append(out, pw)
			}
		}
	}
	return out
}
