package steps

import "github.com/cucumber/godog"

// registerRedirectSteps binds the steps of the redirect features.
func registerRedirectSteps(sc *godog.ScenarioContext) {}
