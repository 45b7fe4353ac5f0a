package stripemock

import "syscall"

// procAttr has the kernel kill stripe-mock when the test process dies
// without running its cleanups, e.g. on a -timeout panic.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
