package steps

import "github.com/cucumber/godog"

// registerResponseSteps binds the steps of the response features.
func registerResponseSteps(sc *godog.ScenarioContext) {}
