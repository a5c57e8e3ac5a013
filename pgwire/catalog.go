package pgwire

import (
	"regexp"
	"slices"
	"strings"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
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
	if fn := typeLookup(p, toks); fn != nil {
		p.session = fn
		return true, nil
	}
	return true, &pgError{code: stateFeature,
		msg:  "Weir does not answer this catalog query (it reads " + reads + ")",
		hint: "Weir answers psql's relation lists (\\d, \\dt, \\dv) and lookups of pg_type by name; ask SHOW or current_setting() for settings."}
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

// pgTypes are the rows of pg_type a lookup by name can find: the types this package sends
// and the ones drivers ask for by name. A name not here (hstore, say) is a type Weir does
// not have, and its lookup finds no row.
var pgTypes = []struct {
	name       string
	oid, array uint32
}{
	{"bool", 16, 1000}, {"bytea", 17, 1001}, {"name", 19, 1003}, {"int8", 20, 1016}, {"int2", 21, 1005},
	{"int4", 23, 1007}, {"text", 25, 1009}, {"oid", 26, 1028}, {"json", 114, 199}, {"float4", 700, 1021},
	{"float8", 701, 1022}, {"unknown", 705, 0}, {"bpchar", 1042, 1014}, {"varchar", 1043, 1015},
	{"date", 1082, 1182}, {"time", 1083, 1183}, {"timestamp", 1114, 1115}, {"timestamptz", 1184, 1185},
	{"numeric", 1700, 1231}, {"uuid", 2950, 2951}, {"jsonb", 3802, 3807},
}

// typeLookup recognizes a lookup of pg_type rows by name, as psycopg2 sends at connect
// (its hstore adapter: SELECT t.oid, typarray FROM pg_type t JOIN pg_namespace ns ON
// typnamespace = ns.oid WHERE typname = 'hstore'): it selects oid, typname, typarray or
// typelem, and filters by typname = '…' or typname IN (…) alone. nil for any other query.
func typeLookup(p *prepared, toks []token) sessionFunc {
	if len(toks) == 0 || !toks[0].is("select") {
		return nil
	}
	var cols []string
	i := 1
	for ; i < len(toks) && !toks[i].is("from"); i++ {
		t := toks[i]
		switch {
		case t.kind == tokPunct && (t.text == "," || t.text == "."):
		case t.kind == tokWord && i+1 < len(toks) && toks[i+1].text == ".":
			// a table alias
		case t.is("oid"), t.is("typname"), t.is("typarray"), t.is("typelem"):
			cols = append(cols, t.text)
		default:
			return nil
		}
	}
	if len(cols) == 0 || i == len(toks) {
		return nil
	}
	var names []string
	from := true
	for i++; i < len(toks); i++ {
		t := toks[i]
		if from {
			if t.is("where") {
				from = false
				continue
			}
			// FROM [pg_catalog.]pg_type [t] [JOIN [pg_catalog.]pg_namespace ns ON typnamespace = ns.oid]
			switch {
			case t.is("pg_catalog"), t.is("pg_type"), t.is("pg_namespace"), t.is("join"), t.is("on"), t.is("inner"),
				t.is("typnamespace"), t.is("oid"), t.kind == tokPunct && (t.text == "." || t.text == "="):
			case t.kind == tokWord && i > 0 && (toks[i-1].is("pg_type") || toks[i-1].is("pg_namespace") ||
				(i+1 < len(toks) && toks[i+1].text == ".")):
				// an alias, or an alias qualifying a column
			default:
				return nil
			}
			continue
		}
		switch {
		case t.kind == tokWord && i+1 < len(toks) && toks[i+1].text == ".":
		case t.kind == tokPunct && t.text == ".":
		case t.is("typname") && i+2 < len(toks) && toks[i+1].text == "=" && toks[i+2].kind == tokString:
			names = append(names, toks[i+2].text)
			i += 2
		case t.is("typname") && i+2 < len(toks) && toks[i+1].is("in") && toks[i+2].text == "(":
			for i += 3; i < len(toks) && toks[i].text != ")"; i++ {
				switch {
				case toks[i].kind == tokString:
					names = append(names, toks[i].text)
				case toks[i].text != ",":
					return nil
				}
			}
		case t.kind == tokPunct && t.text == ";" && i == len(toks)-1:
		default:
			return nil
		}
	}
	if names == nil {
		return nil
	}
	oidType := pgType{oid: 26, size: 4, mod: -1}
	p.fields = make([]field, len(cols))
	for j, col := range cols {
		p.fields[j] = field{name: col, typ: oidType}
		if col == "typname" {
			p.fields[j] = nameField(col)
		}
	}
	return func(c *conn, pt *portal) error {
		pt.tag = "SELECT"
		c.counts.messages[kindCatalog]++
		for _, ty := range pgTypes {
			if !slices.Contains(names, ty.name) {
				continue
			}
			row := make([]weir.Value, len(cols))
			for j, col := range cols {
				switch col {
				case "oid":
					row[j] = dataflow.Int(int64(ty.oid))
				case "typarray":
					row[j] = dataflow.Int(int64(ty.array))
				case "typelem":
					row[j] = dataflow.Int(0)
				case "typname":
					row[j] = dataflow.String(ty.name)
				}
			}
			pt.vrows = append(pt.vrows, row)
		}
		if pt.vrows == nil {
			pt.vrows = [][]weir.Value{}
		}
		return nil
	}
}
