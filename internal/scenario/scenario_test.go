package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/weirdb/weir/internal/scenario"
)

// TestHarness runs the harness's own scenario files in testdata/: the command language,
// its errors, and nodes the partial-state scenarios do not use (full readers, projections,
// outer joins). Rewrite them with datadriven's flag:
//
//	go test ./internal/scenario -run TestHarness -rewrite
func TestHarness(t *testing.T) { scenario.RunDir(t, "testdata") }

// TestDeterministic runs every scenario of the packages that use the harness twice and
// requires the same trace both times: a scenario's output may depend only on its commands
// (no map order, no goroutine scheduling).
func TestDeterministic(t *testing.T) {
	for _, dir := range []string{"testdata", "../../upquery/testdata", "../../eviction/testdata"} {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			first := trace(t, string(text))
			for i := 0; i < 3; i++ {
				if again := trace(t, string(text)); again != first {
					t.Errorf("%s: run %d differs from the first:\n%s", path, i+2, firstDiff(first, again))
					break
				}
			}
		}
	}
}

// trace runs a scenario and returns every command's output, ignoring the expected output
// recorded in the file (TestHarness and the packages' own tests compare that).
func trace(t *testing.T, text string) string {
	h := scenario.New(t)
	defer h.Close()
	var out strings.Builder
	datadriven.RunTestFromString(t, text, func(t *testing.T, td *datadriven.TestData) string {
		out.WriteString(td.Pos + "\n" + h.Run(td) + "\n")
		return td.Expected
	})
	return out.String()
}

// firstDiff shows the lines around the first line where two traces differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	from := max(i-8, 0)
	window := func(l []string) string {
		return strings.Join(l[from:min(i+8, len(l))], "\n")
	}
	return "first run:\n" + window(al) + "\n---- this run:\n" + window(bl)
}
