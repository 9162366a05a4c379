package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/suite"
)

func htmlOf(t *testing.T, rep *suite.Report) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), doc
}

// walk calls fn on every element of the document.
func walk(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string { return textSep(n, "") }

// words is the document's text as a reader sees it: cells and blocks
// apart, white space folded.
func words(n *html.Node) string { return strings.Join(strings.Fields(textSep(n, " ")), " ") }

func textSep(n *html.Node, sep string) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			if n.DataAtom == atom.Td || n.DataAtom == atom.Th || n.DataAtom == atom.Tr {
				b.WriteString(sep)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

// TestHTMLEscapesServerMarkup: markup the server put in a body, a URL, a
// header, a message or a step is text on the page: the only script is
// ours, there is no image and no event handler at all.
func TestHTMLEscapesServerMarkup(t *testing.T) {
	page, doc := htmlOf(t, sampleReport())
	for _, raw := range []string{imgPayload, scriptPayload, "<img", "<script>alert"} {
		if strings.Contains(page, raw) {
			t.Errorf("the page holds %q raw", raw)
		}
	}
	var scripts int
	walk(doc, func(n *html.Node) {
		switch n.DataAtom {
		case atom.Img, atom.Iframe, atom.Object, atom.Embed, atom.Link, atom.Base:
			t.Errorf("element <%s> on the page", n.Data)
		case atom.Script:
			scripts++
			if text(n) != pageScript {
				t.Errorf("a script that is not the page's own: %q", text(n))
			}
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s=%q>: an event handler", n.Data, a.Key, a.Val)
			}
		}
	})
	if scripts != 1 {
		t.Errorf("%d script elements, want the page's one", scripts)
	}
	// The payloads are still there, as text an auditor reads.
	if !strings.Contains(text(doc), imgPayload) || !strings.Contains(text(doc), scriptPayload) {
		t.Error("the payloads are not shown as text")
	}
}

// TestHTMLSelfContained: nothing is loaded from anywhere, and the CSP
// allows exactly the page's script.
func TestHTMLSelfContained(t *testing.T) {
	_, doc := htmlOf(t, sampleReport())
	var policy string
	walk(doc, func(n *html.Node) {
		for _, key := range []string{"src", "href", "srcset", "action", "poster", "data"} {
			if v, ok := attr(n, key); ok && !strings.HasPrefix(v, "#") {
				t.Errorf("<%s %s=%q> refers outside the page", n.Data, key, v)
			}
		}
		if v, _ := attr(n, "http-equiv"); strings.EqualFold(v, "Content-Security-Policy") {
			policy, _ = attr(n, "content")
		}
	})
	if strings.Contains(pageCSS, "url(") || strings.Contains(pageCSS, "@import") || strings.Contains(pageScript, "http") {
		t.Error("the inline style or script loads something")
	}
	sum := sha256.Sum256([]byte(pageScript))
	for _, want := range []string{"default-src 'none'", "img-src 'none'", "style-src 'unsafe-inline'",
		"script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("CSP %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "script-src 'unsafe-inline'") {
		t.Error("the CSP allows any inline script")
	}
}

func TestHTMLContent(t *testing.T) {
	_, doc := htmlOf(t, sampleReport())
	body := words(doc)
	req := check.Lookup("STATE-03")
	for _, want := range []string{
		"FAIL (exit 1)", "The run stopped: interrupted after 8/9", "Example IdP", "https://idp.example/authorize",
		"sha256:0123abcd", "v0.9.0-test", "--strict=false --tags=@state,@security", "2025-03-14T09:26:53Z",
		"the authorization endpoint is plain http", "STATE-99: no such scenario",
		req.ID + " " + req.Clause + " " + req.Level + " " + req.Summary + " FAILED", "FAILED [STATE-03 must] A state holding spaces is echoed exactly",
		"A state holding spaces is echoed exactly RFC 6749 §4.2.2: state: expected \"a b\", seen \"a+b\"",
		"No state is invented RFC 6749 §4.2.2: state invented",
		"Waived: known, fixed in 2.1 (accepted by alice@example.com, until 2099-01-01)", "verdict before the waiver: failed",
		"access_token ********", "What the resource owner did signed in as alice", "not sent: the browser stops here",
		"Cache-Control no-store", "← HTTP 303",
		"the target profile the profile names no TLS 1.1 endpoint", "TLS idp.example:443 the server refused the handshake",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
}

// TestHTMLRequirementTable: one row per covered requirement, in the
// catalogue's order, with the worst verdict of its scenarios and links.
func TestHTMLRequirementTable(t *testing.T) {
	_, doc := htmlOf(t, sampleReport())
	var ids, worst []string
	walk(doc, func(n *html.Node) {
		if id, _ := attr(n, "id"); n.DataAtom == atom.Tr && strings.HasPrefix(id, "req-") {
			ids = append(ids, strings.TrimPrefix(id, "req-"))
			v, _ := attr(n, "data-verdict")
			worst = append(worst, v)
		}
	})
	wantIDs := "AEP-05 STATE-01 STATE-03 STATE-05 STATE-06 STATE-07 SEC-02 SEC-04 SEC-05 SEC-09"
	wantWorst := "waived passed failed warning info waived skipped error notrun failed"
	if strings.Join(ids, " ") != wantIDs || strings.Join(worst, " ") != wantWorst {
		t.Errorf("rows %v verdicts %v,\nwant %s / %s", ids, worst, wantIDs, wantWorst)
	}
	rows := requirementRows(sampleReport())
	if l := rows[2].Scenarios[0]; l.Anchor != "sc-2" || l.Verdict != "FAILED" {
		t.Errorf("STATE-03 links to %+v", l)
	}
}

func TestHTMLWorstVerdict(t *testing.T) {
	rep := &suite.Report{Results: []suite.Result{
		{IDs: []string{"STATE-01"}, Verdict: suite.Passed}, {IDs: []string{"STATE-01"}, Verdict: suite.Warned},
		{IDs: []string{"STATE-01", "NEW-01"}, Verdict: suite.Skipped}}}
	rows := requirementRows(rep)
	if len(rows) != 2 || rows[0].Worst.Key != "warning" || rows[1].ID != "NEW-01" || rows[1].Worst.Key != "skipped" {
		t.Errorf("rows %+v", rows)
	}
}

// TestHTMLStopped: a run the preflight stopped says so first, with its
// reason and the preparation's evidence.
func TestHTMLStopped(t *testing.T) {
	page, doc := htmlOf(t, stoppedReport())
	body := words(doc)
	for _, want := range []string{"CANNOT JUDGE (exit 2)", "The run stopped: preflight: the login was rejected: the login form answered 401 <b>bad</b>",
		"Discovery and preflight evidence", "<h1>Not Found</h1>", "No scenario was judged"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	if strings.Contains(page, "<b>bad</b>") {
		t.Error("the stop reason is rendered as markup")
	}
	empty, _ := htmlOf(t, &suite.Report{})
	if !strings.Contains(empty, "no scenario was judged") {
		t.Error("an empty report does not say that nothing was judged")
	}
}

// TestHTMLPassedEvidenceCollapsed: an auditor sees the evidence of what did
// not pass at once; a pass's stays folded.
func TestHTMLPassedEvidenceCollapsed(t *testing.T) {
	_, doc := htmlOf(t, sampleReport())
	open := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if n.DataAtom != atom.Article {
			return
		}
		id, _ := attr(n, "id")
		walk(n, func(d *html.Node) {
			if c, _ := attr(d, "class"); d.DataAtom == atom.Details && c == "evidence" {
				_, open[id] = attr(d, "open")
			}
		})
	})
	if open["sc-1"] || !open["sc-2"] || !open["sc-3"] {
		t.Errorf("evidence open: %v", open)
	}
}

func TestHTMLDeterministic(t *testing.T) {
	a, _ := htmlOf(t, sampleReport())
	b, _ := htmlOf(t, sampleReport())
	if a != b {
		t.Error("the same report renders differently")
	}
}
