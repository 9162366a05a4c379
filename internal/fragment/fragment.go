// Package fragment reads application/x-www-form-urlencoded strings strictly:
// the fragment of an implicit-grant redirect (RFC 6749 §4.2.2, Appendix B) and
// form_post bodies.
//
// Decoding follows the WHATWG URL Standard's "application/x-www-form-urlencoded
// parser" (§5.1): the input is split on '&', empty sequences are skipped, each
// sequence is split at its first '=', '+' becomes a space, "%XX" is
// percent-decoded, and the resulting bytes must be UTF-8. Where WHATWG would
// silently repair the input (a '%' not followed by two hex digits is kept as is,
// invalid UTF-8 becomes U+FFFD) this package keeps the best-effort value and
// reports a Problem, so that a check can decide whether the deviation matters.
//
// Decoded names and values are byte-exact: invalid UTF-8 is kept as the decoded
// bytes, never replaced.
package fragment

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Param is one name=value pair, in the order it appeared.
type Param struct {
	Name  string // decoded name
	Value string // decoded value; "" when the segment had no '='
	Raw   string // the raw segment, exactly as it appeared between '&'s
	// HasEquals tells "name=" (true, empty value) from a bare "name" (false).
	// Both are legal and both decode to Value "".
	HasEquals bool
}

// Params is a parsed string: order and repeated names are kept.
type Params []Param

// ProblemKind classifies a Problem.
type ProblemKind string

// The kinds of Problem that Parse reports.
const (
	// MalformedEscape: a '%' not followed by two hex digits ("%", "%4", "%zz").
	// The text is kept literally in the decoded name or value.
	MalformedEscape ProblemKind = "malformed percent-escape"
	// InvalidUTF8: the decoded bytes are not UTF-8. The bytes are kept.
	InvalidUTF8 ProblemKind = "invalid UTF-8"
	// UnencodedChar: a raw character that may not appear unencoded in a URI
	// (RFC 3986 §3.5: anything outside pchar, "/" and "?"), e.g. a raw space,
	// '"', '<', '#', a control character or a raw non-ASCII byte. A serializer
	// of application/x-www-form-urlencoded never emits one. The character is
	// decoded as if it had been encoded.
	UnencodedChar ProblemKind = "unencoded character"
)

// Problem is a deviation from application/x-www-form-urlencoded found in one
// segment. The segment is still returned, with its best-effort decoding.
type Problem struct {
	Segment int         // index of the affected Param in the returned Params
	Raw     string      // the raw segment (same as Params[Segment].Raw)
	Kind    ProblemKind // what is wrong
	Reason  string      // one line for humans, e.g. `malformed percent-escape "%G1" in value`
}

func (p Problem) String() string {
	return fmt.Sprintf("segment %d %q: %s", p.Segment, p.Raw, p.Reason)
}

// Parse reads s, which must not include the leading '#' or '?'. It never fails
// outright: a bad segment is kept with its best-effort decoding, and one
// Problem is reported per segment, part (name or value) and kind.
// Empty segments ("a=1&&b=2", a trailing '&') are skipped and are not problems.
func Parse(s string) (Params, []Problem) {
	if s == "" {
		return nil, nil
	}
	var (
		params   = make(Params, 0, strings.Count(s, "&")+1)
		problems []Problem
	)
	for rest := s; ; {
		seg, tail, more := strings.Cut(rest, "&")
		if seg != "" {
			p := Param{Raw: seg}
			rawName, rawValue, hasEq := strings.Cut(seg, "=")
			p.HasEquals = hasEq
			var nameProbs, valueProbs []partProblem
			p.Name, nameProbs = decode(rawName)
			p.Value, valueProbs = decode(rawValue)
			idx := len(params)
			for _, pp := range nameProbs {
				problems = append(problems, pp.problem(idx, seg, "name"))
			}
			for _, pp := range valueProbs {
				problems = append(problems, pp.problem(idx, seg, "value"))
			}
			params = append(params, p)
		}
		if !more {
			break
		}
		rest = tail
	}
	return params, problems
}

type partProblem struct {
	kind   ProblemKind
	detail string // the offending text, quoted in the reason
}

