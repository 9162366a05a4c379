package interact

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// No JavaScript is run. Two idioms that every authorization server uses to move the browser on
// are recognised in inline scripts, and only when their argument is a string literal:
//
//   - a location assignment: location = "…", location.href = "…", window.location[.href] = "…",
//     document.location[.href] = "…" (also self. / top.), location.replace("…"), location.assign("…");
//   - a form auto-submit: document.forms[0].submit(), document.getElementById("f").submit(), … .

// scriptLocation returns the first string literal assigned to the location in js.
func scriptLocation(js string) (string, bool) {
	for i := 0; ; {
		j := strings.Index(js[i:], "location")
		if j < 0 {
			return "", false
		}
		start := i + j
		i = start + len("location")
		if !locationReceiver(js[:start]) || (i < len(js) && isIdent(js[i])) {
			continue
		}
		rest := js[i:]
		if strings.HasPrefix(rest, ".href") && !(len(rest) > 5 && isIdent(rest[5])) {
			rest = rest[5:]
		} else if m, ok := cutAny(rest, ".replace", ".assign"); ok {
			m = skipSpace(m)
			if strings.HasPrefix(m, "(") {
				if s, ok := jsString(skipSpace(m[1:])); ok {
					return s, true
				}
			}
			continue
		}
		rest = skipSpace(rest)
		if !strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "==") {
			continue
		}
		if s, ok := jsString(skipSpace(rest[1:])); ok {
			return s, true
		}
	}
}

// locationReceiver reports whether the text before "location" makes it the window's location:
// nothing (or a non-identifier character), or "window.", "document.", "self.", "top.".
func locationReceiver(before string) bool {
	if before == "" {
		return true
	}
	last := before[len(before)-1]
	if last != '.' {
		return !isIdent(last)
	}
	obj := before[:len(before)-1]
	for _, o := range []string{"window", "document", "self", "top", "window.document"} {
		if strings.HasSuffix(obj, o) {
			p := obj[:len(obj)-len(o)]
			if p == "" || !isIdent(p[len(p)-1]) && p[len(p)-1] != '.' {
				return true
			}
		}
	}
	return false
}

func cutAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) && !(len(s) > len(p) && isIdent(s[len(p)])) {
			return s[len(p):], true
		}
	}
	return "", false
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func skipSpace(s string) string { return strings.TrimLeft(s, " \t\r\n") }

// jsString decodes the JavaScript string literal at the start of s. Template literals with
// substitutions are not literals.
func jsString(s string) (string, bool) {
	if s == "" || (s[0] != '"' && s[0] != '\'' && s[0] != '`') {
		return "", false
	}
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); {
		c := s[i]
		switch {
		case c == q:
			return b.String(), true
		case c == '\n' && q != '`':
			return "", false
		case c == '$' && q == '`' && i+1 < len(s) && s[i+1] == '{':
			return "", false
		case c != '\\':
			b.WriteByte(c)
			i++
			continue
		}
		var ok bool
		if i, ok = jsEscape(&b, s, i+1); !ok {
			return "", false
		}
	}
	return "", false
}

// jsEscape decodes into b the escape sequence that starts at s[i], just after a backslash, and
// returns the index after it.
func jsEscape(b *strings.Builder, s string, i int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	e := s[i]
	i++
	switch e {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'v':
		b.WriteByte('\v')
	case '0':
		b.WriteByte(0)
	case '\r', '\n': // line continuation
		if e == '\r' && i < len(s) && s[i] == '\n' {
			i++
		}
	case 'x':
		if i+2 > len(s) {
			return 0, false
		}
		n, err := strconv.ParseUint(s[i:i+2], 16, 8)
		if err != nil {
			return 0, false
		}
		b.WriteRune(rune(n))
		i += 2
	case 'u':
		r, next, ok := jsUnicodeEscape(s, i)
		if !ok {
			return 0, false
		}
		b.WriteRune(r)
		i = next
	default:
		b.WriteByte(e)
	}
	return i, true
}

// jsUnicodeEscape decodes the \uXXXX or \u{X…} escape whose digits start at s[i], and returns the
// index after it. A lone surrogate is kept (and written as U+FFFD); a high surrogate followed by
// a low one escaped the same way is the pair's code point, as JavaScript strings are UTF-16.
func jsUnicodeEscape(s string, i int) (rune, int, bool) {
	var hex string
	if i < len(s) && s[i] == '{' {
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return 0, 0, false
		}
		hex, i = s[i+1:i+end], i+end+1
	} else {
		if i+4 > len(s) {
			return 0, 0, false
		}
		hex, i = s[i:i+4], i+4
	}
	n, err := strconv.ParseUint(hex, 16, 32)
	if err != nil || !utf8.ValidRune(rune(n)) && !(n >= 0xd800 && n <= 0xdfff) {
		return 0, 0, false
	}
	r := rune(n)
	if r >= 0xd800 && r <= 0xdbff && strings.HasPrefix(s[i:], "\\u") && i+6 <= len(s) {
		if lo, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil && lo >= 0xdc00 && lo <= 0xdfff {
			r = 0x10000 + (r-0xd800)<<10 + (rune(lo) - 0xdc00)
			i += 6
		}
	}
	return r, i, true
}

// autoSubmit reports whether js submits a form, and which one if it says so: by id or name
// (getElementById("x"), forms["x"], forms.x, querySelector("#x")) or by index (forms[0]).
func autoSubmit(js string) (ref string, index int, ok bool) {
	if !strings.Contains(js, ".submit(") && !strings.Contains(js, ".requestSubmit(") {
		return "", -1, false
	}
	index = -1
	if i := strings.Index(js, "forms["); i >= 0 {
		rest := js[i+len("forms["):]
		if n, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(rest, "]", 2)[0])); err == nil {
			index = n
		} else if s, ok := jsString(skipSpace(rest)); ok {
			ref = s
		}
	}
	for _, call := range []string{"getElementById(", "querySelector("} {
		if i := strings.Index(js, call); i >= 0 && ref == "" {
			if s, ok := jsString(skipSpace(js[i+len(call):])); ok {
				ref = strings.TrimPrefix(s, "#")
			}
		}
	}
	if i := strings.Index(js, "forms."); i >= 0 && ref == "" && index < 0 {
		j := i + len("forms.")
		k := j
		for k < len(js) && isIdent(js[k]) {
			k++
		}
		if name := js[j:k]; name != "" && name != "length" && name != "item" && name != "namedItem" {
			ref = name
		}
	}
	return ref, index, true
}
