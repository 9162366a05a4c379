package interact

import "testing"

// OnPassword is called once per password submitted: the approving flow
// signs in once, a remembered session not at all, and a rejected password
// counts the one submission that was made.
func TestOnPasswordCountsSubmissions(t *testing.T) {
	for _, tt := range []struct {
		name     string
		remember bool
		password string
		want     int
	}{
		{"sign-in", false, "alice-pw", 1},
		{"remembered session", true, "alice-pw", 0},
		{"wrong password", false, "not-alices-pw", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newClientSite(t)
			h := newHydra(t, c)
			h.remember = tt.remember
			n := 0
			opt := Options{Username: "alice", Password: tt.password, OnPassword: func() { n++ }}
			run(t, newTestAgent(t, c, h.hydra, h.app), h.authURL(), opt)
			if n != tt.want {
				t.Errorf("OnPassword called %d times, want %d", n, tt.want)
			}
		})
	}
}
