package redact

import (
	"cmp"
	"slices"
	"strings"
)

// index finds the spellings of the registered secrets in a text. A run
// registers thousands of spellings (every token and cookie, each in about
// fifteen forms) while its scenarios' evidence is being masked; a
// strings.Replacer over all of them would be rebuilt after every Add, under
// the lock every scenario takes, at a cost that grows with the run. The
// index grows by one entry per spelling instead.
//
// Its matching is the Replacer's with the pairs longest first: at each
// position of the text the longest spelling that starts there is masked,
// and the scan resumes after it.
type index struct {
	// heads are the spellings by their first minSecret bytes, each list
	// longest first (then in byte order).
	heads map[string][]string
	// pairs has bit a<<8|b set when a spelling starts with bytes a, b: most
	// positions of a text are passed over on one bit.
	pairs [1 << 16 / 64]uint64
}

// add indexes spelling f (len(f) >= minSecret).
func (x *index) add(f string) {
	if x.heads == nil {
		x.heads = map[string][]string{}
	}
	h := f[:minSecret]
	list := x.heads[h]
	i, found := slices.BinarySearchFunc(list, f, longestFirst)
	if found {
		return
	}
	x.heads[h] = slices.Insert(list, i, f)
	p := uint16(f[0])<<8 | uint16(f[1])
	x.pairs[p/64] |= 1 << (p % 64)
}

func longestFirst(a, b string) int {
	if c := cmp.Compare(len(b), len(a)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// replace returns s with every spelling found masked.
func (x *index) replace(s string) string { return maskSpans(s, x.spans(s)) }

// spans are the spans of s that hold a spelling, in order and not
// overlapping. String masks them together with the structural spans, both
// found in the same unmasked text (see Redactor.String).
func (x *index) spans(s string) [][2]int {
	if len(x.heads) == 0 {
		return nil
	}
	var out [][2]int
	for i := 0; i+minSecret <= len(s); {
		p := uint16(s[i])<<8 | uint16(s[i+1])
		if x.pairs[p/64]&(1<<(p%64)) == 0 {
			i++
			continue
		}
		n := 0
		for _, f := range x.heads[s[i:i+minSecret]] {
			if strings.HasPrefix(s[i:], f) {
				n = len(f)
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, [2]int{i, i + n})
		i += n
	}
	return out
}
