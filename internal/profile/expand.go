package profile

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// expandAll expands ${VAR} in every string (and []string element) that the
// YAML decoder filled, walking the struct by its yaml keys.
func expandAll(p *Profile, getenv Getenv, lines map[string]int) error {
	return expandValue(reflect.ValueOf(p).Elem(), "", getenv, lines)
}

func expandValue(v reflect.Value, path string, getenv Getenv, lines map[string]int) error {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return expandValue(v.Elem(), path, getenv, lines)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			key := yamlKey(t.Field(i))
			if key == "" {
				continue
			}
			if err := expandValue(v.Field(i), joinKey(path, key), getenv, lines); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := expandValue(v.Index(i), path+"["+strconv.Itoa(i)+"]", getenv, lines); err != nil {
				return err
			}
		}
	case reflect.String:
		s, err := expand(v.String(), getenv)
		if err != nil {
			return &Error{Key: path, Line: lines[path], Msg: err.Error()}
		}
		v.SetString(s)
	}
	return nil
}

// expand replaces ${NAME} and ${NAME:-default} with the environment's value
// and $$ with $. Error messages name the variable, never a value.
func expand(s string, getenv Getenv) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i += 2
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", errors.New(`unterminated "${" (write "$$" for a literal "$")`)
			}
			name, def, hasDef := strings.Cut(s[i+2:i+2+end], ":-")
			if !validVarName(name) {
				// The name is not quoted: it may be part of a literal password.
				return "", errors.New(`invalid variable name in "${...}": use letters, digits and '_' (write "$$" for a literal "$")`)
			}
			val, ok := getenv(name)
			switch {
			case hasDef && val == "":
				val = def
			case !ok:
				return "", fmt.Errorf("environment variable %s is not set", name)
			}
			b.WriteString(val)
			i += 2 + end + 1
		default:
			b.WriteByte('$')
			i++
		}
	}
	return b.String(), nil
}

func validVarName(name string) bool {
	if name == "" {
		return false
	}
	for i, c := range name {
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
