package steps

import (
	"fmt"
	"slices"
	"strings"

	"github.com/implicitspec/implicitspec/internal/authz"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/profile"
)

// offerScenarios judge whether the server offers response_type=token at
// all; for them a refusal of an unoffered type is the behaviour under test.
var offerScenarios = []string{"RT-03", "META-01"}

// unofferedTokenRefusal is why a scenario cannot be judged when its plain
// response_type=token request was refused with unsupported_response_type by
// a server whose metadata leaves "token" out of response_types_supported
// (RFC 8414 §2), or whose profile lists response_types without it. Such a server does not offer the plain implicit grant, which
// RFC 6749 §4.2.2.1 allows it to refuse, and OpenID Connect servers commonly
// refuse by design: the scenario's behaviour (a state echo, an error
// location, a token's shape) cannot be observed, which is a skip with its
// reason, not a failure. RT-03 and META-01 judge that refusal. It returns ""
// when the scenario can be judged: the request asked for something else, the
// metadata lists "token" or says nothing, or the server answered otherwise
// (a token issued against its own metadata is judged, and META-01 fails it).
func unofferedTokenRefusal(ids []string, p *profile.Profile, req *authz.Request, e *check.Ending) string {
	if slices.ContainsFunc(ids, func(id string) bool { return slices.Contains(offerScenarios, id) }) {
		return ""
	}
	if rt, _ := req.Get("response_type"); rt != "token" {
		return ""
	}
	listed, source := p.ResponseTypes, "the target profile's response_types"
	if len(listed) == 0 {
		raw, isList := p.Metadata["response_types_supported"].([]any)
		if !isList {
			return ""
		}
		for _, v := range raw {
			if s, isString := v.(string); isString {
				listed = append(listed, s)
			}
		}
		source = "its metadata's response_types_supported"
	}
	if slices.ContainsFunc(listed, func(s string) bool { return sameWords(s, "token") }) {
		return ""
	}
	params, isError := e.ErrorParams()
	if !isError {
		return ""
	}
	if code, _ := params.Get("error"); code != "unsupported_response_type" {
		return ""
	}
	return fmt.Sprintf("the target does not offer the plain implicit grant: %s leaves \"token\" out (%s) "+
		"and it refused response_type=token with unsupported_response_type, as RFC 6749 §4.2.2.1 allows; "+
		"this scenario needs that grant (scenario RT-03 judges the refusal)", source, strings.Join(listed, ", "))
}
