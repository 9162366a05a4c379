package target

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
)

// TestRunRedactorAndPreparation: the run has one redactor, shared by the
// copies of its target, which learns every secret of the preflight's flows
// as the browser sees it; the preparation shows discovery and each flow of
// the preflight, without any of those secrets.
func TestRunRedactorAndPreparation(t *testing.T) {
	srv, err := refserver.Start(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p, err := profile.Parse(srv.ProfileYAML(), "", os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := New(context.Background(), p, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Preflight(context.Background(), All); err != nil {
		t.Fatal(err)
	}
	if tg.Redactor() != tg.WithResponseType(IDToken).Redactor() {
		t.Error("a copy of the target has a redactor of its own")
	}
	secrets := srv.Secrets()
	if len(secrets) < 7 { // password, then per flow at least a cookie and a token
		t.Fatalf("the preflight handed out only %d secrets", len(secrets))
	}
	for _, s := range secrets {
		if !tg.Redactor().Knows(s) {
			t.Errorf("the run's redactor does not know %.8s…", s)
		}
	}
	prep := tg.Preparation()
	var labels []string
	for _, g := range prep.Groups {
		labels = append(labels, g.Label)
	}
	want := `discovery|the preflight: response_type="token"|the preflight: response_type="id_token token"|the preflight: response_type="id_token"`
	if strings.Join(labels, "|") != want {
		t.Errorf("preparation groups %q, want %s", labels, want)
	}
	text := prep.Text()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("the preparation shows the secret %.8s…", s)
		}
	}
	if !strings.Contains(text, "access_token=[redacted]") {
		t.Errorf("the preparation does not show the masked token response:\n%s", text)
	}
}
