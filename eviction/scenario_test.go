package eviction_test

import (
	"testing"

	"github.com/weirdb/weir/internal/scenario"
)

// TestScenarios runs every scenario file in testdata/ through the deterministic harness of
// package internal/scenario: each file builds a small graph, drives its domains one message
// at a time through a dangerous ordering of evictions, fills and writes (each file's
// opening comment says which, and why it is dangerous) and ends with a check against
// recomputation.
//
// To accept new output after a deliberate change, rewrite the files and read the diff
// carefully:
//
//	go test ./eviction -run TestScenarios -rewrite
func TestScenarios(t *testing.T) { scenario.RunDir(t, "testdata") }
