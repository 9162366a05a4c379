package interact

// Characterization of the page reader: every page is parsed and the whole document is dumped,
// with what the person would do on it, and compared with testdata/golden. The goldens were
// written by the parser before it was restructured; a difference is a change in behaviour.
// After an intended change, regenerate them with
//
//	go test ./internal/interact -run TestParseGolden -update
//
// and review the diff.

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/agent"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current parser")

const goldenDir = "testdata/golden"

type goldenPage struct {
	name string // the golden file's name, without extension
	html string
}

func TestParseGolden(t *testing.T) {
	var pages []goldenPage
	pages = append(pages, testFilePages(t)...)
	pages = append(pages, renderedFakePages()...)
	pages = append(pages, trickyPages...)
	// Guards against the extraction silently finding nothing (a renamed file, a changed filter).
	if n := len(pages); n < 60 {
		t.Fatalf("only %d pages to characterize", n)
	}
	var cases []goldenResponse
	for _, p := range pages {
		cases = append(cases, goldenResponse{name: p.name, status: 200,
			header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body: p.html})
	}
	cases = append(cases, responses...)
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two pages named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			got := goldenDump(t, c)
			path := filepath.Join(goldenDir, c.name+".golden")
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the parse of\n%s\n--- got\n%s\n--- want\n%s", path, c.body, got, want)
			}
		})
	}
	staleGoldens(t, seen)
}

// staleGoldens keeps testdata/golden in step with the pages: a golden nobody compares any more
// would hide that a page went missing.
func staleGoldens(t *testing.T, names map[string]bool) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if names[strings.TrimSuffix(filepath.Base(f), ".golden")] {
			continue
		}
		if *update {
			if err := os.Remove(f); err != nil {
				t.Error(err)
			}
			continue
		}
		t.Errorf("%s belongs to no page (run with -update to remove it)", f)
	}
}

// ---------------------------------------------------------------------------------------------
// The pages.

// characterizationFiles hold no page of their own to characterize.
var characterizationFiles = map[string]bool{"parse_golden_test.go": true}

// markup tells an HTML page (or fragment) from the package's other string literals.
var markup = regexp.MustCompile(`<[A-Za-z!/][^<>]*>`)

// testFilePages returns every HTML string of the package's other tests, so that a page added to
// a test is characterized without being copied here. A string built with + counts as one page,
// its non-literal parts replaced by a fixed URL; a fmt template is taken as written (its verbs
// are text to the parser). Pages are named after their declaration and rank in it.
func testFilePages(t *testing.T) []goldenPage {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	fset := token.NewFileSet()
	var pages []goldenPage
	for _, file := range files {
		if characterizationFiles[file] {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			name := declName(d)
			n := 0
			ast.Inspect(d, func(node ast.Node) bool {
				e, ok := node.(ast.Expr)
				if !ok {
					return true
				}
				s, ok := stringExpr(e)
				if !ok {
					return true
				}
				if markup.MatchString(s) {
					n++
					pages = append(pages, goldenPage{fmt.Sprintf("%s.%02d", name, n), s})
				}
				return false // a concatenation is one page, not one per part
			})
		}
	}
	return pages
}

func declName(d ast.Decl) string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil && len(d.Recv.List) > 0 {
			typ := d.Recv.List[0].Type
			if s, ok := typ.(*ast.StarExpr); ok {
				typ = s.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				return id.Name + "." + d.Name.Name
			}
		}
		return d.Name.Name
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.ValueSpec:
				return s.Names[0].Name
			case *ast.TypeSpec:
				return s.Name.Name
			}
		}
	}
	return "decl"
}

// placeholderURL stands for what a test computes at run time (a test server's URL).
const placeholderURL = "http://127.0.0.1:9/callback"

// stringExpr evaluates a string literal, or a + chain with at least one string literal in it.
func stringExpr(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return stringExpr(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		l, lok := stringExpr(e.X)
		r, rok := stringExpr(e.Y)
		if !lok && !rok {
			return "", false
		}
		if !lok {
			l = placeholderURL
		}
		if !rok {
			r = placeholderURL
		}
		return l + r, true
	}
	return "", false
}

