// Package idps holds the suite to its expected outcome against real
// authorization servers (testdata/idps/<name>/expected.yaml): TestIdPs runs
// the suite against each server testdata/idps/run.sh started and compares
// the run with the server's record (internal/expect: the format a user's
// --expect file has), so a new false failure or a lost detection changes a
// verdict and breaks the build. Every failed, warned, informational or
// unjudgeable scenario carries a reason written by a person who read the
// clause.
package idps
