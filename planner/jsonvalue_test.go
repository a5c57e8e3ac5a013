package planner

import (
	"strings"
	"testing"
)

func TestRewriteJSONValue(t *testing.T) {
	for _, c := range []struct {
		sql, want string // want: the rewritten call up to its marker; "" for no rewrite
	}{
		{"SELECT JSON_VALUE(doc, '$.a') FROM t", ""},
		{"SELECT 'JSON_VALUE(doc, ''$.a'' RETURNING SIGNED)' FROM t", ""},
		{"SELECT JSON_VALUE(doc, '$.a' RETURNING SIGNED) FROM t", "JSON_VALUE(doc, '$.a', CAST(NULL AS SIGNED), NULL, NULL, '<weir:json_value>:-:"},
		{"SELECT json_value(doc, CONCAT('$.', k) RETURNING DECIMAL(5, 2) DEFAULT 0 ON EMPTY NULL ON ERROR) FROM t",
			"JSON_VALUE(doc, CONCAT('$.', k), CAST(NULL AS DECIMAL(5, 2)), 0, NULL, '<weir:json_value>:-:"},
		{"SELECT JSON_VALUE(doc, '$.a' DEFAULT 'x' ON ERROR) FROM t", "JSON_VALUE(doc, '$.a', NULL, NULL, 'x', '<weir:json_value>:-:"},
		{"SELECT JSON_VALUE(doc, '$.a' ERROR ON EMPTY) FROM t", "JSON_VALUE(doc, '$.a', NULL, NULL, NULL, '<weir:json_value>:E:"},
		{"SELECT JSON_VALUE(doc, '$.a' RETURNING JSON) FROM t", "JSON_VALUE(doc, '$.a', NULL, NULL, NULL, '<weir:json_value>:J:"},
		// Not well formed: left to the parser, which reports it.
		{"SELECT JSON_VALUE(doc, '$.a' RETURNING) FROM t", ""},
		{"SELECT JSON_VALUE(doc, '$.a' NULL ON ERROR NULL ON EMPTY) FROM t", ""},
	} {
		got := rewriteJSONValue(c.sql)
		if c.want == "" {
			if got != c.sql {
				t.Errorf("%s rewritten to %s", c.sql, got)
			}
			continue
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s rewritten to\n%s\nwant it to hold\n%s", c.sql, got, c.want)
		}
		if back := restoreJSONValue(got); back != c.sql {
			t.Errorf("%s restored as %s", c.sql, back)
		}
	}
}

// FuzzRewriteJSONValue: any text rewrites without a panic and restores to itself.
func FuzzRewriteJSONValue(f *testing.F) {
	f.Add("SELECT JSON_VALUE(doc, '$.a' RETURNING DECIMAL(5,2) DEFAULT 0 ON EMPTY NULL ON ERROR) FROM t")
	f.Add("SELECT json_value(a, b ERROR ON ERROR), JSON_VALUE(c, d RETURNING CHAR(3)) x")
	f.Fuzz(func(t *testing.T, sql string) {
		got := rewriteJSONValue(sql)
		if back := restoreJSONValue(got); back != sql {
			t.Fatalf("%q rewritten to %q, restored as %q", sql, got, back)
		}
	})
}
