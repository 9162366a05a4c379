package agent

import (
	"context"
	"net/http"
	"testing"
)

func TestProbe(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen-Origin", r.Header.Get("Origin"))
		w.Header().Set("Location", "/elsewhere")
		w.WriteHeader(http.StatusFound)
	}))
	a := newAgent(t, Config{}, srv)
	hop, err := a.Probe(context.Background(), http.MethodOptions, srv.URL+"/authorize?x=1", "", http.Header{"Origin": {"https://evil.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if hop.Status != http.StatusFound || hop.Header.Get("X-Seen-Origin") != "https://evil.example" || hop.Method != http.MethodOptions {
		t.Errorf("hop = %+v", hop)
	}
	if hops := a.Hops(); len(hops) != 1 || hops[0].Via != "probe" {
		t.Errorf("the probe must be one recorded hop, not followed: %+v", hops)
	}
	if _, err := a.Probe(context.Background(), http.MethodGet, "https://evil.example/", "", nil); err == nil {
		t.Error("a probe to a foreign origin must be refused")
	}
}