// renderedFakePages are the fake servers' templates filled in as the servers fill them, for the
// cases a raw template does not show (an empty button text, an error message in the page).
func renderedFakePages() []goldenPage {
	cb := placeholderURL
	self := "http://127.0.0.1:8"
	return []goldenPage{
		{"rendered.hydraLogin", fmt.Sprintf(hydraLogin, "", "LC", "csrf-login-1")},
		{"rendered.hydraLoginError", fmt.Sprintf(hydraLogin, `<p class="error" id="error">Invalid username or password</p>`, "LC", "csrf-login-1")},
		{"rendered.hydraConsent", fmt.Sprintf(hydraConsent, "CC", "csrf-consent-1")},
		{"rendered.djangoLogin", fmt.Sprintf(djangoLogin, "", "tok-1", "/o/authorize/?client_id=implicit-app&amp;response_type=token")},
		{"rendered.djangoLoginError", fmt.Sprintf(djangoLogin, `<ul class="errorlist nonfield"><li>Please enter a correct username and password.</li></ul>`, "tok-2", "/o/authorize/")},
		{"rendered.dotConsent", fmt.Sprintf(dotConsent, "tok-1", cb)},
		{"rendered.llngLogin", fmt.Sprintf(llngLogin, "")},
		{"rendered.llngLoginError", fmt.Sprintf(llngLogin, "Wrong credentials")},
		{"rendered.llngConsent", fmt.Sprintf(llngConsent, cb, "Accept", "Refuse")},
		{"rendered.llngConsentBlank", fmt.Sprintf(llngConsent, cb, "", "Refuse")},
		{"rendered.zitadelLogin", fmt.Sprintf(zitadelLogin, "6f1c", "")},
		{"rendered.zitadelLoginError", fmt.Sprintf(zitadelLogin, "6f1c", "username or password wrong")},
		{"rendered.oidcLogin", fmt.Sprintf(oidcLogin, self, "UID1")},
		{"rendered.oidcConsent", fmt.Sprintf(oidcConsent, self, "UID2")},
		{"rendered.oidcFormPost", fmt.Sprintf(oidcFormPost, cb)},
	}
}

