// Package features embeds the Gherkin feature files, so that the binary and
// `go test` run exactly the documents the auditors read.
package features

import "embed"

// FS holds every .feature file of this directory.
//
//go:embed *.feature
var FS embed.FS
