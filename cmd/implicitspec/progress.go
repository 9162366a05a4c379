package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"

	"github.com/implicitspec/implicitspec/internal/agent"
	"github.com/implicitspec/implicitspec/internal/suite"
)

// isTerminal says whether w is a terminal: colours and a redrawn counter
// belong there, never in a pipe or a file.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress prints a line per judged scenario (the console format) and an
// [n/N] counter on stderr: redrawn in place on a terminal; elsewhere, when
// no line per scenario is printed, a line at every tenth of the run so a log
// shows the run is alive.
type progress struct {
	mu      sync.Mutex
	console *suite.Console // nil: no line per scenario
	quiet   bool           // godog writes its own step output: no counter in it
	stdout  io.Writer
	stderr  io.Writer
	tty     bool
	last    int // the last tenth reported (non-terminal)
}

func (p *progress) report(done, total int, r suite.Result) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.stderr, "\r\x1b[K")
	}
	if p.console != nil {
		p.console.Line(p.stdout, r)
	}
	switch {
	case p.tty:
		fmt.Fprintf(p.stderr, "[%d/%d]", done, total)
		if done == total {
			fmt.Fprint(p.stderr, "\r\x1b[K")
		}
	case p.console == nil:
		if tenth := done * 10 / total; tenth > p.last || done == total {
			p.last = tenth
			fmt.Fprintf(p.stderr, "[%d/%d]\n", done, total)
		}
	}
}

// clear removes a counter left on the terminal (an interrupted run).
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.stderr, "\r\x1b[K")
	}
}

// throttled prints the line of a 429 or 503 with Retry-After a scenario met
// (its wait, or why it gave up) on stderr, where waiting is explained
// without mixing into the verdict lines.
func (p *progress) throttled(scenario string, t agent.Throttle) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.stderr, "\r\x1b[K")
	}
	c := suite.Console{}
	if p.console != nil {
		c = *p.console
	}
	c.Throttle(p.stderr, scenario, t)
}
