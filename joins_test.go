package weir_test

import (
	"context"
	"testing"

	"github.com/weirdb/weir"
)

// TestLeftJoinResidualPartial: a LEFT JOIN whose ON adds a comparison of both sides to the
// key equality is partial by that key; a member is padded exactly while none of its notes
// scores below its karma, through writes to both sides, an eviction and a refill.
func TestLeftJoinResidualPartial(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE members (uid INT PRIMARY KEY, karma INT)")
	mustExec(t, e, "CREATE TABLE notes (nid INT PRIMARY KEY, uid INT, score INT)")
	mustExec(t, e, "INSERT INTO members VALUES (1, 5), (2, NULL)")
	v := mustRegister(t, e, "low_notes", "SELECT m.uid, n.nid FROM members m LEFT JOIN notes n ON n.uid = m.uid AND n.score < m.karma WHERE m.uid = ? ORDER BY n.nid")
	if !v.Stats().Partial {
		t.Errorf("view keyed by the join key is not partial")
	}
	steps := []struct {
		write string
		want  []string
	}{
		{"INSERT INTO notes VALUES (10, 1, 7)", []string{"1|NULL"}}, // no match: padded
		{"INSERT INTO notes VALUES (11, 1, 3)", []string{"1|11"}},
		{"INSERT INTO notes VALUES (12, 1, 4)", []string{"1|11", "1|12"}},
		{"UPDATE notes SET score = 9 WHERE nid = 11", []string{"1|12"}},
		{"DELETE FROM notes WHERE nid = 12", []string{"1|NULL"}},
		{"UPDATE members SET karma = 8 WHERE uid = 1", []string{"1|10"}},
		{"UPDATE members SET karma = NULL WHERE uid = 1", []string{"1|NULL"}},
		{"UPDATE notes SET score = NULL", []string{"1|NULL"}},
	}
	for i, st := range steps {
		tok := mustExec(t, e, st.write).Token
		rows, err := v.LookupAfter(ctx, tok, 1)
		wantRows(t, rows, err, st.want...)
		if err := v.Evict(ctx, 1); err != nil {
			t.Fatal(err)
		}
		rows, err = v.LookupAfter(ctx, tok, 1)
		wantRows(t, rows, err, st.want...)
		if t.Failed() {
			t.Fatalf("after step %d (%s)", i, st.write)
		}
	}
}

// TestCrossJoinKeyed: a join without an equality, read by a key of one side, is partial
// through the join's full state, and follows writes to either side.
func TestCrossJoinKeyed(t *testing.T) {
	ctx := context.Background()
	e := open(t, weir.Options{MemoryLimit: -1})
	mustExec(t, e, "CREATE TABLE members (uid INT PRIMARY KEY, karma INT)")
	mustExec(t, e, "CREATE TABLE levels (lvl INT PRIMARY KEY, lo INT, hi INT)")
	mustExec(t, e, "INSERT INTO members VALUES (1, 5), (2, 1)")
	mustExec(t, e, "INSERT INTO levels VALUES (1, 0, 3), (2, 3, 6)")
	v := mustRegister(t, e, "level_of", "SELECT l.lvl FROM members m CROSS JOIN levels l WHERE m.karma >= l.lo AND m.karma < l.hi AND m.uid = ? ORDER BY l.lvl")
	if !v.Stats().Partial {
		t.Errorf("view keyed by a column of one side is not partial")
	}
	rows, err := v.Lookup(ctx, 1)
	wantRows(t, rows, err, "2")
	tok := mustExec(t, e, "INSERT INTO levels VALUES (3, 5, 10)").Token
	rows, err = v.LookupAfter(ctx, tok, 1)
	wantRows(t, rows, err, "2", "3")
	tok = mustExec(t, e, "UPDATE members SET karma = 2 WHERE uid = 1").Token
	rows, err = v.LookupAfter(ctx, tok, 1)
	wantRows(t, rows, err, "1")
	rows, err = v.LookupAfter(ctx, tok, 2)
	wantRows(t, rows, err, "1")
}
