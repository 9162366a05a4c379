package steps

import "github.com/cucumber/godog"

// registerSecuritySteps binds the steps of the security features.
func registerSecuritySteps(sc *godog.ScenarioContext) {}
