package weir_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/weirdb/weir"
)

func rowsText(r weir.Rows) string {
	var b strings.Builder
	for i := range r.Len() {
		for j, v := range r.Row(i) {
			if j > 0 {
				b.WriteString(" ")
			}
			b.WriteString(v.ToText())
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestInformationSchema reads the catalog the way ORMs do, with parameters where a cached
// query could not take them, and checks that it follows DDL at once.
func TestInformationSchema(t *testing.T) {
	ctx := context.Background()
	e, err := weir.Open(weir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Exec(ctx, "CREATE TABLE users (id BIGINT UNSIGNED AUTO_INCREMENT, name VARCHAR(60) NOT NULL, PRIMARY KEY (id))"); err != nil {
		t.Fatal(err)
	}
	const schemata = "SELECT SCHEMA_NAME from Information_schema.SCHEMATA where SCHEMA_NAME LIKE ? ORDER BY SCHEMA_NAME=? DESC,SCHEMA_NAME limit 1"
	rows, err := e.Query(ctx, schemata, "we%", "weir")
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsText(rows); got != "weir\n" {
		t.Errorf("schemata: got %q", got)
	}

	const columns = "SELECT column_name, column_type, column_key, extra FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position"
	st, err := e.Prepare(columns)
	if err != nil {
		t.Fatal(err)
	}
	if !st.ReadsCatalog() || st.NumParams() != 1 {
		t.Fatalf("prepared catalog query: ReadsCatalog %v, %d parameters", st.ReadsCatalog(), st.NumParams())
	}
	rows, err = st.Query(ctx, "users")
	if err != nil {
		t.Fatal(err)
	}
	want := "id bigint(20) unsigned PRI auto_increment\nname varchar(60)  \n"
	if got := rowsText(rows); got != want {
		t.Errorf("columns of users:\n got %q\nwant %q", got, want)
	}

	// The catalog follows DDL with no cache to invalidate.
	if _, err := e.Exec(ctx, "DROP TABLE users"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Exec(ctx, "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(9))"); err != nil {
		t.Fatal(err)
	}
	rows, err = st.Query(ctx, "users")
	if err != nil {
		t.Fatal(err)
	}
	want = "id int(11) PRI \nemail varchar(9)  \n"
	if got := rowsText(rows); got != want {
		t.Errorf("columns of users after it was made again:\n got %q\nwant %q", got, want)
	}

	for _, tc := range []struct {
		name string
		run  func() error
		code int
	}{
		{"cache", func() error {
			_, err := e.Register(ctx, "tables", "SELECT table_name FROM information_schema.tables")
			return err
		}, weir.ErrCodeUnsupported},
		{"write", func() error {
			_, err := e.Exec(ctx, "DELETE FROM information_schema.tables")
			return err
		}, 1044},
		{"mixed", func() error {
			_, err := e.Query(ctx, "SELECT u.id FROM users u JOIN information_schema.tables t ON t.table_name = u.email")
			return err
		}, weir.ErrCodeUnsupported},
		{"unknown", func() error {
			_, err := e.Query(ctx, "SELECT * FROM information_schema.nosuch")
			return err
		}, 1146},
	} {
		err := tc.run()
		if code, _, _ := weir.ErrorCode(err); code != tc.code {
			t.Errorf("%s: error %v (code %d), want code %d", tc.name, err, code, tc.code)
		}
	}
}

func ExampleStmt_ReadsCatalog() {
	ctx := context.Background()
	e, _ := weir.Open(weir.Options{})
	defer e.Close()
	e.Exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY)")
	st, _ := e.Prepare("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?")
	rows, _ := st.Query(ctx, "t%")
	fmt.Println(st.ReadsCatalog(), rows.Row(0)[0].ToText())
	// Output: true 1
}
