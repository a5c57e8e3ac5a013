package scenario

import (
	"testing"

	"github.com/cockroachdb/datadriven"
)

// RunDir runs every scenario file in dir, each on a harness of its own. Rewrite the
// expected output after a deliberate change with datadriven's flag, and read the diff:
//
//	go test ./pkg -run TestScenarios -rewrite
func RunDir(t *testing.T, dir string) {
	datadriven.Walk(t, dir, func(t *testing.T, path string) {
		h := New(t)
		defer h.Close()
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			return h.Run(td)
		})
	})
}
