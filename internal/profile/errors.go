package profile

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode"
)

// Error is a configuration error in a profile.
//
//	profile testdata/x.yaml: resource_owner.password: environment variable IDP_PASSWORD is not set (line 14)
type Error struct {
	File string // the profile file; "" when parsed from bytes
	Key  string // dotted key path, e.g. "clients.implicit.redirect_uris[1]"; "" for the whole document
	Line int    // 1-based line in the YAML; 0 when unknown
	Msg  string // one line; never contains the password
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("profile")
	if e.File != "" {
		b.WriteString(" ")
		b.WriteString(printable(e.File))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(printable(e.Key))
		b.WriteString(": ")
	}
	b.WriteString(oneLine(e.Msg))
	if e.Line > 0 {
		b.WriteString(" (line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(")")
	}
	return b.String()
}

// oneLine folds a multi-line message (yaml's unmarshal errors) into one line.
func oneLine(s string) string {
	s = strings.TrimPrefix(s, "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:\n  ")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// Format prints the resource owner with its password redacted, whatever the
// verb, so that fmt.Printf("%+v", profile) cannot leak it.
func (r ResourceOwner) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, "profile.ResourceOwner{Username:%q, Password:%q}", r.Username, redact(r.Password))
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "{Username:%s Password:%s}", r.Username, redact(r.Password))
	default:
		fmt.Fprintf(f, "{%s %s}", r.Username, redact(r.Password))
	}
}

// LogValue keeps the password out of slog output.
func (r ResourceOwner) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("username", r.Username),
		slog.String("password", redact(r.Password)),
	)
}

type plainResourceOwner struct {
	Username string `json:"username" yaml:"username"`
	Password string `json:"password" yaml:"password"`
}

// MarshalJSON writes the resource owner with its password redacted.
func (r ResourceOwner) MarshalJSON() ([]byte, error) {
	return json.Marshal(plainResourceOwner{Username: r.Username, Password: redact(r.Password)})
}

// MarshalYAML writes the resource owner with its password redacted.
func (r ResourceOwner) MarshalYAML() (any, error) {
	return plainResourceOwner{Username: r.Username, Password: redact(r.Password)}, nil
}

// printable quotes a key path or file name that holds a line break or another
// unprintable character (a quoted YAML key can), so the message stays one line
// and says exactly which key it means.
func printable(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}
