package pgwire

import "testing"

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT name FROM products WHERE stock = 3", "SELECT name FROM products WHERE stock = ?"},
		{"select  a\n from t where b = 'x''y' and c = E'\\n' and d = $$z$$", "select a from t where b = ? and c = ? and d = ?"},
		{"SELECT * FROM t2 WHERE id = $1 AND v > 1.5e3", "SELECT * FROM t2 WHERE id = $1 AND v > ?"},
		{"SELECT 1 -- comment\n, /* c */ 2", "SELECT ? , ?"},
		{"SELECT \"Col 1\" FROM \"T\"", "SELECT \"Col 1\" FROM \"T\""},
	} {
		if got := normalize(c.in); got != c.want {
			t.Errorf("normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMayWrite(t *testing.T) {
	for first, want := range map[string]bool{"select": false, "insert": true, "update": true, "with": true,
		"set": false, "commit": false, "copy": true, "create": true, "call": true, "notify": true} {
		if got := mayWrite(first); got != want {
			t.Errorf("mayWrite(%s) = %v, want %v", first, got, want)
		}
	}
}
