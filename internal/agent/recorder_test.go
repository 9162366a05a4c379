package agent

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// sink collects what the agent registers.
type sink struct {
	mu   sync.Mutex
	seen []string
}

func (s *sink) Add(v string) {
	s.mu.Lock()
	s.seen = append(s.seen, v)
	s.mu.Unlock()
}

func (s *sink) has(v string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.seen, v)
}

// TestAgentRegistersSecrets: every secret the browser sees is registered
// at the hop that shows it, wherever it sits.
func TestAgentRegistersSecrets(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/start":
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "session-1234567890abcdef"})
			http.SetCookie(w, &http.Cookie{Name: "lang", Value: "en"})
			http.Redirect(w, r, "/login?code=query-code-1", http.StatusFound)
		case "/login":
			io.WriteString(w, `<form method="post" action="https://client.test/cb">`+
				`<input type="hidden" value="formpost-token-1" name="access_token">`+
				`<input name='id_token' value='eyJ.formpost.idtoken'></form>`+
				`<a href="https://client.test/cb#refresh_token=link-refresh-1">x</a>`)
		case "/auth":
			http.Redirect(w, r, "https://client.test/cb#access_token=fragment-token-1&state=s", http.StatusSeeOther)
		}
	}))
	s := &sink{}
	a := newAgent(t, Config{Secrets: s, ClientURIs: []string{"https://client.test/cb"}}, srv)
	navigate(t, a, "GET", srv.URL+"/start", "", "start")
	navigate(t, a, "GET", srv.URL+"/auth", "", "link")
	navigate(t, a, "POST", srv.URL+"/start", "username=alice&password=pass-word-1", "form")
	for _, want := range []string{"session-1234567890abcdef", "query-code-1", "formpost-token-1", "eyJ.formpost.idtoken",
		"link-refresh-1", "fragment-token-1", "pass-word-1"} {
		if !s.has(want) {
			t.Errorf("not registered: %q (registered %q)", want, s.seen)
		}
	}
	if s.has("en") || s.has("alice") {
		t.Errorf("registered a value that is no secret: %q", s.seen)
	}
}

// TestRecorder: a side request is recorded as a Hop, its answer's
// secrets registered before the caller reads it, and the caller reads the
// whole answer.
func TestRecorder(t *testing.T) {
	long := strings.Repeat("x", scannedResponseBody+10)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			io.WriteString(w, long)
			return
		}
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"client_id":"c1","client_secret":"cs-secret-1","registration_access_token":"rat-secret-1","echo":`+string(b)+`}`)
	}))
	s := &sink{}
	rec := NewRecorder(nil, s)
	hc := rec.Client(0)
	req, _ := http.NewRequestWithContext(context.Background(), "POST", srv.URL+"/register", strings.NewReader(`{"redirect_uris":["https://c/cb"]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("c1:basic-secret-1")))
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"echo":{"redirect_uris"`) {
		t.Errorf("the caller read %q", body)
	}
	for _, want := range []string{"cs-secret-1", "rat-secret-1", "basic-secret-1"} {
		if !s.has(want) {
			t.Errorf("not registered: %q", want)
		}
	}
	resp, err = hc.Get(srv.URL + "/big")
	if err != nil {
		t.Fatal(err)
	}
	big, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(big) != len(long) {
		t.Errorf("the caller read %d bytes of %d", len(big), len(long))
	}
	hops := rec.Hops()
	if len(hops) != 2 {
		t.Fatalf("%d hops, want 2", len(hops))
	}
	h := hops[0]
	if h.Method != "POST" || h.Status != http.StatusCreated || !h.Sent || h.RequestBody != `{"redirect_uris":["https://c/cb"]}` ||
		!strings.Contains(h.BodyExcerpt, "cs-secret-1") || h.Header.Get("Content-Type") != "application/json" {
		t.Errorf("hop: %+v", h)
	}
	if len(hops[1].BodyExcerpt) != DefaultExcerptBytes {
		t.Errorf("excerpt of %d bytes", len(hops[1].BodyExcerpt))
	}
	only := NewSecretsOnly(nil, s)
	if _, err := only.Client(0).Get(srv.URL + "/big"); err != nil || len(only.Hops()) != 0 {
		t.Errorf("a secrets-only recorder kept %d hops (%v)", len(only.Hops()), err)
	}
}

// TestRecorderLegacyTLS: the TLS probe is recorded with what it found.
func TestRecorderLegacyTLS(t *testing.T) {
	rec := NewRecorder(nil, nil)
	if _, err := rec.LegacyTLS(context.Background(), "http://127.0.0.1:1/x", 0); err == nil {
		t.Fatal("a plain-http URL was probed")
	}
	hops := rec.Hops()
	if len(hops) != 1 || hops[0].Method != "TLS" || hops[0].URL != "http://127.0.0.1:1" || hops[0].Err == "" {
		t.Errorf("hops: %+v", hops)
	}
}