// trickyPages are markup the servers' own pages do not show but a server could send.
var trickyPages = []goldenPage{
	{"tricky.upperCase", `<HTML><HEAD><TITLE>Upper</TITLE><BASE HREF="/Up/"></HEAD><BODY ONLOAD="Document.Forms[0].Submit()">
<FORM ID=F1 NAME=Login METHOD=Post ACTION="/Sign?In=1"><LABEL FOR=U>User Name</LABEL><INPUT ID=U NAME=User TYPE=TEXT AUTOCOMPLETE=UserName>
<INPUT TYPE=Password NAME=PW><BUTTON TYPE=SUBMIT NAME=Go VALUE=1>Sign In</BUTTON><A HREF="/Help" TITLE=Help>Help</A></FORM></BODY></HTML>`},
	{"tricky.unquotedAttributes", `<form method=post action=/login?next=/a&amp;b=c id=f><input type=hidden name=csrf value=a=b/c>
<input name=user value=al ice placeholder=E-mail><input type=password name=pw autocomplete=current-password>
<input type=submit value=Log&#32;in name=go><a href=/forgot id=fg>Forgot?</a></form>`},
	{"tricky.unclosedParagraphsAndItems", `<html><body><p>First paragraph<p>Second <b>bold<p>Third
<ul><li>one<li>two <a href="/x">link<li>three</ul>
<form action="/f"><p>Name <input name="n"><p>Password <input type="password" name="p"><li><button>Go</button></form>
<p>after the form <input name="orphan">`},
	{"tricky.nestedForms", `<form id="outer" action="/outer" method="post"><input type="hidden" name="o" value="1">
<form id="inner" action="/inner"><input name="i" value="2"><button name="b" value="in">Inner</button></form>
<input name="after" value="3"></form>
<form id="second" action="/second"><input name="s"></form>
<input name="late" form="second"><input name="lost" form="nosuchform"><input name="dup" form="outer">
<form id="outer" action="/third"><input name="t"></form>`},
	{"tricky.baseHref", `<html><head><base target="_top"><base href="https://other.example/app/"><base href="/ignored/">
<title>Base</title></head><body><form action="next" method="post"><input type="hidden" name="a" value="1">
<noscript><button>Go</button></noscript></form><a href="rel">rel</a></body></html>`},
	{"tricky.formactionButton", `<html><head><title>Consent</title></head><body>
<form action="/consent" method="post"><input type="hidden" name="c" value="1">
<button type="submit" name="d" value="allow" formaction="/consent/allow">Allow</button>
<button type="submit" name="d" value="deny" formaction="/consent/deny" formmethod="GET">Deny</button>
<input type="submit" value="Later" formaction="">
<button type="reset">Reset</button><button type="bogus">Bogus type</button></form></body></html>`},
	{"tricky.honeypot", `<html><head><title>Sign in</title></head><body><form method="post" action="/login">
<div style="display:none"><label for="website">Leave empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="_charset_"><input type="hidden" name="trap" value="">
<label for="email">Email</label><input id="email" name="email" type="email">
<input type="password" name="password"><input type="submit" value="Sign in"></form></body></html>`},
	{"tricky.radioGroup", `<html><head><title>Choose</title></head><body><form method="post" action="/choose">
<label><input type="radio" name="account" value="personal" checked> Personal</label>
<label><input type="radio" name="account" value="work"> Work</label>
<label><input type="radio" name="account"> No value</label>
<input type="checkbox" name="remember"><input type="checkbox" name="terms" value="yes" checked disabled>
<input type="submit" value="Continue"></form></body></html>`},
	{"tricky.twoPasswords", `<html><head><title>Change password</title></head><body><form method="post" action="/pw">
<label for="u">Username</label><input id="u" name="username" value="alice" readonly>
<label>Current password <input type="password" name="current"></label>
<label>New password <input type="password" name="new" disabled></label>
<label>Again <input type="password" name="again" autocomplete="new-password"></label>
<button>Change</button><button type="submit" name="cancel">Cancel</button></form></body></html>`},
	{"tricky.selectOptions", `<form action="/s"><select name="realm"><option value="a">Alpha<option>  Beta   realm </option>
<optgroup label="More"><option value="c" disabled selected>Gamma<option value="d" selected>Delta</optgroup></select>
<select name="multi" multiple><option selected>One</option><option selected value="2">Two</option><option>Three</select>
<select name="empty"></select><option value="stray">Stray option outside a select</option>
<select name="unclosed"><option value="x">X <b>bold</b> text<input name="inside" value="i"></form>`},
	{"tricky.textarea", `<form action="/t" method="post"><textarea name="first">
first line &amp; <b>not a tag</b>
second line</textarea><textarea name="crlf">` + "\r\n" + `after crlf</textarea>
<textarea name="empty"></textarea><textarea name="withvalue" value="ignored">content</textarea>
<textarea name="selfclosing"/><input name="after" value="x"><textarea name="unclosed">runs to the end <input name="eaten">`},
	{"tricky.metaRefresh", `<html><head><title>Moving</title>
<meta http-equiv="REFRESH" content="  2 ;   URL  =  'https://a.example/next?x=1&amp;y=2'  ">
<meta http-equiv=" refresh " content="0,url=/second">
<meta http-equiv="refresh" content="1.5.">
<meta http-equiv="refresh" content="abc;url=/bad">
<meta http-equiv="refresh" content="3 url=/bad">
<meta http-equiv="refresh" content='0; url="/quoted unclosed'>
<meta http-equiv="content-type" content="0;url=/not-refresh">
<meta name="refresh" content="0;url=/name-not-http-equiv">
</head><body>text</body></html>`},
	{"tricky.inlineScripts", `<html><head><title>Wait</title>
<script>if (location.href == "/x") {} window.location = "/first";</script>
<script type="text/template">location = "/template-not-js"</script>
<script type="module">location.replace('/module')</script>
<script type="application/javascript; charset=utf-8">top.location.href = '/typed'</script>
<script src="/app.js">location = "/external-body"</script>
<script type="application/ld+json">{"a": "<form>"}</script>
</head><body onload="self.location.assign('/onload')" onload="dup">
<noscript><script>location = "/in-noscript"</script><a href="/nojs">No JavaScript</a></noscript>
<style>a::before { content: "<form>" }</style>
<script>document.forms[0].submit()</script></body></html>`},
	{"tricky.labels", `<form action="/l"><label>Outer <label for="x">Inner for x</label> <input name="a"></label>
<label for="x">Second label for x</label><input id="x" name="x"><input id="x" name="x2">
<label><input type="hidden" name="h"> Hidden first <input name="b"> <input name="c"></label>
<label for="nowhere">Nowhere</label><label>Unclosed <input name="d">`},
	{"tricky.titlesAndText", `<html><head><title>  First
  title </title><title>Second title</title></head><body>
<h1>Héllo wörld</h1><img alt="An image"><img alt=""><img>
<a href="/a" aria-label="Go back">&larr;</a><a name="anchor-no-href">anchor</a><a href="">empty</a><a href="#top">top</a>
<a href="/b"><a href="/c">c</a>
<button>outside <span>any</span> form</button><button/>text after self-closing button
<template><input name="in-template"></template></body></html>`},
	{"tricky.unclosedAtEOF", `<html><head><title>Never closed <b>x</b>`},
	{"tricky.unclosedButtonLink", `<form action="/u"><button name="b">Click <a href="/l">and link`},
	{"tricky.tableForm", `<table><form action="/table" method="POST"><tr><td><input name="u"></td></tr>
<tr><td><input type="password" name="p"></td></tr><tr><td><input type="image" src="/go.png" alt="Go"></td></tr></form></table>
<input type="image" name="orphanimg" src="/x.png">`},
	{"tricky.inputTypes", `<form action="/types"><input type="EMAIL " name="e"><input type="unknown" name="u"><input type="number" name="n">
<input type="file" name="f"><input type="search" name="s"><input type="tel" name="t"><input type="url" name="w">
<input type="color" name="c"><input type="datetime-local" name="dt"><input type="button" value="B">
<input type="reset"><input name="ac" autocomplete=" USERNAME "><input name="dis" disabled="false" checked="no"></form>`},
	{"tricky.notHTML", "just text, no markup at all\n\x00\xff binary"},
	{"tricky.empty", ""},
}

