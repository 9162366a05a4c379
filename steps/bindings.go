package steps

import (
	"regexp"
	"sync"

	"github.com/cucumber/godog"
)

// registrar collects the step bindings of the register functions, each
// pattern compiled once. godog's ScenarioContext.Given compiles a string
// pattern at every call, and godog calls the scenario initializer for every
// scenario: about 170 patterns compiled per scenario, a third of a full
// run's CPU. The bindings are made once per process (bindings) and bound to
// each scenario's context as compiled *regexp.Regexp values (bindSteps).
type registrar struct{ defs []binding }

// binding is one step definition: its keyword, pattern and handler.
type binding struct {
	keyword string // "Given", "When", "Then" or "" (Step)
	expr    *regexp.Regexp
	handler any
}

func (r *registrar) add(keyword, expr string, handler any) {
	r.defs = append(r.defs, binding{keyword: keyword, expr: regexp.MustCompile(expr), handler: handler})
}

// Given, When, Then and Step take the arguments of godog's methods of the
// same names.
func (r *registrar) Given(expr string, handler any) { r.add("Given", expr, handler) }
func (r *registrar) When(expr string, handler any)  { r.add("When", expr, handler) }
func (r *registrar) Then(expr string, handler any)  { r.add("Then", expr, handler) }
func (r *registrar) Step(expr string, handler any)  { r.add("", expr, handler) }

// registers are the register functions of every area, in order.
var registers = []func(*registrar){
	registerCoreSteps, registerRequestSteps, registerRedirectSteps, registerStateSteps, registerTokenSteps,
	registerFragmentSteps, registerScopeSteps, registerErrorSteps, registerFormPostSteps, registerSecuritySteps, registerMetadataSteps, registerOIDCSteps,
	registerCallbackSteps,
}

// bindings is every step binding, compiled on first use.
var bindings = sync.OnceValue(func() []binding {
	var r registrar
	for _, register := range registers {
		register(&r)
	}
	return r.defs
})

// bindSteps binds every step to its handler in sc.
func bindSteps(sc *godog.ScenarioContext) {
	for _, b := range bindings() {
		switch b.keyword {
		case "Given":
			sc.Given(b.expr, b.handler)
		case "When":
			sc.When(b.expr, b.handler)
		case "Then":
			sc.Then(b.expr, b.handler)
		default:
			sc.Step(b.expr, b.handler)
		}
	}
}
