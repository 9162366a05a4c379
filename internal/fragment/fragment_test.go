package fragment

import (
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     Params
		problems []Problem
	}{
		{name: "empty", in: "", want: nil},
		{name: "only separators", in: "&&&", want: Params{}},
		{
			name: "hydra token response",
			in:   "access_token=ory_at_x&expires_in=3600&scope=openid+profile&state=state-abcdefgh-123&token_type=bearer",
			want: Params{
				{Name: "access_token", Value: "ory_at_x", Raw: "access_token=ory_at_x", HasEquals: true},
				{Name: "expires_in", Value: "3600", Raw: "expires_in=3600", HasEquals: true},
				{Name: "scope", Value: "openid profile", Raw: "scope=openid+profile", HasEquals: true},
				{Name: "state", Value: "state-abcdefgh-123", Raw: "state=state-abcdefgh-123", HasEquals: true},
				{Name: "token_type", Value: "bearer", Raw: "token_type=bearer", HasEquals: true},
			},
		},
		{
			name: "state echoed by every server in the targets README",
			in:   "state=a+b%26c%23d%25e%2Bf%3Dg%2Fh%3F%C3%BC%7E",
			want: Params{{Name: "state", Value: "a b&c#d%e+f=g/h?ü~", Raw: "state=a+b%26c%23d%25e%2Bf%3Dg%2Fh%3F%C3%BC%7E", HasEquals: true}},
		},
		{
			name: "LemonLDAP leaves ~ raw",
			in:   "state=a+b%26c%23d%25e%2Bf%3Dg%2Fh%3F%C3%BC~",
			want: Params{{Name: "state", Value: "a b&c#d%e+f=g/h?ü~", Raw: "state=a+b%26c%23d%25e%2Bf%3Dg%2Fh%3F%C3%BC~", HasEquals: true}},
		},
		{
			name: "plus is space, %2B is plus, %20 is space, %25 is percent",
			in:   "a=1+2&b=1%2B2&c=1%202&d=100%25",
			want: Params{
				{Name: "a", Value: "1 2", Raw: "a=1+2", HasEquals: true},
				{Name: "b", Value: "1+2", Raw: "b=1%2B2", HasEquals: true},
				{Name: "c", Value: "1 2", Raw: "c=1%202", HasEquals: true},
				{Name: "d", Value: "100%", Raw: "d=100%25", HasEquals: true},
			},
		},
		{
			name: "lower-case hex",
			in:   "x=%c3%bc",
			want: Params{{Name: "x", Value: "ü", Raw: "x=%c3%bc", HasEquals: true}},
		},
		{
			name: "encoded name",
			in:   "a%5Bb%5D+c=1",
			want: Params{{Name: "a[b] c", Value: "1", Raw: "a%5Bb%5D+c=1", HasEquals: true}},
		},
		{
			name: "empty state and bare name",
			in:   "scope=read&state=&error_description",
			want: Params{
				{Name: "scope", Value: "read", Raw: "scope=read", HasEquals: true},
				{Name: "state", Value: "", Raw: "state=", HasEquals: true},
				{Name: "error_description", Value: "", Raw: "error_description", HasEquals: false},
			},
		},
		{
			name: "split at the first equals sign only",
			in:   "id_token=a.b.c==&x==",
			want: Params{
				{Name: "id_token", Value: "a.b.c==", Raw: "id_token=a.b.c==", HasEquals: true},
				{Name: "x", Value: "=", Raw: "x==", HasEquals: true},
			},
		},
		{
			name: "empty name",
			in:   "=v",
			want: Params{{Name: "", Value: "v", Raw: "=v", HasEquals: true}},
		},
		{
			name: "empty segments skipped, repeats kept",
			in:   "&a=1&&a=2&",
			want: Params{
				{Name: "a", Value: "1", Raw: "a=1", HasEquals: true},
				{Name: "a", Value: "2", Raw: "a=2", HasEquals: true},
			},
		},
		{
			name: "semicolon is not a separator",
			in:   "a=1;b=2",
			want: Params{{Name: "a", Value: "1;b=2", Raw: "a=1;b=2", HasEquals: true}},
		},
		{
			name: "malformed escape %G1 kept literally",
			in:   "ok=1&state=x%G1y",
			want: Params{
				{Name: "ok", Value: "1", Raw: "ok=1", HasEquals: true},
				{Name: "state", Value: "x%G1y", Raw: "state=x%G1y", HasEquals: true},
			},
			problems: []Problem{{Segment: 1, Raw: "state=x%G1y", Kind: MalformedEscape, Reason: `malformed percent-escape "%G1" in value`}},
		},
		{
			name:     "lone percent at the end",
			in:       "a=%",
			want:     Params{{Name: "a", Value: "%", Raw: "a=%", HasEquals: true}},
			problems: []Problem{{Segment: 0, Raw: "a=%", Kind: MalformedEscape, Reason: `malformed percent-escape "%" in value`}},
		},
		{
			name:     "truncated escape",
			in:       "a=%4",
			want:     Params{{Name: "a", Value: "%4", Raw: "a=%4", HasEquals: true}},
			problems: []Problem{{Segment: 0, Raw: "a=%4", Kind: MalformedEscape, Reason: `malformed percent-escape "%4" in value`}},
		},
		{
			name:     "non-hex escape, good escape after it still decoded",
			in:       "a=%zz%41",
			want:     Params{{Name: "a", Value: "%zzA", Raw: "a=%zz%41", HasEquals: true}},
			problems: []Problem{{Segment: 0, Raw: "a=%zz%41", Kind: MalformedEscape, Reason: `malformed percent-escape "%zz" in value`}},
		},
		{
			name:     "malformed escape in the name",
			in:       "%x=1",
			want:     Params{{Name: "%x", Value: "1", Raw: "%x=1", HasEquals: true}},
			problems: []Problem{{Segment: 0, Raw: "%x=1", Kind: MalformedEscape, Reason: `malformed percent-escape "%x" in name`}},
		},
		{
			name:     "invalid UTF-8 kept byte for byte",
			in:       "a=%FF",
			want:     Params{{Name: "a", Value: "\xff", Raw: "a=%FF", HasEquals: true}},
			problems: []Problem{{Segment: 0, Raw: "a=%FF", Kind: InvalidUTF8, Reason: "invalid UTF-8 in value"}},
		},
		{
			name:     "truncated UTF-8 sequence",
			in:       "a=%C3",
			want:     Params{{Name: "a", Value: "\xc3", Raw: "a=%C3", HasEquals: true}},
			problems: []Problem{{Segment: 0, Raw: "a=%C3", Kind: InvalidUTF8, Reason: "invalid UTF-8 in value"}},
		},
		{
			name: "glewlwyd raw space in scope",
			in:   "scope=scope1 scope2&state=s1",
			want: Params{
				{Name: "scope", Value: "scope1 scope2", Raw: "scope=scope1 scope2", HasEquals: true},
				{Name: "state", Value: "s1", Raw: "state=s1", HasEquals: true},
			},
			problems: []Problem{{Segment: 0, Raw: "scope=scope1 scope2", Kind: UnencodedChar, Reason: `unencoded character " " in value`}},
		},
		{
			name:     "raw non-ASCII character",
			in:       "s=ü",
			want:     Params{{Name: "s", Value: "ü", Raw: "s=ü", HasEquals: true}},
			problems: []Problem{{Segment: 0, Raw: "s=ü", Kind: UnencodedChar, Reason: `unencoded character "ü" in value`}},
		},
		{
			name: "raw invalid byte: unencoded and invalid UTF-8",
			in:   "s=\xff",
			want: Params{{Name: "s", Value: "\xff", Raw: "s=\xff", HasEquals: true}},
			problems: []Problem{
				{Segment: 0, Raw: "s=\xff", Kind: UnencodedChar, Reason: "unencoded character byte 0xFF in value"},
				{Segment: 0, Raw: "s=\xff", Kind: InvalidUTF8, Reason: "invalid UTF-8 in value"},
			},
		},
		{
			name: "second hash inside the fragment",
			in:   "a=b#c",
			want: Params{{Name: "a", Value: "b#c", Raw: "a=b#c", HasEquals: true}},
			problems: []Problem{
				{Segment: 0, Raw: "a=b#c", Kind: UnencodedChar, Reason: `unencoded character "#" in value`},
			},
		},
		{
			name: "RFC 3986 characters allowed raw in a fragment",
			in:   "u=http://h/p?q=1&x=!$'()*,;:@",
			want: Params{
				{Name: "u", Value: "http://h/p?q=1", Raw: "u=http://h/p?q=1", HasEquals: true},
				{Name: "x", Value: "!$'()*,;:@", Raw: "x=!$'()*,;:@", HasEquals: true},
			},
		},
		{
			name: "problems in name and value of one segment",
			in:   "%=%FF",
			want: Params{{Name: "%", Value: "\xff", Raw: "%=%FF", HasEquals: true}},
			problems: []Problem{
				{Segment: 0, Raw: "%=%FF", Kind: MalformedEscape, Reason: `malformed percent-escape "%" in name`},
				{Segment: 0, Raw: "%=%FF", Kind: InvalidUTF8, Reason: "invalid UTF-8 in value"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := Parse(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) params\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("Parse(%q) problems\n got %#v\nwant %#v", tt.in, problems, tt.problems)
			}
		})
	}
}