// goldenResponse is a whole response, for what the person does on something other than a plain
// HTML page.
type goldenResponse struct {
	name   string
	status int
	header http.Header
	body   string
}

func textPlain(extra ...string) http.Header {
	h := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

func textHTML(extra ...string) http.Header {
	h := http.Header{"Content-Type": {"text/html"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

// responses reach the Refresh header, content sniffing and the status-dependent branches.
var responses = []goldenResponse{
	{"response.plainRefresh", 200, textPlain("Refresh", "0;url=https://client.example/cb#access_token=a"), "redirecting"},
	{"response.plainRefreshNoURL", 200, textPlain("Refresh", "0"), "wait"},
	{"response.plainRefreshScriptURL", 200, textPlain("Refresh", "0;url=javascript:alert(1)"), "x"},
	{"response.empty403", 403, http.Header{}, ""},
	{"response.blank400", 400, textPlain(), " \n\t "},
	{"response.json", 400, http.Header{"Content-Type": {"application/json"}}, `{"error":"invalid_client"}`},
	{"response.badContentType", 200, http.Header{"Content-Type": {"text/html;;; charset"}}, `<form><input type=password name=p></form>`},
	{"response.xhtml", 200, http.Header{"Content-Type": {"application/xhtml+xml"}}, `<html><body><a href="/x">Cancel</a></body></html>`},
	{"response.sniffedHTML", 200, http.Header{}, `<!DOCTYPE html><html><head><title>Sniffed</title></head><body><p>hello</p></body></html>`},
	{"response.htmlRefreshHeaderDelayed", 200, textHTML("Refresh", "5;url=/later"), `<html><head><title>T</title></head><body><form action="/f"><input name="q"></form></body></html>`},
	{"response.htmlRefreshHeaderBeforeMeta", 200, textHTML("Refresh", "1;url=/header"), `<html><head><meta http-equiv="refresh" content="0;url=/meta"></head></html>`},
	{"response.htmlRefreshAfterLogin", 200, textHTML("Refresh", "1;url=javascript:x"), `<form action="/l"><input name="u"><input type="password" name="p"></form>`},
	{"response.shell500", 500, textHTML(), `<html><head><script src="/a.js"></script></head><body><div id="app"></div></body></html>`},
	{"response.shell200", 200, textHTML(), `<html><head><script src="/a.js"></script></head><body><div id="app"></div></body></html>`},
	{"response.scriptJavascriptURL", 200, textHTML(), `<script>location = "javascript:void(0)"; location.href = "/second"</script>`},
	{"response.baseScriptURL", 200, textHTML(), `<base href="javascript:alert(1)"><a href="rel">x</a><meta http-equiv=refresh content="0;url=rel">`},
	{"response.baseUnparsable", 200, textHTML(), `<base href="http://[::1"><meta http-equiv=refresh content="0;url=rel">`},
	{"response.selfSubmittingScriptAction", 200, textHTML(), `<body onload="document.forms[0].submit()"><form action="javascript:go()"><input type=hidden name=a value=1></form></body>`},
	{"response.loginScriptAction", 200, textHTML(), `<form action="javascript:go()"><input name=u><input type=password name=p></form>`},
	{"response.consentScriptAction", 200, textHTML(), `<form action="javascript:go()"><button>Allow</button><button>Deny</button></form>`},
	{"response.identifierScriptAction", 200, textHTML(), `<form action="javascript:go()"><input type=email name=e><button>Next</button></form>`},
}

// ---------------------------------------------------------------------------------------------
// The dump.

// goldenDump is the parsed document and what the person would do on the page, for both
// decisions.
func goldenDump(t *testing.T, res goldenResponse) []byte {
	var b bytes.Buffer
	b.WriteString("document: ")
	dumpValue(&b, reflect.ValueOf(parseDocument([]byte(res.body))), "", "document", map[uintptr]string{})
	b.WriteString("\n")
	for _, dec := range []Decision{Approve, Deny} {
		fmt.Fprintf(&b, "decide(%s): %s\n", dec, decideSummary(t, res, dec))
	}
	return b.Bytes()
}

func decideSummary(t *testing.T, res goldenResponse, dec Decision) string {
	u, err := url.Parse("https://as.example/authorize?client_id=c&state=s")
	if err != nil {
		t.Fatal(err)
	}
	p := &agent.Page{URL: u, Status: res.status, Header: res.header, Body: []byte(res.body)}
	r := &runner{opt: Options{Username: "alice", Password: "pw", Decision: dec}, out: &Outcome{Kind: Stopped}}
	act, reason, err := r.decide(p)
	var b bytes.Buffer
	if act != nil {
		fmt.Fprintf(&b, "action %+v", *act)
	}
	if reason != "" {
		fmt.Fprintf(&b, "reason %q", reason)
	}
	if err != nil {
		fmt.Fprintf(&b, "error %q", err.Error())
	}
	fmt.Fprintf(&b, "; base %s; title %q login %v consent %v denied %v",
		r.base, r.out.Title, r.out.LoginShown, r.out.ConsentShown, r.out.Denied)
	return b.String()
}

// dumpValue writes v as indented JSON with the struct fields in declaration order, unexported
// ones included. A pointer met before (a control's owner form) is written as a reference to
// where it was first written, so the dump is finite and free of addresses.
func dumpValue(b *bytes.Buffer, v reflect.Value, indent, path string, seen map[uintptr]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		if at, ok := seen[v.Pointer()]; ok {
			fmt.Fprintf(b, `{"$ref": %q}`, at)
			return
		}
		seen[v.Pointer()] = path
		dumpValue(b, v.Elem(), indent, path, seen)
	case reflect.Struct:
		b.WriteString("{")
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(b, "\n%s  %q: ", indent, f.Name)
			dumpValue(b, v.Field(i), indent+"  ", path+"."+f.Name, seen)
		}
		fmt.Fprintf(b, "\n%s}", indent)
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(b, "\n%s  ", indent)
			dumpValue(b, v.Index(i), indent+"  ", fmt.Sprintf("%s[%d]", path, i), seen)
		}
		if v.Len() > 0 {
			fmt.Fprintf(b, "\n%s", indent)
		}
		b.WriteString("]")
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	default:
		// A new field of a kind the dump cannot show must not go unnoticed.
		panic(fmt.Sprintf("dumpValue: %s at %s", v.Kind(), path))
	}
}
