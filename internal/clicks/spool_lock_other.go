//go:build !unix

package clicks

import "os"

// tryLock always succeeds where flock is missing: give each process its
// own REFERRALHUB_DATA_DIR there, as two processes could take one slot.
func tryLock(*os.File) (bool, error) { return true, nil }
