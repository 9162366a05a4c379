package interact

import (
	"strings"
	"testing"
)

// TestHoldConsent: with HoldConsent the flow stops before the consent form
// is sent, and returns the submission it would have made.
func TestHoldConsent(t *testing.T) {
	c := newClientSite(t)
	d := newDOT(t, c)
	before := d.last("/o/authorize/")
	out := mustRun(t, newTestAgent(t, c, d.srv), d.authURL(), Options{Username: "alice", Password: "alice-pw", HoldConsent: true})
	h := out.HeldConsent
	if out.Kind != Stopped || h == nil || !out.ConsentShown {
		t.Fatalf("outcome %+v", out)
	}
	if h.Method != "POST" || !strings.HasPrefix(h.URL, d.srv.URL+"/o/authorize/") ||
		!strings.Contains(h.Body, "csrfmiddlewaretoken=tok-1") || !strings.Contains(h.Body, "allow=Authorize") || h.Page == nil {
		t.Errorf("held %+v", h)
	}
	if got := d.last("/o/authorize/"); got != before {
		t.Errorf("the consent form was sent: %q", got)
	}
}
