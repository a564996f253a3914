package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestSecondSignalEndsTheProcess: the first SIGTERM starts the graceful
// stop; a second one ends the process at once instead of being swallowed
// for the whole drain (SHUTDOWN_TIMEOUT, 25 s). The test runs itself as
// the process that receives them.
func TestSecondSignalEndsTheProcess(t *testing.T) {
	t.Parallel()
	if os.Getenv("CONTACTS_SIGNAL_HELPER") == "1" {
		ctx, stop := NotifyContext(context.Background(), syscall.SIGTERM)
		defer stop()
		fmt.Println("ready")
		<-ctx.Done()
		fmt.Println("draining")
		time.Sleep(time.Minute) // a drain that takes its time
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondSignalEndsTheProcess$")
	cmd.Env = append(os.Environ(), "CONTACTS_SIGNAL_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	expect := func(want string) {
		t.Helper()
		for lines.Scan() {
			if lines.Text() == want {
				return
			}
		}
		_ = cmd.Process.Kill()
		t.Fatalf("the process never printed %q", want)
	}
	expect("ready")
	_ = cmd.Process.Signal(syscall.SIGTERM)
	expect("draining")
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("the process ended with %v, want the end a SIGTERM gives", err)
		}
		if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
			t.Fatalf("the process ended with %v, want killed by SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("the second SIGTERM was swallowed: the process went on draining")
	}
}
