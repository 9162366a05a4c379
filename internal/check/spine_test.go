package check

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/features"
)

// The requirement spine: one catalogue, every judgement naming its rows, every
// scenario tag naming a row. These tests keep the three in step without
// running a flow, so a drift shows in `go test -short`, long before the fault
// matrix would notice it.

var (
	// idPattern is a requirement ID anywhere in a text.
	idPattern = regexp.MustCompile(`[A-Z]+-\d\d`)
	// wellFormedID is a whole catalogue ID, the form steps.Tags reads.
	wellFormedID = regexp.MustCompile(`^[A-Z]+-\d\d$`)
	// idLikeTag is any tag that looks meant as a requirement ID, malformed
	// ones included (@RDR-4, @rdr-04), which steps.Tags would silently treat
	// as a plain tag.
	idLikeTag = regexp.MustCompile(`^@[A-Za-z]+-\d+$`)
)

// notJudgements are the exported functions that return an error but judge no
// requirement themselves, with the reason. Each must exist and return an
// error, so the list cannot outlive its entries.
var notJudgements = map[string]string{
	"Fail": "builds the Finding every judgement returns; the ID is its argument",
	"Warn": "builds a warning-grade Finding; the ID is its argument",
}

// exportedFuncs parses the package's non-test files and returns its exported
// functions and methods.
func exportedFuncs(t *testing.T) []*ast.FuncDecl {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.FuncDecl
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.IsExported() {
				out = append(out, fd)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no exported functions found: is the test running in the package directory?")
	}
	return out
}

// returnsError reports whether one of the function's results is an error:
// what makes it a judgement.
func returnsError(fd *ast.FuncDecl) bool {
	if fd.Type.Results == nil {
		return false
	}
	for _, r := range fd.Type.Results.List {
		if id, ok := r.Type.(*ast.Ident); ok && id.Name == "error" {
			return true
		}
	}
	return false
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	recv := fd.Recv.List[0].Type
	if star, ok := recv.(*ast.StarExpr); ok {
		recv = star.X
	}
	if id, ok := recv.(*ast.Ident); ok {
		return id.Name + "." + fd.Name.Name
	}
	return fd.Name.Name
}

// TestJudgementsNameRequirements: every exported judgement names in its doc
// comment the catalogue rows it judges, so that grepping a requirement ID
// finds its checks, not only its catalogue row; the IDs it names exist. Every
// other exported function has a doc comment saying what it is for.
func TestJudgementsNameRequirements(t *testing.T) {
	judgements := 0
	for _, fd := range exportedFuncs(t) {
		name, doc := funcName(fd), fd.Doc.Text()
		if doc == "" {
			t.Errorf("%s has no doc comment: say which requirements it judges, or that it judges none", name)
			continue
		}
		for _, id := range idPattern.FindAllString(doc, -1) {
			if Lookup(id).ID == "" {
				t.Errorf("%s's doc comment names %s, which is not in the catalogue", name, id)
			}
		}
		if _, exempt := notJudgements[name]; exempt || !returnsError(fd) {
			continue
		}
		judgements++
		if !idPattern.MatchString(doc) {
			t.Errorf("%s returns an error but its doc comment names no requirement ID (like STATE-01): name the catalogue rows it judges", name)
		}
	}
	if judgements == 0 {
		t.Error("no judgements found")
	}
	for name, why := range notJudgements {
		found := false
		for _, fd := range exportedFuncs(t) {
			if funcName(fd) == name {
				found = true
				if !returnsError(fd) {
					t.Errorf("notJudgements lists %s (%s), which returns no error: drop it", name, why)
				}
			}
		}
		if !found {
			t.Errorf("notJudgements lists %s (%s), which does not exist: drop it", name, why)
		}
	}
}

// TestCatalogueIDs: every row has a unique, well-formed ID and is what Lookup
// finds for it; Catalogue hands out a copy.
func TestCatalogueIDs(t *testing.T) {
	seen := map[string]bool{}
	for i, r := range Catalogue() {
		switch {
		case !wellFormedID.MatchString(r.ID):
			t.Errorf("row %d: ID %q is not of the form AREA-NN", i, r.ID)
		case seen[r.ID]:
			t.Errorf("row %d: ID %s appears twice", i, r.ID)
		}
		seen[r.ID] = true
		if got := Lookup(r.ID); got != r {
			t.Errorf("Lookup(%s) = %+v, want row %d %+v", r.ID, got, i, r)
		}
		if r.NotCoverable != strings.TrimSpace(r.NotCoverable) {
			t.Errorf("%s: NotCoverable has surrounding space: %q", r.ID, r.NotCoverable)
		}
	}
	if got := Lookup("NOPE-99"); got != (Requirement{}) {
		t.Errorf("Lookup of an unknown ID = %+v, want the zero Requirement", got)
	}
	c := Catalogue()
	c[0].Clause = "changed"
	if Lookup(c[0].ID).Clause == "changed" {
		t.Error("Catalogue returns the catalogue itself: a caller can change it")
	}
}

// featureTags returns each ID-like tag of features/*.feature with the files
// that use it. Only tag lines count: a description may quote a tag
// expression ("~@SEC-01").
func featureTags(t *testing.T) map[string][]string {
	t.Helper()
	files, err := fs.Glob(features.FS, "*.feature")
	if err != nil || len(files) == 0 {
		t.Fatalf("no feature files in features.FS (%v)", err)
	}
	tags := map[string][]string{}
	for _, name := range files {
		f, err := features.FS.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line, _, _ := strings.Cut(strings.TrimSpace(sc.Text()), " #")
			if !strings.HasPrefix(line, "@") {
				continue
			}
			for _, tag := range strings.Fields(line) {
				if idLikeTag.MatchString(tag) {
					tags[tag] = append(tags[tag], name)
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return tags
}

// TestFeatureTagsInCatalogue: every requirement tag of the features is a
// catalogue ID, and every catalogue row is either tagged by a scenario or
// says why it cannot be (NotCoverable), never both. The traceability table
// (TestFaultMatrix) enforces the same with every scenario run; this finds a
// typo in seconds.
func TestFeatureTagsInCatalogue(t *testing.T) {
	tags := featureTags(t)
	for tag, files := range tags {
		id := strings.TrimPrefix(tag, "@")
		switch {
		case !wellFormedID.MatchString(id):
			t.Errorf("%s in %s is not a well-formed requirement ID (AREA-NN, upper case, two digits)", tag, strings.Join(slices.Compact(files), ", "))
		case Lookup(id).ID == "":
			t.Errorf("%s in %s is not in the catalogue (internal/check/catalogue.go)", tag, strings.Join(slices.Compact(files), ", "))
		}
	}
	for _, r := range Catalogue() {
		_, tagged := tags["@"+r.ID]
		switch {
		case tagged && r.NotCoverable != "":
			t.Errorf("%s is tagged in the features but its NotCoverable says a black box cannot judge it: %s", r.ID, r.NotCoverable)
		case !tagged && r.NotCoverable == "":
			t.Errorf("%s (%s) has no scenario and no NotCoverable reason", r.ID, r.Summary)
		}
	}
}
