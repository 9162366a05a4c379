package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/implicitspec/implicitspec/internal/leak"
	"github.com/implicitspec/implicitspec/internal/refserver"
)

func noEnv(string) (string, bool) { return "", false }

// writeProfile writes the reference server's profile, edited, to a file.
func writeProfile(t *testing.T, edit func(string) string) string {
	t.Helper()
	_, path := writeProfileWith(t, refserver.Options{}, edit)
	return path
}

// writeProfileWith starts the reference server with opts and writes its
// profile, edited, to a file.
func writeProfileWith(t *testing.T, opts refserver.Options, edit func(string) string) (*refserver.Server, string) {
	t.Helper()
	srv, err := refserver.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	path := filepath.Join(t.TempDir(), "target.yaml")
	if err := os.WriteFile(path, []byte(edit(string(srv.ProfileYAML()))), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, path
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
		// The conformant server's full run (exit 0, "verdict: PASS") is
		// TestNoSecretsInOutput's first run: the package shares one full run.
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
		{"tags selecting nothing", func(*testing.T) []string { return []string{"--tags", "@STATE-01&&@RT-03"} }, noEnv, 2, "selects no scenario"},
		{"unknown tag", func(*testing.T) []string { return []string{"--tags", "@NO-SUCH-TAG"} }, noEnv, 2, "no scenario is tagged @NO-SUCH-TAG"},
		{"a typo inside an exclusion", func(*testing.T) []string { return []string{"--tags", "@must&&~@SEC-1"} }, noEnv, 2, "nearest: @SEC-01"},
		{"and refused with the hint", func(*testing.T) []string { return []string{"--tags", "@state and @must"} }, noEnv, 2, "old syntax"},
		{"new tag syntax refused", func(*testing.T) []string { return []string{"--tags", "not @state"} }, noEnv, 2, "old syntax"},
		{"trailing comma refused", func(*testing.T) []string { return []string{"--tags", "@state,"} }, noEnv, 2, "empty term"},
		{"unknown fault", func(*testing.T) []string { return []string{"--fault", "no-such-fault"} }, noEnv, 2, "unknown fault"},
		{"unknown format", func(*testing.T) []string { return []string{"--format", "nope", "--tags", "@STATE-01"} }, noEnv, 2, `unknown format "nope"`},
		{"two formats on stdout", func(*testing.T) []string { return []string{"--format", "console,junit"} }, noEnv, 2, "both write to standard output"},
		// A report path that cannot be written is found before the target is
		// contacted: the error names the path, not the unreachable server.
		{"unwritable report path", func(t *testing.T) []string {
			return []string{"--format", "console,junit:/nonexistent/dir/x.xml", "--target", writeProfile(t, func(y string) string {
				y = strings.ReplaceAll(y, "issuer: ", "# issuer: ")
				return strings.ReplaceAll(y, "authorization_endpoint: https://127.0.0.1:", "authorization_endpoint: https://"+unreachable+"/x?port=")
			})}
		}, noEnv, 2, "/nonexistent/dir/x.xml"},
		{"bad flag", func(*testing.T) []string { return []string{"--no-such-flag"} }, noEnv, 2, "flag provided but not defined: -no-such-flag"},
		{"help", func(*testing.T) []string { return []string{"-h"} }, noEnv, 0, "Exit codes: 0 pass"},
		{"help shows double-dash flags", func(*testing.T) []string { return []string{"--help"} }, noEnv, 0, "  --target string"},
		{"help shows examples", func(*testing.T) []string { return []string{"--help"} }, noEnv, 0, "implicitspec --target idp.yaml --report-dir out"},
		{"deadline reached", func(*testing.T) []string { return []string{"--deadline", "1ns"} }, noEnv, 2, ""},
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

// TestNoSecretsInOutput runs passing and failing scenarios, faults that put
// tokens in odd places among them, with every output, and looks in all of
// it — console, godog's pretty output, JUnit, Cucumber JSON (its base64
// attachments decoded), the HTML report — for every secret value the
// server issued or was given: the password, each access token, ID token,
// refresh token and code, each cookie. By value and decoded, not by pattern.
func TestNoSecretsInOutput(t *testing.T) {
	runs := [][]string{
		nil,
		{"token-in-query", "response-in-query", "form-post-method-get", "refresh-token-issued", "code-added"},
		{"token-beside-error", "errors-in-query", "unknown-client-page-unescaped", "omitted-scope-server-error"},
	}
	for _, names := range runs {
		t.Run(strings.Join(append([]string{"faults"}, names...), " "), func(t *testing.T) {
			if testing.Short() && names != nil {
				t.Skip("full runs: not in -short")
			}
			var faults []refserver.Fault
			for _, n := range names {
				f, ok := refserver.LookupFault(n)
				if !ok {
					t.Fatalf("no fault %q", n)
				}
				faults = append(faults, f)
			}
			srv, path := writeProfileWith(t, refserver.Options{Faults: faults}, func(y string) string { return y })
			dir := t.TempDir()
			outputs := map[string]string{}
			for _, format := range []string{"console", "pretty"} {
				if format == "pretty" && testing.Short() {
					continue
				}
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), []string{"--target", path, "--format", format, "--report-dir", dir, "-v"}, &stdout, &stderr, noEnv)
				if names == nil && (code != 0 || !strings.Contains(stderr.String(), "verdict: PASS (exit 0)")) {
					t.Errorf("the conformant server: exit %d, want 0 and verdict: PASS\n%s", code, stderr.String())
				}
				outputs[format+" stdout"], outputs[format+" stderr"] = stdout.String(), stderr.String()
				for _, f := range []string{"junit.xml", "cucumber.json", "report.html"} {
					b, err := os.ReadFile(filepath.Join(dir, f))
					if err != nil {
						t.Fatal(err)
					}
					outputs[format+" "+f] = string(b)
				}
			}
			secrets := srv.Secrets()
			if len(secrets) < 20 {
				t.Fatalf("the server issued only %d secrets: the run did not run", len(secrets))
			}
			for name, out := range outputs {
				if found := leak.Find(out, secrets); len(found) > 0 {
					t.Errorf("%s shows %d of the run's secrets, e.g. %q", name, len(found), found[0][:min(len(found[0]), 12)]+"…")
				}
			}
			if !strings.Contains(outputs["console cucumber.json"], "evidence") || !strings.Contains(outputs["console report.html"], "the flow") {
				t.Errorf("the reports carry no evidence: the search above proved nothing")
			}
		})
	}
}
