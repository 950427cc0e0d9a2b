//go:build unix

package acctest

import (
	"bytes"
	"fmt"
	"os/exec"
	"sync"
	"syscall"
)

// Process is a program running in the background in a process group of its own, so that it can
// be killed with every program it started, as a CI runner kills a job it cancels.
type Process struct {
	cmd  *exec.Cmd
	out  lockedBuffer
	done chan struct{}
	err  error
}

// Start starts program with args in dir, with the environment env (see Environment).
func Start(dir string, env []string, program string, args ...string) (*Process, error) {
	p := &Process{cmd: exec.Command(program, args...), done: make(chan struct{})}
	p.cmd.Dir, p.cmd.Env = dir, env
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	return p, nil
}

// Wait waits for the program to end, and returns its error and what it printed.
func (p *Process) Wait() (string, error) {
	<-p.done
	if p.err != nil {
		return p.out.String(), fmt.Errorf("%s: %w\n%s", p.cmd, p.err, p.out.String())
	}
	return p.out.String(), nil
}

// Signal sends sig to the program and every program it started.
func (p *Process) Signal(sig syscall.Signal) error {
	return syscall.Kill(-p.cmd.Process.Pid, sig)
}

// Output is what the program has printed so far.
func (p *Process) Output() string { return p.out.String() }

// Exited reports whether the program has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// lockedBuffer is a buffer that the program writes while a test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
