//go:build race

package clicks_test

// raceEnabled is true under -race, which makes sync.Pool drop items at
// random: allocation counts mean nothing then.
const raceEnabled = true
