//go:build !linux

package bench

import "time"

func processTreeCPU([]int) ([]time.Duration, error) { return nil, ErrCPUUnknown }
