package registration

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRegister(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		got = nil
		_ = json.NewDecoder(r.Body).Decode(&got)
		switch uris, _ := got["redirect_uris"].([]any); {
		case len(uris) == 0:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_redirect_uri","error_description":"none"}`))
		case uris[0] == "https://locked.example/cb":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"client_id":"new"}`))
		}
	}))
	defer srv.Close()
	tests := []struct {
		uris                        []string
		status                      int
		code                        string
		accepted, needsInitialToken bool
	}{
		{[]string{"https://client.example.com/cb"}, 201, "", true, false},
		{nil, 400, "invalid_redirect_uri", false, false},
		{[]string{"https://locked.example/cb"}, 401, "", false, true},
	}
	for _, tt := range tests {
		ans, err := Register(context.Background(), srv.Client(), srv.URL, WebImplicitClient(tt.uris, "id_token token"))
		if err != nil {
			t.Fatal(err)
		}
		if ans.Status != tt.status || ans.Error != tt.code || ans.Accepted() != tt.accepted || ans.NeedsInitialToken() != tt.needsInitialToken {
			t.Errorf("%q: %+v", tt.uris, ans)
		}
		if rts, _ := got["response_types"].([]any); len(rts) != 1 || rts[0] != "id_token token" || got["grant_types"].([]any)[0] != "implicit" {
			t.Errorf("metadata sent: %v", got)
		}
	}
}
