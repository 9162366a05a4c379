package steps

import (
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/profile"
)

func TestResponseTypeOffered(t *testing.T) {
	meta := map[string]any{"response_types_supported": []any{"code", "token id_token", "none"}}
	tests := []struct {
		name          string
		responseTypes []string
		metadata      map[string]any
		ask           string
		wantSkip      string // "" = offered
	}{
		{"metadata, other order", nil, meta, "id_token token", ""},
		{"metadata lacks it", nil, meta, "id_token", `response_type "id_token" is not offered (response_types_supported of https://as.test/.well-known/openid-configuration: code, token id_token, none)`},
		{"profile wins over metadata", []string{"id_token"}, meta, "id_token token", "the target profile's response_types: id_token"},
		{"profile lists it", []string{"token", "id_token"}, nil, "id_token", ""},
		{"nothing known", nil, nil, "id_token", "neither response_types in the target profile nor response_types_supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &world{env: &Env{Profile: &profile.Profile{
				ResponseTypes: tt.responseTypes, Metadata: tt.metadata,
				MetadataURL: "https://as.test/.well-known/openid-configuration",
			}}}
			got := w.responseTypeOffered(tt.ask)
			switch {
			case tt.wantSkip == "" && got != "":
				t.Errorf("skipped: %s", got)
			case tt.wantSkip != "" && !strings.Contains(got, tt.wantSkip):
				t.Errorf("reason %q, want it to contain %q", got, tt.wantSkip)
			}
		})
	}
}

func TestWithOpenID(t *testing.T) {
	for in, want := range map[string]string{"": "openid", "read": "openid read", "profile openid": "profile openid", "openidx": "openid openidx"} {
		if got := withOpenID(in); got != want {
			t.Errorf("withOpenID(%q) = %q, want %q", in, got, want)
		}
	}
}
