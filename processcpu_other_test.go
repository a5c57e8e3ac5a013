//go:build !unix

package weir_test

import "time"

// processCPU reads the process's CPU time only on Linux; elsewhere it is 0, as when
// getrusage fails there, and the benchmark's cpu-ns/vote metric is meaningless.
func processCPU() time.Duration { return 0 }
