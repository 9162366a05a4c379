package suite

import "testing"

func TestFormatFor(t *testing.T) {
	tests := []struct{ format, rt, want string }{
		{"pretty", "id_token token", "pretty"},
		{"pretty,junit:out/report.xml", "id_token token", "pretty,junit:out/report.id_token-token.xml"},
		{"cucumber:c.json,junit:j", "id_token", "cucumber:c.id_token.json,junit:j.id_token"},
		{"junit:./a.b/report", "id_token", "junit:./a.b/report.id_token"},
	}
	for _, tt := range tests {
		if got := formatFor(tt.format, tt.rt); got != tt.want {
			t.Errorf("formatFor(%q, %q) = %q, want %q", tt.format, tt.rt, got, tt.want)
		}
	}
}
