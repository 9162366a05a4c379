package suite_test

import (
	"context"
	"testing"

	"github.com/implicitspec/implicitspec/internal/refserver"
	"github.com/implicitspec/implicitspec/internal/suite"
)

// BenchmarkSuite measures one full run of every scenario against the
// embedded reference server: the time a user waits for `implicitspec`.
func BenchmarkSuite(b *testing.B) {
	tg, stop, err := referenceTarget(refserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
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

// BenchmarkSuiteEachResponseType is BenchmarkSuite with --response-type all:
// the flow scenarios once per offered type.
func BenchmarkSuiteEachResponseType(b *testing.B) {
	tg, stop, err := referenceTarget(refserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	if err := tg.Preflight(context.Background(), "all"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := suite.RunEach(context.Background(), suite.Config{Target: tg, Format: "progress", Concurrency: 2}, tg.Offered())
		if err != nil || rep.ExitCode() != suite.ExitPass {
			b.Fatalf("run: %v", err)
		}
	}
}
