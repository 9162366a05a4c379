package refserver

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The implicit response types the server can offer (RFC 6749 §4.2.1; OpenID
// Connect Core §3.2.2.1; OAuth 2.0 Multiple Response Type Encoding Practices
// §3), in their canonical spelling. Their order is the order of preference
// of the harness: the first one offered is the server's primary type.
const (
	ResponseTypeToken        = "token"
	ResponseTypeIDTokenToken = "id_token token"
	ResponseTypeIDToken      = "id_token"
)

// implicitTypes lists the implicit response types in the order of preference.
func implicitTypes() []string {
	return []string{ResponseTypeToken, ResponseTypeIDTokenToken, ResponseTypeIDToken}
}

// Refusal is how the server refuses, once the client and the redirect URI
// are established, a response type it knows but does not offer (and, under
// Config.RefuseAll, every request). RFC 6749 §4.2.2.1 defines one answer
// (unsupported_response_type in the fragment); real servers answer in other
// shapes, which the harness must recognise, so the server can play each.
type Refusal string

// The refusal shapes. The zero Refusal is RefusalFragmentUnsupported.
const (
	// RefusalFragmentUnsupported: 303 to the redirect URI with
	// #error=unsupported_response_type&error_description=…&iss=…&state=…
	// (RFC 6749 §4.2.2.1, RFC 9207 §2), the conformant answer.
	RefusalFragmentUnsupported Refusal = "fragment-unsupported"
	// RefusalQueryUnauthorized: 303 to the redirect URI with
	// ?error=unauthorized_client&state=… in the query, as Django OAuth
	// Toolkit and Ory Hydra answer (RFC 6749 §3.1.1 points to §4.1.2.1).
	RefusalQueryUnauthorized Refusal = "query-unauthorized"
	// RefusalQueryInvalidRequest: 303 to the redirect URI with
	// ?error=invalid_request&error_description=…&state=… in the query.
	RefusalQueryInvalidRequest Refusal = "query-invalid-request"
	// RefusalPageBeforeLogin: an HTML error page (400) at /authorize, no
	// redirect (RFC 6749 §4.2.2.1 lets the server inform the resource owner).
	RefusalPageBeforeLogin Refusal = "page-before-login"
	// RefusalPageAfterLogin: the login page first; after a successful login
	// an HTML error page (400) instead of the consent page, no redirect.
	RefusalPageAfterLogin Refusal = "page-after-login"
)

// Refusals lists the refusal shapes, the default first.
func Refusals() []Refusal {
	return []Refusal{RefusalFragmentUnsupported, RefusalQueryUnauthorized, RefusalQueryInvalidRequest,
		RefusalPageBeforeLogin, RefusalPageAfterLogin}
}

// ParseRefusal returns the refusal shape named exactly s.
func ParseRefusal(s string) (Refusal, error) {
	if r := Refusal(s); slices.Contains(Refusals(), r) {
		return r, nil
	}
	return "", fmt.Errorf("refserver: unknown refusal %q (want one of %s)", s, joinNames(Refusals()))
}

// Consent is when the server asks the resource owner for consent. RFC 6749
// §10.2 lets a server skip it for a client approved before (with a
// registered redirect URI), and a first-party client may never be asked; a
// server that shows no consent page cannot be denied, which the harness must
// notice rather than judge.
type Consent string

// The consent policies. The zero Consent is ConsentAlways.
const (
	// ConsentAlways: the consent page on every request.
	ConsentAlways Consent = "always"
	// ConsentRemembered: once the resource owner approves a client, later
	// requests of that client with the same session cookie are approved
	// without the page (prompt=consent still shows it); a fresh cookie jar
	// sees it again.
	ConsentRemembered Consent = "remembered"
	// ConsentNone: no consent page at all (a first-party client): after the
	// login the response is issued directly.
	ConsentNone Consent = "none"
)

// Consents lists the consent policies, the default first.
func Consents() []Consent {
	return []Consent{ConsentAlways, ConsentRemembered, ConsentNone}
}

// ParseConsent returns the consent policy named exactly s.
func ParseConsent(s string) (Consent, error) {
	if c := Consent(s); slices.Contains(Consents(), c) {
		return c, nil
	}
	return "", fmt.Errorf("refserver: unknown consent policy %q (want one of %s)", s, joinNames(Consents()))
}

// PageStyle is how the login and consent pages are written. Real servers
// ship them in the user's language and in many layouts; the harness's page
// reader must act on each as a person would. A style changes only the
// markup (and, for stay-signed-in, adds one page between login and
// consent; for unknown-words, names the consent decision by opaque values;
// for js-login, signs in through a JSON endpoint instead of a form), never
// the protocol: the same CSRF checks, request_id, session and faults.
// The markup of each is in pagestyles.go (js-login's in jslogin.go).
type PageStyle string

// The page styles. The zero PageStyle is PagesPlain.
const (
	// PagesPlain: today's English pages, one form each.
	PagesPlain PageStyle = "plain"
	// PagesGerman: both pages in German (lang="de": "Anmelden",
	// "Zulassen", "Ablehnen").
	PagesGerman PageStyle = "german"
	// PagesJapanese: both pages in Japanese (lang="ja": "ログイン",
	// "許可する", "拒否する").
	PagesJapanese PageStyle = "japanese"
	// PagesRegistrationBesideLogin: the login page holds a registration
	// form first (posting to /signup, which does not exist) and the sign-in
	// form second.
	PagesRegistrationBesideLogin PageStyle = "registration-beside-login"
	// PagesRadioConsent: consent is a radio group (decision=allow|deny,
	// neither checked) with one Continue button; no choice is answered 400
	// with the page again.
	PagesRadioConsent PageStyle = "radio-consent"
	// PagesHoneypot: the login form carries a field hidden from people
	// (name="website"); a login that fills it is refused as a bot (400).
	PagesHoneypot PageStyle = "honeypot"
	// PagesStaySignedIn: after the login, a "Stay signed in?" page (Yes /
	// No, posting to /kmsi); either answer leads to the consent page.
	PagesStaySignedIn PageStyle = "stay-signed-in"
	// PagesFormaction: the consent form's action is a help page; only the
	// buttons' formaction="/consent" reaches the decision.
	PagesFormaction PageStyle = "formaction"
	// PagesBaseHref: the pages carry <base href="/ui/"> and relative form
	// actions that exist only under /ui/.
	PagesBaseHref PageStyle = "base-href"
	// PagesSloppyHTML: upper-case tags and attributes, unquoted values,
	// unclosed <p> and <li>, no </body></html>.
	PagesSloppyHTML PageStyle = "sloppy-html"
	// PagesUnknownWords: the login page in English, the consent page in
	// Hungarian (lang="hu"), a language the page reader's vocabulary does
	// not know, with two submit buttons that look alike ("Engedélyezés",
	// "Elutasítás": no primary or secondary class, no autofocus) and opaque
	// values (name="valasztas" value="1" allows, value="2" denies). Only
	// the profile's interaction.approve and interaction.deny settle which
	// one is which (see NeedsHints).
	PagesUnknownWords PageStyle = "unknown-words"
	// PagesJSLogin: the login page is a JavaScript application shell, as
	// glewlwyd's, Okta's or Entra ID's are: its HTML is only
	// <div id="root">Loading…</div> and an inline script that builds the
	// sign-in form with DOM APIs, posts the credentials with fetch() as
	// JSON to /api/login and moves on to the URL the JSON answer names.
	// The form login (POST /login) is not served. The consent page is the
	// plain one. Only a browser that runs scripts can sign in (see
	// NeedsScript).
	PagesJSLogin PageStyle = "js-login"
)

// PageStyles lists the page styles, the default first.
func PageStyles() []PageStyle {
	return []PageStyle{PagesPlain, PagesGerman, PagesJapanese, PagesRegistrationBesideLogin, PagesRadioConsent,
		PagesHoneypot, PagesStaySignedIn, PagesFormaction, PagesBaseHref, PagesSloppyHTML, PagesUnknownWords,
		PagesJSLogin}
}

// NeedsHints reports whether a reader of the style's pages needs the
// profile's interaction hints (interaction.approve, interaction.deny) to
// act: true only for PagesUnknownWords. Its consent buttons differ neither
// in words the reader knows, nor in look, nor in value, so any choice
// without a hint would be a guess, and a guess could approve where the
// scenario denies (or the reverse) and put a false finding on the server.
// It is the style a reader must refuse to guess on: without hints the run
// cannot be judged (an ambiguous error naming the buttons and the hint);
// with them it passes like every other style.
func (p PageStyle) NeedsHints() bool { return p == PagesUnknownWords }

// NeedsScript reports whether a reader of the style's pages must run
// JavaScript to act: true only for PagesJSLogin, whose login page holds no
// form until its script has built one. A reader that runs no script (the
// harness's HTML driver) cannot sign in there and must say so (an
// unreadable page) rather than judge the server; a real browser (the
// harness's browser driver) passes it like every other style.
func (p PageStyle) NeedsScript() bool { return p == PagesJSLogin }

// ParsePageStyle returns the page style named exactly s.
func ParsePageStyle(s string) (PageStyle, error) {
	if p := PageStyle(s); slices.Contains(PageStyles(), p) {
		return p, nil
	}
	return "", fmt.Errorf("refserver: unknown page style %q (want one of %s)", s, joinNames(PageStyles()))
}

// Config is the kind of authorization server the reference server plays.
// The zero Config is the conformant server that offers every implicit
// response type and asks consent every time.
type Config struct {
	// ResponseTypes are the implicit response types offered, any of
	// ResponseTypeToken, ResponseTypeIDTokenToken, ResponseTypeIDToken (the
	// words in either order); nil means all three. The metadata lists exactly
	// these (RFC 8414 §2 response_types_supported), and a request for one not
	// offered is refused in the Refusal shape (RFC 6749 §4.2.2.1
	// unsupported_response_type). An empty non-nil list is invalid.
	ResponseTypes []string
	// Refusal is how a known response type that is not offered is refused
	// (and, under RefuseAll, every request); "" means
	// RefusalFragmentUnsupported.
	Refusal Refusal
	// Consent is when consent is asked; "" means ConsentAlways.
	Consent Consent
	// RefuseAll plays a broken server: the metadata still advertises what it
	// offers, but every authorization request whose client and redirect URI
	// are valid is refused in the Refusal shape, whatever its response type,
	// and every dynamic registration is refused (RFC 7591 §3.2.2
	// invalid_client_metadata).
	RefuseAll bool
	// Pages is how the login and consent pages are written; "" means
	// PagesPlain.
	Pages PageStyle
	// Throttle, above 0, answers every Throttle-th request to the
	// authorization endpoint or the login form 429 with Retry-After: 1, and
	// Lockout, above 0, locks the account after Lockout sign-ins within
	// LockoutWindow (default DefaultLockoutWindow): operating conditions of
	// a vendor IdP, not faults (throttle.go).
	Throttle, Lockout int
	LockoutWindow     time.Duration
}

// Config string keys (ParseConfig).
const (
	configOffer     = "offer"
	configRefusal   = "refusal"
	configConsent   = "consent"
	configRefuseAll = "refuse-all"
	configPages     = "pages"
	configThrottle  = "throttle"
	configLockout   = "lockout"
)

// ParseConfig reads a compact configuration, as one command-line flag or a
// test name carries it: items separated by ';', each one of
//
//	offer=TYPE|TYPE…   the offered response types (Config.ResponseTypes), e.g. "offer=id_token token|id_token"
//	refusal=SHAPE      one of Refusals(), e.g. "refusal=query-unauthorized"
//	consent=POLICY     one of Consents(), e.g. "consent=remembered"
//	refuse-all         Config.RefuseAll
//	pages=STYLE        one of PageStyles(), e.g. "pages=german"
//	throttle=N         every Nth authorization or login request answered 429, Retry-After: 1 (Config.Throttle)
//	lockout=N[/WINDOW] the account locked after N sign-ins within WINDOW, default 15m (Config.Lockout)
//
// Spaces around items and values are ignored; each item may appear once.
// The empty string is the zero Config. The result is normalised: the
// response types in canonical spelling and order, so that
// ParseConfig(c.String()) gives c back.
func ParseConfig(s string) (Config, error) {
	var c Config
	if strings.TrimSpace(s) == "" {
		return c, nil
	}
	seen := map[string]bool{}
	for item := range strings.SplitSeq(s, ";") {
		key, value, hasValue := strings.Cut(strings.TrimSpace(item), "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if seen[key] {
			return Config{}, fmt.Errorf("refserver: config %q: %q given twice", s, key)
		}
		seen[key] = true
		var err error
		switch {
		case key == configOffer && hasValue:
			c.ResponseTypes = []string{}
			for rt := range strings.SplitSeq(value, "|") {
				c.ResponseTypes = append(c.ResponseTypes, strings.TrimSpace(rt))
			}
		case key == configRefusal && hasValue:
			c.Refusal, err = ParseRefusal(value)
		case key == configConsent && hasValue:
			c.Consent, err = ParseConsent(value)
		case key == configRefuseAll && !hasValue:
			c.RefuseAll = true
		case key == configPages && hasValue:
			c.Pages, err = ParsePageStyle(value)
		case (key == configThrottle || key == configLockout) && hasValue:
			err = c.parseOperating(key, value)
		default:
			err = fmt.Errorf("refserver: config item %q is not offer=…, refusal=…, consent=…, refuse-all, pages=…, throttle=… or lockout=…", strings.TrimSpace(item))
		}
		if err != nil {
			return Config{}, err
		}
	}
	return c.normalised()
}

// String writes c in the syntax of ParseConfig, the items in a fixed order
// and only those that differ from the zero Config ("" for the zero Config).
func (c Config) String() string {
	var items []string
	if c.ResponseTypes != nil {
		items = append(items, configOffer+"="+strings.Join(c.Offered(), "|"))
	}
	if c.Refusal != "" {
		items = append(items, configRefusal+"="+string(c.Refusal))
	}
	if c.Consent != "" {
		items = append(items, configConsent+"="+string(c.Consent))
	}
	if c.RefuseAll {
		items = append(items, configRefuseAll)
	}
	if c.Pages != "" {
		items = append(items, configPages+"="+string(c.Pages))
	}
	items = append(items, c.operatingItems()...)
	return strings.Join(items, ";")
}

// Offered lists the response types c offers, in canonical spelling and in
// the order of preference (all three for nil ResponseTypes). A value that is
// not an implicit response type is left out (Start refuses such a Config).
func (c Config) Offered() []string {
	if c.ResponseTypes == nil {
		return implicitTypes()
	}
	return offeredOf(c.ResponseTypes)
}

// Primary is the server's primary implicit response type: the first offered
// of token, id_token token, id_token — the one a harness picks for its flow
// (token if offered, else id_token token, else id_token). The fault switches
// of the flow act on it.
func (c Config) Primary() string {
	if o := c.Offered(); len(o) > 0 {
		return o[0]
	}
	return ""
}

// offeredOf keeps the implicit response types of list, canonical spelling,
// order of preference, each once.
func offeredOf(list []string) []string {
	set := map[string]bool{}
	for _, rt := range list {
		if o, ok := parseResponseType(rt); ok {
			set[o.responseType()] = true
		}
	}
	var out []string
	for _, rt := range implicitTypes() {
		if set[rt] {
			out = append(out, rt)
		}
	}
	return out
}

// normalised checks c and returns it with its response types in canonical
// spelling and order.
func (c Config) normalised() (Config, error) {
	if c.ResponseTypes != nil {
		if len(c.ResponseTypes) == 0 {
			return Config{}, errors.New("refserver: ResponseTypes offers no response type (nil means all three)")
		}
		seen := map[string]bool{}
		for _, rt := range c.ResponseTypes {
			o, ok := parseResponseType(rt)
			if !ok {
				return Config{}, fmt.Errorf("refserver: response type %q is not one of %q, %q, %q",
					rt, ResponseTypeToken, ResponseTypeIDTokenToken, ResponseTypeIDToken)
			}
			if seen[o.responseType()] {
				return Config{}, fmt.Errorf("refserver: response type %q is offered twice", o.responseType())
			}
			seen[o.responseType()] = true
		}
		c.ResponseTypes = offeredOf(c.ResponseTypes)
	}
	if c.Refusal != "" {
		if _, err := ParseRefusal(string(c.Refusal)); err != nil {
			return Config{}, err
		}
	}
	if c.Consent != "" {
		if _, err := ParseConsent(string(c.Consent)); err != nil {
			return Config{}, err
		}
	}
	if c.Pages != "" {
		if _, err := ParsePageStyle(string(c.Pages)); err != nil {
			return Config{}, err
		}
	}
	return c, nil
}

// refusal is the configured refusal shape, the default for "".
func (c Config) refusal() Refusal {
	if c.Refusal == "" {
		return RefusalFragmentUnsupported
	}
	return c.Refusal
}

func joinNames[T ~string](names []T) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = string(n)
	}
	return strings.Join(parts, ", ")
}

// describeTypes writes a list of response types for an error description:
// "token, id_token token and id_token".
func describeTypes(types []string) string {
	if len(types) < 2 {
		return strings.Join(types, "")
	}
	return strings.Join(types[:len(types)-1], ", ") + " and " + types[len(types)-1]
}
