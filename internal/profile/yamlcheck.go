package profile

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNodeVisits bounds the checker's walk, which follows aliases and merge keys
// (a small document can otherwise make it visit exponentially many nodes).
const maxNodeVisits = 100_000

// checker walks the YAML tree against the Go type it will be decoded into.
// It rejects unknown keys and values of the wrong shape with an *Error that
// names the key path and the line, and records the line of every key path.
type checker struct {
	lines  map[string]int
	visits int
}

func checkNode(n *yaml.Node, t reflect.Type, path string, lines map[string]int) error {
	c := &checker{lines: lines}
	return c.node(n, t, path)
}

func (c *checker) node(n *yaml.Node, t reflect.Type, path string) error {
	if c.visits++; c.visits > maxNodeVisits {
		return &Error{Key: path, Line: n.Line, Msg: "document too large (excessive aliasing?)"}
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if _, seen := c.lines[path]; !seen && path != "" {
		c.lines[path] = n.Line
	}
	if isNull(n) {
		return nil // decodes to the zero value
	}
	switch t.Kind() {
	case reflect.Pointer:
		return c.node(n, t.Elem(), path)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return shapeError(n, path, "a mapping")
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
				if err := c.merge(v, t, path); err != nil {
					return err
				}
				continue
			}
			child := joinKey(path, k.Value)
			f, ok := fieldByKey(t, k.Value)
			if !ok {
				return &Error{Key: child, Line: k.Line, Msg: "unknown key (known: " + strings.Join(knownKeys(t), ", ") + ")"}
			}
			c.lines[child] = k.Line
			if err := c.node(v, f.Type, child); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return shapeError(n, path, "a list")
		}
		for i, item := range n.Content {
			if err := c.node(item, t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return shapeError(n, path, "a string")
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			return &Error{Key: path, Line: n.Line, Msg: "expected true or false"}
		}
	}
	return nil
}

func (c *checker) merge(v *yaml.Node, t reflect.Type, path string) error {
	for v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind == yaml.SequenceNode {
		for _, item := range v.Content {
			if err := c.node(item, t, path); err != nil {
				return err
			}
		}
		return nil
	}
	return c.node(v, t, path)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func shapeError(n *yaml.Node, path, want string) error {
	got := map[yaml.Kind]string{
		yaml.MappingNode:  "a mapping",
		yaml.SequenceNode: "a list",
		yaml.ScalarNode:   "a scalar",
	}[n.Kind]
	if got == "" {
		got = "something else"
	}
	return &Error{Key: path, Line: n.Line, Msg: fmt.Sprintf("expected %s, got %s", want, got)}
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlKey returns the YAML key of a struct field, or "" if it is not decoded.
func yamlKey(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return strings.ToLower(f.Name)
	}
	return name
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if k := yamlKey(f); k != "" && k == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func knownKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if k := yamlKey(t.Field(i)); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}
