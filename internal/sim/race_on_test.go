//go:build race

package sim

// raceEnabled lets the statistical tests shrink under the race detector,
// which slows the engine about tenfold.
const raceEnabled = true
