package browser

import (
	"os"
	"os/exec"
	"testing"

	"github.com/implicitspec/implicitspec/internal/interact"
)

// smallShmEnv marks the test binary's second life: inside a mount namespace
// whose /dev/shm holds 64 KB.
const smallShmEnv = "IMPLICITSPEC_TEST_SMALL_DEV_SHM"

// TestStartWithSmallDevShm starts chromium where /dev/shm is nearly full, as
// in a container (64 MB by default) shared by a run's chromiums. Without
// disable-dev-shm-usage chromium crashes at its start there ("chrome failed
// to start"), which is how a CI run once failed. The test runs itself again
// in a mount namespace of its own with a 64 KB /dev/shm, so the machine's
// /dev/shm is never touched; where namespaces are not allowed it is skipped.
func TestStartWithSmallDevShm(t *testing.T) {
	if os.Getenv(smallShmEnv) == "1" {
		// A whole flow, not only the start: pages render in shared memory.
		testRun(t, startBrowser(t), runCase{name: "javascript login and consent", kind: interact.Redirected,
			steps:    []string{loginStep, approveStep},
			fragment: "access_token=tok-alice-0123456789abcdef&token_type=bearer&state=st-1"})
		return
	}
	if testing.Short() {
		t.Skip("starts chromium: not in -short")
	}
	if _, err := Find(); err != nil {
		t.Skipf("skipped: %v", err)
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("skipped: needs root and unshare(1) for a mount namespace of its own")
	}
	probe := exec.Command(unshare, "-m", "true")
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("skipped: no mount namespace here: %v: %s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(unshare, "-m", "sh", "-c",
		`mount -t tmpfs -o size=64k tmpfs /dev/shm && exec "$0" -test.run='^TestStartWithSmallDevShm$' -test.count=1 -test.v`, self)
	cmd.Env = append(os.Environ(), smallShmEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("with a 64 KB /dev/shm: %v\n%s", err, out)
	}
}