func TestParamsAccessors(t *testing.T) {
	p, _ := Parse("state=1&scope=a&state=2&x&state=3&scope=b&y=")
	tests := []struct {
		label string
		got   any
		want  any
	}{
		{label: "Get state", got: first(p.Get("state")), want: "1 true"},
		{label: "Get bare x", got: first(p.Get("x")), want: " true"},
		{label: "Get missing", got: first(p.Get("nope")), want: " false"},
		{label: "All state", got: p.All("state"), want: []string{"1", "2", "3"}},
		{label: "All missing", got: p.All("nope"), want: []string(nil)},
		{label: "Count state", got: p.Count("state"), want: 3},
		{label: "Count y", got: p.Count("y"), want: 1},
		{label: "Count missing", got: p.Count("nope"), want: 0},
		{label: "Names", got: p.Names(), want: []string{"state", "scope", "x", "y"}},
		{label: "Repeated", got: p.Repeated(), want: []string{"state", "scope"}},
		{label: "Repeated none", got: Params{{Name: "a"}}.Repeated(), want: []string(nil)},
		{label: "Names of nil", got: Params(nil).Names(), want: []string(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func first(v string, ok bool) string {
	if ok {
		return v + " true"
	}
	return v + " false"
}

func TestFromURL(t *testing.T) {
	tests := []struct {
		in          string
		query, frag string
		hasFrag     bool
	}{
		{in: "http://127.0.0.1:9999/callback#access_token=x&state=s", frag: "access_token=x&state=s", hasFrag: true},
		{in: "http://127.0.0.1:8080/cb?x=1#access_token=x", query: "x=1", frag: "access_token=x", hasFrag: true},
		{in: "http://127.0.0.1:8080/cb?error=access_denied&state=s1", query: "error=access_denied&state=s1"},
		{in: "http://h/cb#", hasFrag: true},
		{in: "http://h/cb?", query: ""},
		{in: "http://h/cb?#", hasFrag: true},
		{in: "http://h/cb#a=1?b=2#c", frag: "a=1?b=2#c", hasFrag: true},
		{in: "http://h/cb?q=a?b#f", query: "q=a?b", frag: "f", hasFrag: true},
		{in: "http://h/cb?scope=scope1 scope2&state=s1", query: "scope=scope1 scope2&state=s1"},
		{in: "/relative?x=%zz#y=%FF", query: "x=%zz", frag: "y=%FF", hasFrag: true},
		{in: ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, f, has := FromURL(tt.in)
			if q != tt.query || f != tt.frag || has != tt.hasFrag {
				t.Errorf("FromURL(%q) = %q, %q, %v; want %q, %q, %v", tt.in, q, f, has, tt.query, tt.frag, tt.hasFrag)
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	_, probs := Parse("a=%G1")
	if len(probs) != 1 {
		t.Fatalf("want 1 problem, got %v", probs)
	}
	want := `segment 0 "a=%G1": malformed percent-escape "%G1" in value`
	if got := probs[0].String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// checkInvariants holds for every input.
func checkInvariants(t *testing.T, s string, params Params, problems []Problem) {
	t.Helper()
	var raws []string
	for _, seg := range strings.Split(s, "&") {
		if seg != "" {
			raws = append(raws, seg)
		}
	}
	if len(raws) != len(params) {
		t.Fatalf("Parse(%q): %d params for %d non-empty segments", s, len(params), len(raws))
	}
	for i, p := range params {
		if p.Raw != raws[i] {
			t.Fatalf("Parse(%q)[%d].Raw = %q, want %q", s, i, p.Raw, raws[i])
		}
		if p.HasEquals != strings.Contains(p.Raw, "=") {
			t.Fatalf("Parse(%q)[%d].HasEquals = %v for %q", s, i, p.HasEquals, p.Raw)
		}
		if !p.HasEquals && p.Value != "" {
			t.Fatalf("Parse(%q)[%d]: bare name with value %q", s, i, p.Value)
		}
	}
	hasUTF8Problem := map[int]bool{}
	for _, pr := range problems {
		if pr.Segment < 0 || pr.Segment >= len(params) {
			t.Fatalf("Parse(%q): problem %v points outside params", s, pr)
		}
		if pr.Raw != params[pr.Segment].Raw {
			t.Fatalf("Parse(%q): problem %v has Raw not matching its param", s, pr)
		}
		if pr.Kind == InvalidUTF8 {
			hasUTF8Problem[pr.Segment] = true
		}
	}
	for i, p := range params {
		valid := utf8.ValidString(p.Name) && utf8.ValidString(p.Value)
		if valid == hasUTF8Problem[i] {
			t.Fatalf("Parse(%q)[%d]: valid UTF-8 = %v but InvalidUTF8 problem = %v", s, i, valid, hasUTF8Problem[i])
		}
	}
	// Differential: where net/url accepts the input, and we saw no malformed
	// escape, both must decode identically.
	if want, err := url.ParseQuery(s); err == nil {
		for _, pr := range problems {
			if pr.Kind == MalformedEscape {
				t.Fatalf("Parse(%q): net/url accepted it but we report %v", s, pr)
			}
		}
		if got := toValues(params); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %v, net/url says %v", s, got, want)
		}
	}
}

func toValues(p Params) url.Values {
	v := url.Values{}
	for _, x := range p {
		v[x.Name] = append(v[x.Name], x.Value)
	}
	return v
}

func FuzzParse(f *testing.F) {
	seeds := [][5]string{
		{"access_token=x&state=a+b%26c", "state", "a b&c#d%e+f=g/h?ü~", "scope", "openid profile"},
		{"a=%G1&&b", "", "", "=", "&"},
		{"%FF=%C3%28", "\xff", "\xc3(", "+", "%"},
		{"x=1;y=2", "a;b", "c;d", "k", ""},
		{"scope=scope1 scope2", "a b", "c+d", "ü", "€"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, s, k1, v1, k2, v2 string) {
		params, problems := Parse(s)
		checkInvariants(t, s, params, problems)

		// Round trip: whatever url.Values.Encode produces decodes to the
		// original values, byte for byte, with no problem unless the
		// original bytes were not UTF-8.
		orig := url.Values{}
		orig.Add(k1, v1)
		orig.Add(k2, v2)
		enc := orig.Encode()
		params, problems = Parse(enc)
		if got := toValues(params); !reflect.DeepEqual(got, orig) {
			t.Fatalf("Parse(%q) = %v, want %v", enc, got, orig)
		}
		allValid := !slices.ContainsFunc([]string{k1, v1, k2, v2}, func(s string) bool { return !utf8.ValidString(s) })
		if allValid && len(problems) != 0 {
			t.Fatalf("Parse(%q): unexpected problems %v", enc, problems)
		}
		for _, pr := range problems {
			if pr.Kind != InvalidUTF8 {
				t.Fatalf("Parse(%q): unexpected problem %v for encoded input", enc, pr)
			}
		}
	})
}

var benchInput = "access_token=ory_at_od22yOqdKx7zq1cXnJ0hT3b8Yk2mVw5pR9sLe4uAaQ.Sg3Fh8jK1lZx0cVbNm7Qw2Er5Ty9Ui4Op6As3Df8Gh" +
	"&expires_in=3599&id_token=eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleSJ9.eyJzdWIiOiJhbGljZSIsIm5vbmNlIjoibiJ9.c2ln" +
	"&scope=openid+profile+email&state=a+b%26c%23d%25e%2Bf%3Dg%2Fh%3F%C3%BC%7E&token_type=bearer"

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchInput)))
	for b.Loop() {
		p, probs := Parse(benchInput)
		if len(p) != 6 || len(probs) != 0 {
			b.Fatalf("unexpected result %v %v", p, probs)
		}
	}
}