func (pp partProblem) problem(idx int, seg, part string) Problem {
	reason := fmt.Sprintf("%s in %s", pp.kind, part)
	if pp.detail != "" {
		reason = fmt.Sprintf("%s %s in %s", pp.kind, pp.detail, part)
	}
	return Problem{Segment: idx, Raw: seg, Kind: pp.kind, Reason: reason}
}

// decode replaces '+' with a space and decodes %XX escapes, byte for byte.
// It reports at most one problem of each kind, naming the first occurrence.
func decode(s string) (string, []partProblem) {
	var probs []partProblem
	clean := true // only unreserved-ish bytes, no '+' or '%': the fast path
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '+' || c == '%' || !allowedRaw(c) {
			clean = false
			break
		}
	}
	if clean {
		return s, nil
	}

	var (
		b          strings.Builder
		badEscape  string
		unencoded  string
		sawBadByte bool
	)
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b.WriteByte(' ')
		case c == '%':
			if i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
				b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
				i += 2
				continue
			}
			if badEscape == "" {
				end := min(i+3, len(s))
				badEscape = s[i:end]
			}
			b.WriteByte('%')
		default:
			if !allowedRaw(c) && !sawBadByte {
				sawBadByte = true
				unencoded = describeRaw(s[i:])
			}
			b.WriteByte(c)
		}
	}
	if badEscape != "" {
		probs = append(probs, partProblem{kind: MalformedEscape, detail: fmt.Sprintf("%q", badEscape)})
	}
	if sawBadByte {
		probs = append(probs, partProblem{kind: UnencodedChar, detail: unencoded})
	}
	out := b.String()
	if !utf8.ValidString(out) {
		probs = append(probs, partProblem{kind: InvalidUTF8})
	}
	return out, probs
}

// describeRaw quotes the first (possibly multi-byte) character of s.
func describeRaw(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02X", s[0])
	}
	return fmt.Sprintf("%q", s[:size])
}

// allowedRaw reports whether c may appear unencoded in a URI fragment or query
// (RFC 3986 §3.4, §3.5: pchar / "/" / "?"), '%' aside (handled by the caller).
// '&' and '=' never reach here inside a segment except '=' in a value, which is
// a sub-delim and allowed.
func allowedRaw(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', // unreserved
		'!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', // sub-delims
		':', '@', '/', '?':
		return true
	}
	return false
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// Get returns the first value for name, and whether name occurs at all.
func (p Params) Get(name string) (string, bool) {
	for _, x := range p {
		if x.Name == name {
			return x.Value, true
		}
	}
	return "", false
}

// All returns every value for name, in order; nil when name does not occur.
func (p Params) All(name string) []string {
	var out []string
	for _, x := range p {
		if x.Name == name {
			out = append(out, x.Value)
		}
	}
	return out
}

// Count returns how many times name occurs.
func (p Params) Count(name string) int {
	n := 0
	for _, x := range p {
		if x.Name == name {
			n++
		}
	}
	return n
}

// Names returns the distinct names, in first-seen order.
func (p Params) Names() []string {
	seen := make(map[string]bool, len(p))
	var out []string
	for _, x := range p {
		if !seen[x.Name] {
			seen[x.Name] = true
			out = append(out, x.Name)
		}
	}
	return out
}

// Repeated returns the names that occur more than once, in first-seen order.
func (p Params) Repeated() []string {
	count := make(map[string]int, len(p))
	for _, x := range p {
		count[x.Name]++
	}
	var out []string
	for _, name := range p.Names() {
		if count[name] > 1 {
			out = append(out, name)
		}
	}
	return out
}

// FromURL splits a raw URL string (for example a Location header value) into
// its raw query and fragment, without decoding or re-encoding anything: the
// fragment is everything after the first '#', the query everything between the
// first '?' before that '#' and the '#'. hasFragment tells "…/cb#" (true, empty
// fragment) from "…/cb" (false).
//
// It works on the raw string on purpose: url.Parse re-encodes and would hide
// exactly the deviations a conformance check looks for.
func FromURL(raw string) (query, fragment string, hasFragment bool) {
	before, fragment, hasFragment := strings.Cut(raw, "#")
	if _, q, ok := strings.Cut(before, "?"); ok {
		query = q
	}
	return query, fragment, hasFragment
}
