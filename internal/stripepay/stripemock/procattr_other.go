//go:build !linux

package stripemock

import "syscall"

// procAttr asks for nothing special where the kernel cannot tie the child's
// life to the test process.
func procAttr() *syscall.SysProcAttr { return nil }
