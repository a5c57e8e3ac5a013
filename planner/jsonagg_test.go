package planner

import (
	"fmt"
	"strings"
	"testing"
)

// TestRewriteJSONArrayAgg checks which calls are rewritten, that strings, quoted names and
// comments are stepped over, and that the original text comes back from the rewritten one.
func TestRewriteJSONArrayAgg(t *testing.T) {
	for _, tc := range []struct {
		sql       string
		rewritten bool
		limit     string // "offset,limit" of the first call when it has a LIMIT
	}{
		{"SELECT JSON_ARRAYAGG(x) FROM t", false, ""},
		{"SELECT JSON_ARRAYAGG((SELECT 1 ORDER BY 1 LIMIT 1)) FROM t", false, ""},
		{"SELECT 'JSON_ARRAYAGG(DISTINCT x)', `json_arrayagg`(x) FROM t", false, ""},
		{"SELECT 1 -- JSON_ARRAYAGG(DISTINCT x)\nFROM t", false, ""},
		{"SELECT /* JSON_ARRAYAGG(DISTINCT x) */ 1 # json_arrayagg(x LIMIT 1)\n FROM t", false, ""},
		{"SELECT JSON_ARRAYAGG(x DISTINCT) FROM t", false, ""},
		{"SELECT json_arrayagg( DISTINCT x ) FROM t", true, ""},
		{"SELECT json_arrayagg (DISTINCT x) FROM t", false, ""},
		{"CREATE TABLE json_arrayagg(a INT, b INT)", false, ""},
		{"INSERT INTO json_arrayagg(a, b) VALUES (1, 2)", false, ""},
		{"CREATE TABLE c (p INT, FOREIGN KEY (p) REFERENCES json_arrayagg(a, b))", false, ""},
		{"SELECT x.json_arrayagg(a, b) FROM t", false, ""},
		{"SELECT JSON_ARRAYAGG(x ORDER BY x DESC) FROM t", true, ""},
		{"SELECT JSON_ARRAYAGG(CONCAT(x, ')', 'LIMIT 3') ORDER BY 1 LIMIT 2) FROM t", true, "0,2"},
		{"SELECT JSON_ARRAYAGG(x LIMIT 4, 5), JSON_ARRAYAGG(y LIMIT 5 OFFSET 4) FROM t", true, "4,5"},
		{"SELECT JSON_ARRAYAGG(x, y) FROM t", true, ""},
		{"SELECT JSON_ARRAYAGG(x LIMIT ?) FROM t", false, ""},
		{"SELECT JSON_ARRAYAGG(x LIMIT 1e3) FROM t", false, ""},
		{"SELECT JSON_ARRAYAGG(DISTINCT 'it''s \\' )' ORDER BY 1) FROM t", true, ""},
		{"SELECT JSON_ARRAYAGG(DISTINCT x", false, ""},
		{"SELECT JSON_ARRAYAGG(DISTINCT '" + jsonArrayAggMarker + "3:-:-:41') FROM t", true, ""},
	} {
		got := rewriteJSONArrayAgg(tc.sql)
		if (got != tc.sql) != tc.rewritten {
			t.Errorf("%s: rewritten to %s", tc.sql, got)
			continue
		}
		if !tc.rewritten {
			continue
		}
		if strings.Contains(strings.ToUpper(got), "JSON_ARRAYAGG(") {
			t.Errorf("%s: a call is left in %s", tc.sql, got)
		}
		if back := restoreJSONArrayAgg(got); back != tc.sql {
			t.Errorf("%s: restored as %s from %s", tc.sql, back, got)
		}
		if tc.limit != "" {
			i := strings.Index(got, jsonArrayAggMarker)
			call, _, ok := parseJSONArrayAggMarker(got[i : i+strings.IndexByte(got[i:], '\'')])
			if !ok || !call.hasLimit || fmtLimit(call) != tc.limit {
				t.Errorf("%s: marker read as %+v (%t), want limit %s", tc.sql, call, ok, tc.limit)
			}
		}
	}
}

func fmtLimit(c jsonArrayAggCall) string { return fmt.Sprintf("%d,%d", c.offset, c.limit) }

// TestRestoreJSONArrayAggLeavesOtherText: text without a well-formed marker stays as it is,
// whatever it holds.
func TestRestoreJSONArrayAggLeavesOtherText(t *testing.T) {
	for _, s := range []string{
		"GROUP_CONCAT(x SEPARATOR ',')",
		"'" + jsonArrayAggMarker + "'",
		"GROUP_CONCAT(x SEPARATOR '" + jsonArrayAggMarker + "99:-:-:00')",
		"GROUP_CONCAT(x SEPARATOR '" + jsonArrayAggMarker + "1:-:-:zz')",
		"GROUP_CONCAT(x SEPARATOR '" + jsonArrayAggMarker + "-900:-:-:41')",
		jsonArrayAggMarker,
	} {
		if got := restoreJSONArrayAgg(s); got != s {
			t.Errorf("restoreJSONArrayAgg(%q) = %q", s, got)
		}
	}
}
