package interact

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
)

// wordsTSV is the reader's vocabulary: see the header of words.tsv for its format.
//
//go:embed words.tsv
var wordsTSV string

// The roles a phrase of words.tsv can have.
const (
	roleApprove      = "approve"
	roleDeny         = "deny"
	roleNegation     = "negation"
	roleLogin        = "login"
	roleOtherPurpose = "other-purpose"
	roleStaySignedIn = "stay-signed-in"
	roleConsent      = "consent"
)

var knownRoles = map[string]bool{roleApprove: true, roleDeny: true, roleNegation: true, roleLogin: true,
	roleOtherPurpose: true, roleStaySignedIn: true, roleConsent: true}

// phrase is one row of words.tsv, ready to match.
type phrase struct {
	lang, role, text, source string
	words                    []string // folded; a trailing '*' marks a prefix
	squeezed                 string   // folded, without spaces: for scripts written without spaces
	unspaced                 bool     // match squeezed as a substring instead of words
}

// lexicon is the parsed vocabulary, by role.
type lexicon struct {
	byRole map[string][]phrase
	langs  map[string]bool
}

// lex is the vocabulary of the package, read once. A malformed words.tsv is a build defect
// (TestLexicon names the line); panicking here keeps a broken file from being half used.
var lex = mustParseLexicon(wordsTSV)

func mustParseLexicon(s string) *lexicon {
	l, err := parseLexicon(s)
	if err != nil {
		panic("interact: words.tsv: " + err.Error())
	}
	return l
}

// parseLexicon reads the word lists: language, role, phrase and source, tab-separated, one
// phrase a line. The sources named in the file are Keycloak's login theme messages
// (messages_xx.properties: doLogIn, doYes, doNo, doAccept, doDecline, doCancel, doContinue,
// doRegister, doForgotPassword, rememberMe, oauthGrantTitle, oauthGrantRequest) for de, fr, es,
// ja, ko, zh_CN, and for nb and pl as copied by keycloakify; the English lists this package
// had before; and common IdP button wording (Microsoft Entra's "Stay signed in?", Google and
// Auth0 sign-in and consent pages) where no file was at hand. Every line must be well formed:
// four non-empty columns, a known role, a lower-case phrase without doubled spaces.
func parseLexicon(s string) (*lexicon, error) {
	l := &lexicon{byRole: map[string][]phrase{}, langs: map[string]bool{}}
	seen := map[string]bool{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := parsePhrase(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v: %q", i+1, err, line)
		}
		key := p.lang + "\t" + p.role + "\t" + p.text
		if seen[key] {
			return nil, fmt.Errorf("line %d: duplicate phrase: %q", i+1, line)
		}
		seen[key] = true
		l.byRole[p.role] = append(l.byRole[p.role], p)
		l.langs[p.lang] = true
	}
	for r := range knownRoles {
		if len(l.byRole[r]) == 0 {
			return nil, fmt.Errorf("no phrase has role %s", r)
		}
	}
	return l, nil
}

func parsePhrase(line string) (phrase, error) {
	cols := strings.Split(line, "\t")
	if len(cols) != 4 {
		return phrase{}, fmt.Errorf("%d columns, want 4 (language, role, phrase, source)", len(cols))
	}
	for _, c := range cols {
		if strings.TrimSpace(c) == "" || c != strings.TrimSpace(c) {
			return phrase{}, fmt.Errorf("an empty column or one with spaces around it")
		}
	}
	p := phrase{lang: cols[0], role: cols[1], text: cols[2], source: cols[3]}
	switch {
	case !knownRoles[p.role]:
		return phrase{}, fmt.Errorf("unknown role %q", p.role)
	case len(p.lang) < 2 || len(p.lang) > 3 || strings.ToLower(p.lang) != p.lang:
		return phrase{}, fmt.Errorf("language %q is not an ISO 639 code", p.lang)
	case strings.ToLower(p.text) != p.text:
		return phrase{}, fmt.Errorf("phrase %q is not lower-case", p.text)
	case strings.Contains(p.text, "  "):
		return phrase{}, fmt.Errorf("phrase %q has doubled spaces", p.text)
	}
	for _, w := range strings.Split(p.text, " ") {
		bare := strings.TrimSuffix(w, "*")
		if bare == "" || strings.ContainsRune(bare, '*') {
			return phrase{}, fmt.Errorf("word %q of %q: '*' only ends a word", w, p.text)
		}
		p.words = append(p.words, fold(bare)+strings.Repeat("*", len(w)-len(bare)))
	}
	p.squeezed = strings.ReplaceAll(fold(p.text), " ", "")
	p.unspaced = unspacedScript(p.text)
	return p, nil
}

// unspacedScript reports a phrase in a script written without spaces between words: it is
// found inside longer runs of letters ("許可する" holds "許可").
func unspacedScript(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// reading is a text prepared for matching: its folded words, and its folded letters without
// spaces.
type reading struct {
	words    []string
	squeezed string
}

func read(s string) reading {
	f := fold(s)
	return reading{
		words:    strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }),
		squeezed: strings.Join(strings.Fields(f), ""),
	}
}

// has reports whether any phrase of the role occurs in the text.
func (l *lexicon) has(role string, r reading) bool {
	for _, p := range l.byRole[role] {
		if p.in(r) {
			return true
		}
	}
	return false
}

// in reports whether p occurs in r: as consecutive whole words, or as a substring for
// unspaced scripts.
func (p phrase) in(r reading) bool {
	if p.unspaced {
		return r.squeezed != "" && strings.Contains(r.squeezed, p.squeezed)
	}
	for i := 0; i+len(p.words) <= len(r.words); i++ {
		ok := true
		for j, w := range p.words {
			if !wordMatches(w, r.words[i+j]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func wordMatches(pattern, w string) bool {
	if stem, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(w, stem)
	}
	return w == pattern
}

// fold lower-cases s and drops the accents of Latin letters, so that "Zurück", "zuruck" and a
// decomposed "zuru\u0308ck" read alike (a page may come in either Unicode form, or with accents
// left out). Kana voicing marks are not accents and stay.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 0x300 && r <= 0x36f: // combining diacritical marks
		case r == '\'' || r == '’':
			b.WriteByte(' ') // "j'accepte", "don’t": the apostrophe separates words
		default:
			if f, ok := latinFold[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// latinFold maps the accented Latin letters of the languages in words.tsv to their base letters.
var latinFold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d"}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćč", "d": "ď", "e": "èéêëēėęě", "i": "ìíîïīį", "l": "ĺľ",
		"n": "ñńňņ", "o": "òóôõöōő", "r": "ŕř", "s": "śšş", "t": "ťţ", "u": "ùúûüūůű", "y": "ýÿ", "z": "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
