package interact

import (
	"testing"
)

func TestParseDocumentQuirks(t *testing.T) {
	d := parseDocument([]byte(`<!DOCTYPE html><html><head><title>  Sign
 in </title><title>second</title></head><body>
<form id="lform" action="#" method="POST">
<input id="token" type="hidden" name="token" value="1&amp;2" value="dup"/>
<input name="timezone" type="hidden">
<input name="user" placeholder="Login">
<input type="password" name="password">
<button class="btn">
  <span class="fa"></span> <span trspan="connect">Connect</span>
</button>
<button type="button">Show password</button>
</form>
<form action="/other"><form action="/nested-ignored"><input name="x" value="1"></form>
<input name="orphan" form="lform">
<a href="/abort?x=1&amp;y=2"><img alt="Cancel"></a>
<noscript><a href="/nojs">No JS</a></noscript>
<script>var a = "<form>";</script>
</body></html>`))
	if d.title != "Sign in" {
		t.Errorf("title %q", d.title)
	}
	if len(d.forms) != 2 {
		t.Fatalf("%d forms", len(d.forms))
	}
	f := d.forms[0]
	if !f.hasAction || f.action != "#" || f.method != "post" {
		t.Errorf("form 0 %+v", f)
	}
	var names []string
	for _, c := range f.controls {
		names = append(names, c.tag+":"+c.typ+":"+c.name)
	}
	want := []string{"input:hidden:token", "input:hidden:timezone", "input:text:user", "input:password:password",
		"button:submit:", "button:button:", "input:text:orphan"}
	if len(names) != len(want) {
		t.Fatalf("controls %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("control %d = %q, want %q", i, names[i], want[i])
		}
	}
	if c := f.controls[0]; c.value != "1&2" || c.id != "token" {
		t.Errorf("token %+v", c)
	}
	if c := f.controls[1]; c.hasValue {
		t.Errorf("timezone has a value")
	}
	if c := f.controls[4]; c.text != "Connect" || !c.isSubmit() {
		t.Errorf("button %+v", c)
	}
	if g := d.forms[1]; g.action != "/other" || len(g.controls) != 1 || g.controls[0].name != "x" {
		t.Errorf("form 1 %+v", g)
	}
	if len(d.links) != 2 || d.links[0].href != "/abort?x=1&y=2" || d.links[0].text != "Cancel" || d.links[1].href != "/nojs" {
		t.Errorf("links %+v %+v", d.links[0], d.links)
	}
	if len(d.scripts) != 1 || d.scripts[0] != `var a = "<form>";` {
		t.Errorf("scripts %q", d.scripts)
	}
	if u, strong := f.usernameField(""); u == nil || u.name != "user" || !strong {
		t.Errorf("username field %+v", u)
	}
}

func TestLabels(t *testing.T) {
	d := parseDocument([]byte(`<form>
<label for="f1">Your e-mail</label><input id="f1" name="a">
<label>Passphrase <input type="password" name="b"></label>
<input name="c"></form>`))
	f := d.forms[0]
	if f.controls[0].label != "Your e-mail" || f.controls[1].label != "Passphrase" || f.controls[2].label != "" {
		t.Errorf("labels %q %q %q", f.controls[0].label, f.controls[1].label, f.controls[2].label)
	}
	if u, strong := f.usernameField(""); u == nil || u.name != "a" || !strong {
		t.Errorf("username %+v", u)
	}
}

func TestParseRefresh(t *testing.T) {
	cases := []struct {
		in    string
		ok    bool
		delay float64
		url   string
	}{
		{"0;url=http://a/b", true, 0, "http://a/b"},
		{"0; URL='http://a/b#x=1'", true, 0, "http://a/b#x=1"},
		{` 3 , url = "/next" `, true, 3, "/next"},
		{"0.5;http://a/", true, 0.5, "http://a/"},
		{"5", true, 5, ""},
		{"url=/x", false, 0, ""},
		{"2x;url=/x", false, 0, ""},
	}
	for _, tc := range cases {
		r, ok := parseRefresh(tc.in)
		if ok != tc.ok || ok && (r.delay != tc.delay || r.url != tc.url || r.hasURL != (tc.url != "")) {
			t.Errorf("parseRefresh(%q) = %+v, %v", tc.in, r, ok)
		}
	}
}

func TestScriptLocation(t *testing.T) {
	cases := []struct {
		js, want string
		ok       bool
	}{
		{`location = "/a"`, "/a", true},
		{`window.location='/b';`, "/b", true},
		{`document.location.href = "/c?x=1\u0026y=2"`, "/c?x=1&y=2", true},
		{`top.location.replace( '/d' )`, "/d", true},
		{`window.location.assign("/e\x41")`, "/eA", true},
		{"self.location.href = `/f`", "/f", true},
		{`if (location.href == "/no") {}; location.href = "/g"`, "/g", true},
		{"location.href = `/h/${id}`", "", false},
		{`mylocation = "/i"`, "", false},
		{`obj.location = "/j"`, "", false},
		{`location.href = next`, "", false},
		{`var u = location.search;`, "", false},
		{`window.document.location = "/k"`, "/k", true},
	}
	for _, tc := range cases {
		got, ok := scriptLocation(tc.js)
		if ok != tc.ok || got != tc.want {
			t.Errorf("scriptLocation(%q) = %q, %v; want %q, %v", tc.js, got, ok, tc.want, tc.ok)
		}
	}
}

func TestAutoSubmit(t *testing.T) {
	cases := []struct {
		js    string
		ref   string
		index int
		ok    bool
	}{
		{"javascript:document.forms[0].submit()", "", 0, true},
		{`document.getElementById("f").submit();`, "f", -1, true},
		{`document.forms['resp'].submit()`, "resp", -1, true},
		{`document.forms.resp.submit()`, "resp", -1, true},
		{`document.querySelector('#x').requestSubmit()`, "x", -1, true},
		{`console.log("hello")`, "", -1, false},
	}
	for _, tc := range cases {
		ref, index, ok := autoSubmit(tc.js)
		if ok != tc.ok || ok && (ref != tc.ref || index != tc.index) {
			t.Errorf("autoSubmit(%q) = %q, %d, %v", tc.js, ref, index, ok)
		}
	}
}

func TestReadAs(t *testing.T) {
	cases := map[string]verdict{
		"Allow access": approving, "Authorize": approving, "Authorise": approving, "Yes, continue": approving,
		"Accept": approving, "I agree": approving, "Grant": approving, "OK": approving, "Confirm": approving,
		"Deny access": denying, "Cancel": denying, "Don't allow": denying, "Do not authorize": denying,
		"Refuse": denying, "Reject": denying, "Decline": denying, "No": denying, "Abort": denying,
		"Go to portal": neutral, "Sign in": neutral, "": neutral, "Unknown": neutral, "Notify me": neutral,
	}
	for s, want := range cases {
		if got := readAs(s); got != want {
			t.Errorf("readAs(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestURLEncode(t *testing.T) {
	got := urlencode([]entry{{"a b", "x+y&z=é~*-._"}, {"empty", ""}})
	if want := "a+b=x%2By%26z%3D%C3%A9%7E*-._&empty="; got != want {
		t.Errorf("urlencode = %q, want %q", got, want)
	}
}
