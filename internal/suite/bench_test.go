package suite_test

import (
	"context"
	"os"
	"testing"

	"github.com/implicitspec/implicitspec/internal/profile"
	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
	"github.com/implicitspec/implicitspec/internal/target"
)

// BenchmarkSuite measures one full run of every scenario against the
// embedded reference server: the time a user waits for `implicitspec`.
func BenchmarkSuite(b *testing.B) {
	srv, err := refserver.Start(refserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	p, err := profile.Parse(srv.ProfileYAML(), "", os.LookupEnv)
	if err != nil {
		b.Fatal(err)
	}
	tg, err := target.New(context.Background(), p, target.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	if err := tg.Preflight(context.Background(), ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := suite.Run(context.Background(), suite.Config{Target: tg, Format: "progress", Concurrency: 2})
		if err != nil || rep.ExitCode() != suite.ExitPass {
			b.Fatalf("run: %v", err)
		}
	}
}
