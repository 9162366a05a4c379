package target

import (
	"fmt"

	"github.com/implicitspec/implicitspec/internal/evidence"
)

// Discovery is the evidence of discovery: every metadata URL it requested
// and what each answered, secrets masked; false when the run made no
// discovery request (the profile names no issuer). A scenario that judges
// the metadata shows it, since that is where what it judged came from.
func (t *Target) Discovery() (evidence.Group, bool) {
	if len(t.discovery) == 0 {
		return evidence.Group{}, false
	}
	return evidence.FromHops("discovery", t.discovery, t.Redactor()), true
}

// Preparation is the evidence of what the run did before any scenario:
// discovery, then each baseline flow of the preflight in the order tried
// (one group per response type, with how the flow ended; a flow the
// harness could not finish too), secrets masked by the run's redactor as
// it stands now.
func (t *Target) Preparation() evidence.Evidence {
	ev := evidence.Evidence{ResponseType: t.ResponseType}
	if g, ok := t.Discovery(); ok {
		ev.Groups = append(ev.Groups, g)
	}
	for _, p := range t.attempts {
		g := p.Evidence.Clone()
		g.Label = fmt.Sprintf("the preflight: response_type=%q", p.ResponseType)
		if p.Describe != "" {
			g.Note = "The baseline request " + p.Describe + "."
		}
		ev.Groups = append(ev.Groups, g)
	}
	ev.Redact(t.Redactor())
	return ev
}
