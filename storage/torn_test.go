package storage

import (
	"os"
	"path/filepath"
	"testing"
)

// A directory copied or restored in part: each case removes or cuts a file the store needs.
func TestTornDirectoryIsDetected(t *testing.T) {
	for _, tc := range []struct {
		name string
		tear func(t *testing.T, dir string)
	}{
		{"table file missing", func(t *testing.T, dir string) {
			if err := os.Remove(newest(t, dir, ".sst")); err != nil {
				t.Fatal(err)
			}
		}},
		{"table file cut short", func(t *testing.T, dir string) {
			sst := newest(t, dir, ".sst")
			st, err := os.Stat(sst)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(sst, st.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"manifest missing", func(t *testing.T, dir string) {
			m, err := filepath.Glob(filepath.Join(dir, "MANIFEST-*"))
			if err != nil || len(m) == 0 {
				t.Fatalf("no manifest: %v", err)
			}
			for _, f := range m {
				if err := os.Remove(f); err != nil {
					t.Fatal(err)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir, SyncAlways)
			want := fillTable(t, s, 2000)
			if err := s.db.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			tc.tear(t, dir)
			corruptionCheck(t, dir, want)
		})
	}
}
