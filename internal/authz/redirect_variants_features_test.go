package authz

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/features"
)

// TestFeatureExamplesMatchVariants keeps the features honest: where an
// Examples table shows, next to each change, the URI it makes of a sample
// registered URI ("| change | for https://client.example.com/cb |"), applying
// the change to that sample must give exactly the URI shown.
func TestFeatureExamplesMatchVariants(t *testing.T) {
	header := regexp.MustCompile(`^\|\s*change\s*\|\s*for (\S+)\s*\|$`)
	shown := strings.NewReplacer("<TAB>", "\t", "<CR>", "\r", "<LF>", "\n")
	rows := 0
	err := fs.WalkDir(features.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(features.FS, path)
		if err != nil {
			return err
		}
		sample := ""
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if m := header.FindStringSubmatch(line); m != nil {
				sample = m[1]
				continue
			}
			if sample == "" || !strings.HasPrefix(line, "|") {
				sample = ""
				continue
			}
			cells := strings.Split(strings.Trim(line, "|"), "|")
			if len(cells) != 2 {
				t.Errorf("%s:%d: want two cells, got %q", path, i+1, line)
				continue
			}
			change, want := strings.TrimSpace(cells[0]), shown.Replace(strings.TrimSpace(cells[1]))
			got, err := RedirectVariant(sample, change)
			if err != nil || got != want {
				t.Errorf("%s:%d: %s of %s gives %q (%v), the table shows %q", path, i+1, change, sample, got, err, want)
			}
			rows++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows == 0 {
		t.Error("no Examples row with a sample URI found")
	}
	t.Logf("%d Examples rows checked", rows)
}
