package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// EnvChromium names the chromium binary to use, before any on PATH.
const EnvChromium = "IMPLICITSPEC_CHROMIUM"

// candidates are the names of a Chromium-based browser on PATH, in the
// order Find tries them: Debian's package first.
var candidates = []string{"chromium", "chromium-browser", "google-chrome"}

// Find returns the chromium to start: $IMPLICITSPEC_CHROMIUM when set (an
// error when it names nothing runnable: the operator asked for that one),
// else the first of chromium, chromium-browser, google-chrome on PATH. The
// error names everything it looked for.
func Find() (string, error) {
	if p := strings.TrimSpace(os.Getenv(EnvChromium)); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("browser: $%s=%s: %w", EnvChromium, p, err)
		}
		return path, nil
	}
	for _, name := range candidates {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", errors.New("browser: no chromium found: $" + EnvChromium + " is not set and none of " +
		strings.Join(candidates, ", ") + " is on PATH (on Debian: apt-get install chromium)")
}
