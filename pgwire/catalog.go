package pgwire

import (
	"regexp"
	"slices"
	"strings"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/planner"
)

// This file answers the questions PostgreSQL's clients ask of pg_catalog, from Weir's
// catalog. Weir has no pg_catalog to run queries against: a query that reads it is
// answered when it is one of the questions below, asked the way its client asks it, and
// refused with 0A000 otherwise: a client must never read a catalog answer that is wrong.

// catalog handles a statement that reads pg_catalog (or calls its functions); handled is
// false for any other.
func (c *conn) catalog(p *prepared, toks []token) (handled bool, err error) {
	reads := ""
	for _, t := range toks {
		if t.kind == tokWord && (t.text == "pg_catalog" || strings.HasPrefix(t.text, "pg_") ||
			t.text == "regclass" || t.text == "regtype" || t.text == "regproc" || t.text == "regnamespace") {
			reads = t.text
			if reads != "pg_catalog" {
				break
			}
		}
	}
	if reads == "" {
		return false, nil
	}
	if fn := c.listRelations(p, toks); fn != nil {
		p.session = fn
		return true, nil
	}
	return true, &pgError{code: stateFeature,
		msg:  "Weir does not answer this catalog query (it reads " + reads + ")",
		hint: "Weir answers pg_catalog queries that psql's \\d, \\dt and \\dv send to list relations; ask information_schema or SHOW instead."}
}

// listRelations recognizes psql's relation list (\d, \dt, \dv, each with an optional name
// pattern): columns "Schema", "Name", "Type", "Owner" of pg_class, filtered by relkind and
// by pg_table_is_visible. nil for any other query.
func (c *conn) listRelations(p *prepared, toks []token) sessionFunc {
	var aliases []string
	hasClass, visible := false, false
	var kinds []string
	var pattern *regexp.Regexp
	for i, t := range toks {
		switch {
		case t.kind == tokQuotedIdent && i > 0 && toks[i-1].is("as"):
			aliases = append(aliases, t.text)
		case t.is("pg_class"):
			hasClass = true
		case t.is("pg_table_is_visible"):
			visible = true
		case t.is("relkind") && i+2 < len(toks) && toks[i+1].is("in") && toks[i+2].text == "(":
			for j := i + 3; j < len(toks) && toks[j].text != ")"; j++ {
				if toks[j].kind == tokString {
					kinds = append(kinds, toks[j].text)
				}
			}
		case t.is("operator") && i+6 < len(toks) && toks[i+4].text == "~" && toks[i+6].kind == tokString:
			// c.relname OPERATOR(pg_catalog.~) '^(pattern)$'
			if i > 0 && toks[i-1].is("relname") {
				re, err := regexp.Compile(toks[i+6].text)
				if err != nil {
					return nil
				}
				pattern = re
			} else {
				return nil // a pattern on the schema or elsewhere: not this question
			}
		}
	}
	if !hasClass || !visible || !slices.Equal(aliases, []string{"Schema", "Name", "Type", "Owner"}) || kinds == nil {
		return nil
	}
	p.fields = []field{nameField("Schema"), nameField("Name"), textField("Type"), nameField("Owner")}
	return func(c *conn, pt *portal) error {
		pt.tag = "SELECT"
		c.counts.messages[kindCatalog]++
		add := func(names []string, kind, label string) {
			if !slices.Contains(kinds, kind) {
				return
			}
			for _, key := range names {
				db, name := planner.SplitKey(key)
				if !strings.EqualFold(db, c.db) || (pattern != nil && !pattern.MatchString(name)) {
					continue
				}
				pt.vrows = append(pt.vrows, textRow("public", name, label, c.user))
			}
		}
		add(c.s.e.Tables(), "r", "table")
		add(c.s.e.SQLViews(), "v", "view")
		slices.SortFunc(pt.vrows, func(a, b []weir.Value) int {
			return strings.Compare(a[1].RawString(), b[1].RawString())
		})
		return nil
	}
}

// nameField is a column of PostgreSQL's name type.
func nameField(label string) field {
	return field{name: label, typ: pgType{oid: 19, size: 64, mod: -1}}
}
