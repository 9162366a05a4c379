package interact

import "testing"

func TestJSString(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"double quotes", `"/a" + x`, "/a", true},
		{"single quotes", `'/b';`, "/b", true},
		{"template without substitution", "`/c`", "/c", true},
		{"template with substitution", "`/d/${id}`", "", false},
		{"dollar without brace in a template", "`/$d`", "/$d", true},
		{"substitution syntax in quotes", `"/${e}"`, "/${e}", true},
		{"other quote inside", `"it's"`, "it's", true},
		{"not a literal", `next`, "", false},
		{"empty input", ``, "", false},
		{"empty literal", `''`, "", true},
		{"unterminated", `"/f`, "", false},
		{"newline in quotes", "\"/g\nh\"", "", false},
		{"newline in a template", "`/g\nh`", "/g\nh", true},
		{"simple escapes", `"\n\t\r\b\f\v\0"`, "\n\t\r\b\f\v\x00", true},
		{"escaped quote and backslash", `"a\"b\\c"`, `a"b\c`, true},
		{"identity escapes", `"\/\q\'"`, `/q'`, true},
		{"line continuation LF", "\"a\\\nb\"", "ab", true},
		{"line continuation CRLF", "\"a\\\r\nb\"", "ab", true},
		{"line continuation CR", "\"a\\\rb\"", "ab", true},
		{"backslash at the end", `"a\`, "", false},
		{"hex escape", `"\x41\x7e"`, "A~", true},
		{"hex escape above ASCII", `"\xe9"`, "é", true},
		{"short hex escape", `"\x4`, "", false},
		{"bad hex escape", `"\xZZ"`, "", false},
		{"unicode escape", `"\u0026"`, "&", true},
		{"unicode code point escape", `"\u{1F600}"`, "😀", true},
		{"unclosed code point escape", `"\u{1F600"`, "", false},
		{"code point out of range", `"\u{110000}"`, "", false},
		{"empty code point", `"\u{}"`, "", false},
		{"short unicode escape", `"\u12"`, "", false},
		{"bad unicode escape", `"\uZZZZ"`, "", false},
		{"surrogate pair", `"\ud83d\ude00"`, "😀", true},
		{"lone high surrogate", `"\ud83dx"`, "\uFFFD" + "x", true},
		{"high surrogate then non-surrogate", `"\ud83d\u0041"`, "\uFFFDA", true},
		{"high surrogate then short escape", `"\ud83d\u00"`, "", false},
		{"lone low surrogate", `"\ude00"`, "\uFFFD", true},
		{"code point surrogate", `"\u{d83d}"`, "\uFFFD", true},
		{"non-ASCII kept", `"é/ü"`, "é/ü", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := jsString(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("jsString(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}
