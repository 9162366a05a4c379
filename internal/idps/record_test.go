package idps

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/expect"
	"github.com/implicitspec/implicitspec/internal/suite"
)

// commentless is the file without its leading comment lines (the header
// Write puts there).
func commentless(data []byte) []byte {
	for bytes.HasPrefix(data, []byte("#")) {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil
		}
		data = data[i+1:]
	}
	return data
}

// TestRecords checks the checked-in records without the servers: each reads
// (known keys only, valid verdicts and dates), gives every deviation a
// reason, and is what expect.Write writes, so re-recording an unchanged
// outcome changes no line.
func TestRecords(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(moduleRoot(t), "testdata", "idps", "*", "expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no testdata/idps/*/expected.yaml")
	}
	for _, path := range paths {
		name := filepath.Base(filepath.Dir(path))
		t.Run(name, func(t *testing.T) {
			rec, err := expect.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Server != name {
				t.Errorf("server %q, in testdata/idps/%s", rec.Server, name)
			}
			// A run that gives exactly the recorded verdicts.
			rep := &suite.Report{}
			for _, e := range rec.Scenarios {
				rep.Results = append(rep.Results, suite.Result{Name: e.Name, Verdict: e.Verdict})
			}
			for _, p := range expect.Compare(rec, rep) {
				t.Errorf("%s: %s", path, p)
			}
			out := filepath.Join(t.TempDir(), "expected.yaml")
			if err := expect.Write(out, rec); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := commentless(got), commentless(want); !bytes.Equal(g, w) {
				gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("expect.Write does not reproduce %s: first difference at line %d after the header:\n got %q\nwant %q", path, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("expect.Write does not reproduce %s: %d lines, want %d", path, len(gl), len(wl))
			}
		})
	}
}
