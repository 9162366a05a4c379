package suite

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/implicitspec/implicitspec/features"
)

var tagTerm = regexp.MustCompile(`^~?@[A-Za-z0-9_.:-]+$`)

const tagSyntax = "write @a,@b for or, @a&&@b for and, ~@a for not"

// ValidateTags rejects expressions godog v0.16 would silently misread: the
// new "not/and/or" syntax, empty terms, trailing commas, and any tag that no
// scenario carries (a typo inside an exclusion, "~@SEC-1", would otherwise
// exclude nothing and go unnoticed).
func ValidateTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, or := range strings.Split(expr, ",") {
		for _, term := range strings.Split(or, "&&") {
			if err := validateTerm(expr, strings.TrimSpace(term)); err != nil {
				return err
			}
		}
	}
	return nil
}

func validateTerm(expr, term string) error {
	words := strings.Fields(term)
	if len(words) == 0 {
		return fmt.Errorf("tag expression %q has an empty term (%s)", expr, tagSyntax)
	}
	for _, w := range words {
		switch strings.ToLower(strings.TrimLeft(w, "~@()")) {
		case "not", "and", "or":
			return fmt.Errorf("tag expression %q uses %q: this godog reads the old syntax (~@a for not, @a&&@b for and, @a,@b for or)", expr, w)
		}
	}
	if len(words) > 1 {
		return fmt.Errorf("tag expression %q: %q holds more than one tag (%s)", expr, term, tagSyntax)
	}
	if !tagTerm.MatchString(term) {
		return fmt.Errorf("tag expression %q: %q is not a tag (%s)", expr, term, tagSyntax)
	}
	tag := strings.TrimPrefix(term, "~")
	known := KnownTags()
	if _, ok := known[tag]; !ok {
		return fmt.Errorf("tag expression %q: no scenario is tagged %s (nearest: %s; --list shows every scenario's tags)", expr, tag, nearest(tag, known))
	}
	return nil
}

var (
	knownOnce sync.Once
	knownTags map[string]bool
)

// KnownTags is every tag a scenario carries (its own and its feature's).
func KnownTags() map[string]bool {
	knownOnce.Do(func() {
		knownTags = map[string]bool{}
		ts := godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"."}}}
		feats, err := ts.RetrieveFeatures()
		if err != nil {
			return
		}
		for _, f := range feats {
			for _, p := range f.Pickles {
				for _, t := range p.Tags {
					knownTags[t.Name] = true
				}
			}
		}
	})
	return knownTags
}

// nearest is the known tag closest to tag (case-insensitive edit distance).
func nearest(tag string, known map[string]bool) string {
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	sort.Strings(names)
	best, bestD := "", -1
	for _, k := range names {
		if d := distance(strings.ToLower(tag), strings.ToLower(k)); bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
