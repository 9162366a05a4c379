package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/refserver"
)

func noEnv(string) (string, bool) { return "", false }

// writeProfile writes the reference server's profile, edited, to a file.
func writeProfile(t *testing.T, edit func(string) string) string {
	t.Helper()
	srv, err := refserver.Start(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	path := filepath.Join(t.TempDir(), "target.yaml")
	if err := os.WriteFile(path, []byte(edit(string(srv.ProfileYAML()))), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func replacePassword(yaml, with string) string {
	var out []string
	for _, line := range strings.Split(yaml, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "password:") {
			line = line[:strings.Index(line, "password:")] + "password: " + with
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func TestExitCodes(t *testing.T) {
	unreachable := closedPort(t)
	tests := []struct {
		name       string
		args       func(t *testing.T) []string
		env        func(string) (string, bool)
		want       int
		wantStderr string
	}{
		{"embedded conformant server passes", func(*testing.T) []string { return []string{"--format", "progress"} }, noEnv, 0, "verdict: PASS"},
		{"a MUST fault fails the run", func(*testing.T) []string {
			return []string{"--format", "progress", "--fault", "state-dropped-on-success", "--tags", "@state"}
		}, noEnv, 1, "(STATE-01): state not echoed"},
		{"a SHOULD fault only warns", func(*testing.T) []string {
			return []string{"--format", "progress", "--fault", "state-required", "--tags", "@STATE-06"}
		}, noEnv, 0, "WARNING"},
		{"a SHOULD fault fails under --strict", func(*testing.T) []string {
			return []string{"--format", "progress", "--fault", "state-required", "--tags", "@STATE-06", "--strict"}
		}, noEnv, 1, "verdict: FAIL"},
		{"wrong password", func(t *testing.T) []string {
			return []string{"--target", writeProfile(t, func(y string) string { return replacePassword(y, "not-the-password") })}
		}, noEnv, 2, "login rejected"},
		{"unset environment variable", func(t *testing.T) []string {
			return []string{"--target", writeProfile(t, func(y string) string { return replacePassword(y, "${IMPLICITSPEC_TEST_UNSET}") })}
		}, noEnv, 2, "IMPLICITSPEC_TEST_UNSET"},
		{"unreachable endpoint", func(t *testing.T) []string {
			return []string{"--target", writeProfile(t, func(y string) string {
				y = strings.ReplaceAll(y, "issuer: ", "# issuer: ")
				return strings.ReplaceAll(y, "authorization_endpoint: https://127.0.0.1:", "authorization_endpoint: https://"+unreachable+"/x?port=")
			})}
		}, noEnv, 2, "unreachable"},
		// A profile mistake is not a broken server: the preflight proves the
		// baseline flow first and names the page it stopped on and the keys.
		{"mistyped client_id", func(t *testing.T) []string {
			return []string{"--target", writeProfile(t, func(y string) string {
				return strings.Replace(y, "client_id: spa\n", "client_id: spa-typo\n", 1)
			})}
		}, noEnv, 2, `clients.implicit.client_id ("spa-typo")`},
		{"unregistered redirect URI", func(t *testing.T) []string {
			return []string{"--target", writeProfile(t, func(y string) string {
				return strings.Replace(y, "redirect_uris: [https://client.example.com/cb]", "redirect_uris: [https://client.example.com/callback]", 1)
			})}
		}, noEnv, 2, `clients.implicit.redirect_uris ("https://client.example.com/callback"`},
		{"wrong endpoint path", func(t *testing.T) []string {
			return []string{"--target", writeProfile(t, func(y string) string {
				y = strings.ReplaceAll(y, "issuer: ", "# issuer: ")
				return strings.Replace(y, "/authorize\n", "/authorise\n", 1)
			})}
		}, noEnv, 2, "HTTP 404"},
		{"a server that refuses everything cannot be judged", func(*testing.T) []string {
			return []string{"--reference", "refuse-all;refusal=page-after-login"}
		}, noEnv, 2, "did not reach the client with a token or ID token"},
		{"unknown response type", func(*testing.T) []string { return []string{"--response-type", "code"} }, noEnv, 2, `--response-type "code"`},
		{"bad reference configuration", func(*testing.T) []string { return []string{"--reference", "offer=code"} }, noEnv, 2, "--reference"},
		{"missing profile file", func(*testing.T) []string { return []string{"--target", "/nonexistent/target.yaml"} }, noEnv, 2, "cannot judge"},
		{"tags selecting nothing", func(*testing.T) []string { return []string{"--tags", "@NO-SUCH-TAG"} }, noEnv, 2, "selects no scenario"},
		{"new tag syntax refused", func(*testing.T) []string { return []string{"--tags", "not @state"} }, noEnv, 2, "old syntax"},
		{"trailing comma refused", func(*testing.T) []string { return []string{"--tags", "@state,"} }, noEnv, 2, "empty term"},
		{"unknown fault", func(*testing.T) []string { return []string{"--fault", "no-such-fault"} }, noEnv, 2, "unknown fault"},
		{"unknown format", func(*testing.T) []string { return []string{"--format", "nope", "--tags", "@STATE-01"} }, noEnv, 2, "cannot judge"},
		{"bad flag", func(*testing.T) []string { return []string{"--no-such-flag"} }, noEnv, 2, "flag provided but not defined: -no-such-flag"},
		{"help", func(*testing.T) []string { return []string{"-h"} }, noEnv, 0, "Exit codes: 0 pass"},
	}
	// An OpenID Connect provider that leaves plain token out and refuses it,
	// in each shape real servers use, passes strictly with exit 0: the flow
	// runs with id_token token, and no refusal is mistaken for a defect.
	for _, r := range refserver.Refusals() {
		if testing.Short() {
			break // five full runs: TestConformantConfigurations covers them too
		}
		cfg := "offer=id_token token|id_token;refusal=" + string(r)
		tests = append(tests, struct {
			name       string
			args       func(t *testing.T) []string
			env        func(string) (string, bool)
			want       int
			wantStderr string
		}{"OpenID-Connect-only, " + string(r), func(*testing.T) []string {
			return []string{"--format", "progress", "--strict", "--bcp", "--reference", cfg}
		}, noEnv, 0, "0 failed, 0 warnings, 0 BCP notes"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), tt.args(t), &stdout, &stderr, tt.env)
			if got != tt.want {
				t.Errorf("exit %d, want %d\nstderr:\n%s", got, tt.want, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
			if tt.want == 2 && strings.Count(stderr.String(), "implicitspec: cannot judge: ") != 1 {
				t.Errorf("exit 2 must come with one one-line reason, got:\n%s", stderr.String())
			}
		})
	}
}

// TestNoSecretsInOutput runs failing and passing scenarios with every report
// format and looks for the password and any unmasked token in all of it.
func TestNoSecretsInOutput(t *testing.T) {
	var password string
	path := writeProfile(t, func(y string) string {
		for _, line := range strings.Split(y, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "password:"); ok {
				password = strings.Trim(strings.TrimSpace(v), `"'`)
			}
		}
		return y
	})
	if len(password) < 8 {
		t.Fatalf("could not read the reference password from the profile")
	}
	dir := t.TempDir()
	for _, fault := range []string{"", "token-in-query", "response-in-query"} {
		args := []string{"--format", "pretty,cucumber:" + filepath.Join(dir, "c.json") + ",junit:" + filepath.Join(dir, "j.xml")}
		if fault == "" {
			args = append(args, "--target", path)
		} else {
			args = append(args, "--fault", fault)
		}
		var stdout, stderr bytes.Buffer
		run(context.Background(), args, &stdout, &stderr, noEnv)
		outputs := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
		for _, f := range []string{"c.json", "j.xml"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			outputs[f] = string(b)
		}
		evidence := embeddings(t, []byte(outputs["c.json"]))
		if !strings.Contains(evidence, "the fragment never leaves the device") {
			t.Errorf("fault %q: the Cucumber JSON carries no evidence transcript", fault)
		}
		outputs["evidence"] = evidence
		for name, out := range outputs {
			if fault == "" && strings.Contains(out, password) {
				t.Errorf("%s contains the resource owner's password", name)
			}
			for _, p := range []string{"access_token=", "access_token\\u003d"} {
				for rest := out; ; {
					i := strings.Index(rest, p)
					if i < 0 {
						break
					}
					rest = rest[i+len(p):]
					// "forged" is the STATE-03 probe's own text, not a token.
					if rest != "" && !strings.HasPrefix(rest, "[redacted]") && !strings.HasPrefix(rest, "forged") &&
						!strings.HasPrefix(rest, "&") && !strings.HasPrefix(rest, `"`) {
						t.Errorf("fault %q: %s shows a token: …%s", fault, name, rest[:min(len(rest), 40)])
						break
					}
				}
			}
		}
	}
}

// embeddings decodes every attachment of a Cucumber JSON report.
func embeddings(t *testing.T, report []byte) string {
	t.Helper()
	var feats []struct {
		Elements []struct {
			Steps []struct {
				Embeddings []struct {
					Data string `json:"data"`
				} `json:"embeddings"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(report, &feats); err != nil {
		t.Fatalf("cucumber report: %v", err)
	}
	var b strings.Builder
	for _, f := range feats {
		for _, e := range f.Elements {
			for _, s := range e.Steps {
				for _, em := range s.Embeddings {
					data, err := base64.StdEncoding.DecodeString(em.Data)
					if err != nil {
						t.Fatalf("embedding: %v", err)
					}
					b.Write(data)
				}
			}
		}
	}
	return b.String()
}
