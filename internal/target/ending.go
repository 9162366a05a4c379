package target

import (
	"fmt"
	"strings"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/check"
	"github.com/implicitspec/implicitspec/internal/fragment"
	"github.com/implicitspec/implicitspec/internal/interact"
)

// EndingOf turns the browser's outcome into what the checks judge; rt is
// the response type the request asked for ("" for plain token).
func EndingOf(o *interact.Outcome, rt string) *check.Ending {
	e := &check.Ending{Reason: o.Reason, Title: o.Title}
	if rt != "" {
		e.Credential = Credential(rt)
	}
	if d := o.Departure; d != nil {
		e.Left = true
		e.Method = d.Method
		e.Target = d.RawURL
		e.ToClient = d.ClientURI
		e.Via = describeVia(d)
		q, f, has := fragment.FromURL(d.RawURL)
		e.Query, _ = fragment.Parse(q)
		var probs []fragment.Problem
		e.Fragment, probs = fragment.Parse(f)
		e.HasFragment = has
		e.Problems = append(e.Problems, probs...)
		if d.Method == "POST" {
			e.Form, probs = fragment.Parse(d.Body)
			e.Problems = append(e.Problems, probs...)
		}
		return e
	}
	if p := o.Page; p != nil {
		e.StoppedAt = p.URL.String()
		e.Status = p.Status
	}
	return e
}

func describeVia(d *agent.Departure) string {
	switch {
	case d.Unparsable:
		return fmt.Sprintf("HTTP %d redirect to a Location no URL parser accepts", d.Status)
	case strings.HasPrefix(d.Via, "redirect"):
		return fmt.Sprintf("HTTP %d redirect", d.Status)
	case d.Via == "form":
		return fmt.Sprintf("self-submitting form (%s)", d.Method)
	default:
		return d.Via
	}
}
