package pgwire

import (
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/weirdb/weir"
	"github.com/weirdb/weir/dataflow"
)

// classify recognizes the statements the session answers itself and sets p up to run
// them; handled is false for a statement that goes to the dialect.
func (c *conn) classify(p *prepared, toks []token) (handled bool, err error) {
	first := toks[0]
	if first.kind != tokWord {
		return false, nil
	}
	switch first.text {
	case "set":
		p.session, p.tag = c.parseSet(toks[1:])
		return true, nil
	case "reset":
		p.session, p.tag = parseReset(toks[1:]), "RESET"
		return true, nil
	case "show":
		return true, c.parseShow(p, toks[1:])
	case "begin", "start":
		p.txControl = true
		p.session, p.tag = c.parseBegin(toks), "BEGIN"
		return true, nil
	case "commit", "end":
		p.txControl = true
		p.session, p.tag = func(c *conn, pt *portal) error { return c.commit(pt) }, "COMMIT"
		return true, nil
	case "rollback", "abort":
		if len(toks) > 1 && (toks[1].is("to") || (len(toks) > 2 && toks[2].is("to"))) {
			return true, newPGError(stateFeature, "Weir does not support savepoints: ROLLBACK TO SAVEPOINT")
		}
		p.txControl = true
		p.session, p.tag = func(c *conn, pt *portal) error { return c.abort(pt) }, "ROLLBACK"
		return true, nil
	case "savepoint", "release":
		return true, newPGError(stateFeature, "Weir does not support savepoints: %s", strings.ToUpper(first.text))
	case "discard":
		p.session = func(c *conn, pt *portal) error {
			if c.tx != nil {
				return newPGError(stateActiveTx, "DISCARD ALL cannot run inside a transaction block")
			}
			if len(toks) > 1 && toks[1].is("all") {
				c.settings.endTx(false)
				for i := range settings {
					if !settings[i].readOnly {
						c.settings.values[i] = settings[i].def
					}
				}
				c.settings.custom = nil
				clear(c.stmts)
				clear(c.portals)
			}
			pt.tag = "DISCARD " + strings.ToUpper(tokText(toks, 1))
			return nil
		}
		return true, nil
	case "deallocate":
		rest := toks[1:]
		if len(rest) > 0 && rest[0].is("prepare") {
			rest = rest[1:]
		}
		p.session = func(c *conn, pt *portal) error {
			pt.tag = "DEALLOCATE"
			if len(rest) > 0 && rest[0].is("all") {
				clear(c.stmts)
				pt.tag = "DEALLOCATE ALL"
				return nil
			}
			name := tokText(rest, 0)
			if _, ok := c.stmts[name]; !ok {
				return newPGError(stateUndefinedPrepare, "prepared statement %q does not exist", name)
			}
			delete(c.stmts, name)
			return nil
		}
		return true, nil
	case "listen", "unlisten", "notify", "copy", "declare", "fetch", "move", "prepare", "execute", "lock",
		"vacuum", "analyze", "checkpoint", "cluster", "reindex", "grant", "revoke", "comment", "security", "do", "call":
		return true, newPGError(stateFeature, "Weir does not support %s", strings.ToUpper(first.text))
	case "select":
		if fn := c.sessionSelect(p, toks[1:]); fn != nil {
			p.session = fn
			return true, nil
		}
	}
	return c.catalog(p, toks)
}

func tokText(toks []token, i int) string {
	if i < len(toks) {
		return toks[i].text
	}
	return ""
}

// parseSet reads SET [SESSION | LOCAL] name {TO | =} value [, …] | DEFAULT, and its special
// forms (TIME ZONE, NAMES, SCHEMA, TRANSACTION, SESSION CHARACTERISTICS AS TRANSACTION).
func (c *conn) parseSet(toks []token) (sessionFunc, string) {
	local := false
	if len(toks) > 0 && (toks[0].is("session") || toks[0].is("local")) {
		// SESSION CHARACTERISTICS and SESSION AUTHORIZATION are forms of their own.
		if !(toks[0].is("session") && len(toks) > 1 && (toks[1].is("characteristics") || toks[1].is("authorization"))) {
			local = toks[0].is("local")
			toks = toks[1:]
		}
	}
	fail := func(e *pgError) (sessionFunc, string) {
		return func(*conn, *portal) error { return e }, "SET"
	}
	if len(toks) == 0 {
		return fail(newPGError(stateSyntax, "syntax error at end of input"))
	}
	var name string
	var vals []token
	switch {
	case toks[0].is("time") && len(toks) > 1 && toks[1].is("zone"):
		name, vals = "TimeZone", toks[2:]
	case toks[0].is("names"):
		name, vals = "client_encoding", toks[1:]
	case toks[0].is("schema"):
		name, vals = "search_path", toks[1:]
	case toks[0].is("transaction"), toks[0].is("session") && len(toks) > 2 && toks[1].is("characteristics"):
		session := toks[0].is("session")
		if session {
			toks = toks[4:] // SESSION CHARACTERISTICS AS TRANSACTION
		} else {
			toks = toks[1:]
		}
		return func(c *conn, pt *portal) error {
			pt.tag = "SET"
			return c.transactionModes(toks, session)
		}, "SET"
	case toks[0].is("session") && len(toks) > 1 && toks[1].is("authorization"), toks[0].is("role"):
		return fail(newPGError(stateFeature, "Weir does not support SET ROLE or SET SESSION AUTHORIZATION"))
	default:
		name = toks[0].text
		rest := toks[1:]
		// A qualified placeholder name: myapp.setting.
		for len(rest) >= 2 && rest[0].text == "." && rest[0].kind == tokPunct {
			name += "." + rest[1].text
			rest = rest[2:]
		}
		if len(rest) == 0 || !(rest[0].is("to") || (rest[0].kind == tokPunct && rest[0].text == "=")) {
			return fail(newPGError(stateSyntax, "syntax error in SET %s: expected TO or =", name))
		}
		vals = rest[1:]
	}
	value, isDefault, perr := setValue(vals)
	if perr != nil {
		return fail(perr)
	}
	return func(c *conn, pt *portal) error {
		pt.tag = "SET"
		v := value
		if isDefault {
			def, ok := lookupSetting(name)
			if !ok {
				if _, custom := c.settings.custom[strings.ToLower(name)]; custom || strings.Contains(name, ".") {
					delete(c.settings.custom, strings.ToLower(name))
					return nil
				}
				return newPGError(stateUndefinedObject, "unrecognized configuration parameter %q", name)
			}
			v = def.def
			if def.name == "session_authorization" {
				v = c.user
			}
		}
		if local && c.tx == nil {
			c.notice("WARNING", stateNoActiveTx, "SET LOCAL can only be used in transaction blocks")
			return nil
		}
		changed, err := c.settings.set(name, v, c.tx != nil, local)
		if err != nil {
			return err
		}
		if changed != nil {
			val, _ := c.settings.get(changed.name)
			c.send(&pgproto3.ParameterStatus{Name: changed.name, Value: val})
		}
		return nil
	}, "SET"
}

// setValue flattens a SET's values as PostgreSQL does: a list joins with ", ".
func setValue(vals []token) (value string, isDefault bool, err *pgError) {
	if len(vals) == 0 {
		return "", false, newPGError(stateSyntax, "syntax error at end of input")
	}
	if len(vals) == 1 && (vals[0].is("default") || vals[0].is("local")) {
		return "", true, nil
	}
	var parts []string
	sign := ""
	for i, t := range vals {
		switch {
		case t.kind == tokPunct && t.text == ",":
			continue
		case t.kind == tokPunct && (t.text == "-" || t.text == "+") && i+1 < len(vals) && vals[i+1].kind == tokNumber:
			sign = t.text
			continue
		case t.kind == tokPunct:
			return "", false, newPGError(stateSyntax, "syntax error at or near %q", t.text)
		case t.kind == tokWord && t.text == "interval":
			continue // SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE
		}
		v := t.text
		if sign == "-" {
			v = "-" + v
		}
		sign = ""
		parts = append(parts, v)
	}
	return strings.Join(parts, ", "), false, nil
}

// parseReset reads RESET name | ALL.
func parseReset(toks []token) sessionFunc {
	return func(c *conn, pt *portal) error {
		pt.tag = "RESET"
		if len(toks) == 0 {
			return newPGError(stateSyntax, "syntax error at end of input")
		}
		if toks[0].is("all") {
			for i := range settings {
				if settings[i].readOnly || c.settings.values[i] == settings[i].def {
					continue
				}
				if _, err := c.settings.set(settings[i].name, settings[i].def, c.tx != nil, false); err == nil && settings[i].report {
					c.send(&pgproto3.ParameterStatus{Name: settings[i].name, Value: settings[i].def})
				}
			}
			c.settings.custom = nil
			return nil
		}
		name := toks[0].text
		if toks[0].is("time") && len(toks) > 1 && toks[1].is("zone") {
			name = "TimeZone"
		}
		def, ok := lookupSetting(name)
		if !ok {
			if strings.Contains(name, ".") || (len(toks) > 2 && toks[1].text == ".") {
				return nil
			}
			return newPGError(stateUndefinedObject, "unrecognized configuration parameter %q", name)
		}
		changed, err := c.settings.set(def.name, def.def, c.tx != nil, false)
		if err != nil {
			return err
		}
		if changed != nil {
			c.send(&pgproto3.ParameterStatus{Name: changed.name, Value: def.def})
		}
		return nil
	}
}

// parseShow reads SHOW name | ALL | TIME ZONE | TRANSACTION ISOLATION LEVEL | SESSION
// AUTHORIZATION.
func (c *conn) parseShow(p *prepared, toks []token) error {
	if len(toks) == 0 {
		return newPGError(stateSyntax, "syntax error at end of input")
	}
	name := toks[0].text
	switch {
	case toks[0].is("all"):
		p.fields = []field{textField("name"), textField("setting"), textField("description")}
		p.session = func(c *conn, pt *portal) error {
			pt.tag = "SHOW"
			for i, s := range settings {
				pt.vrows = append(pt.vrows, textRow(s.name, c.settings.values[i], s.desc))
			}
			return nil
		}
		return nil
	case toks[0].is("time") && len(toks) > 1 && toks[1].is("zone"):
		name = "TimeZone"
	case toks[0].is("transaction") && len(toks) > 2 && toks[1].is("isolation"):
		name = "transaction_isolation"
	case toks[0].is("session") && len(toks) > 1 && toks[1].is("authorization"):
		name = "session_authorization"
	default:
		for rest := toks[1:]; len(rest) >= 2 && rest[0].text == "."; rest = rest[2:] {
			name += "." + rest[1].text
		}
	}
	label := strings.ToLower(name)
	if def, ok := lookupSetting(name); ok {
		label = def.name
	}
	p.fields = []field{textField(label)}
	p.session = func(c *conn, pt *portal) error {
		pt.tag = "SHOW"
		v, ok := c.settings.get(name)
		if !ok {
			return newPGError(stateUndefinedObject, "unrecognized configuration parameter %q", name)
		}
		pt.vrows = [][]weir.Value{textRow(v)}
		return nil
	}
	return nil
}

// parseBegin reads BEGIN [WORK | TRANSACTION] [modes] and START TRANSACTION [modes].
func (c *conn) parseBegin(toks []token) sessionFunc {
	modes := toks[1:]
	if len(modes) > 0 && (modes[0].is("work") || modes[0].is("transaction")) {
		modes = modes[1:]
	}
	return func(c *conn, pt *portal) error {
		pt.tag = "BEGIN"
		if c.tx != nil && c.txBlock {
			c.notice("WARNING", stateActiveTx, "there is already a transaction in progress")
			return nil
		}
		if c.tx == nil {
			tx, err := c.s.e.Begin(c.ctx)
			if err != nil {
				return err
			}
			c.tx = tx
		}
		c.txBlock, c.txFailed = true, false
		ro, _ := c.settings.get("default_transaction_read_only")
		c.txRO = ro == "on"
		iso, _ := c.settings.get("default_transaction_isolation")
		_, _ = c.settings.set("transaction_isolation", iso, false, false)
		return c.transactionModes(modes, false)
	}
}

// transactionModes applies ISOLATION LEVEL …, READ ONLY, READ WRITE, [NOT] DEFERRABLE to
// the transaction (or, for SESSION CHARACTERISTICS, to the session's defaults). Weir's
// transactions are serializable whatever the level asked for: a weaker level is never
// weaker than asked.
func (c *conn) transactionModes(toks []token, session bool) error {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == tokPunct && t.text == ",":
		case t.is("isolation") && i+2 < len(toks) && toks[i+1].is("level"):
			level := toks[i+2].text
			i += 2
			if (level == "read" || level == "repeatable") && i+1 < len(toks) {
				level += " " + toks[i+1].text
				i++
			}
			name := "transaction_isolation"
			if session {
				name = "default_transaction_isolation"
			}
			if _, err := c.settings.set(name, level, false, false); err != nil {
				return err
			}
		case t.is("read") && i+1 < len(toks) && (toks[i+1].is("only") || toks[i+1].is("write")):
			ro := toks[i+1].is("only")
			i++
			if session {
				v := "off"
				if ro {
					v = "on"
				}
				_, _ = c.settings.set("default_transaction_read_only", v, false, false)
			} else if c.tx != nil {
				c.txRO = ro
			}
		case t.is("deferrable"):
		case t.is("not") && i+1 < len(toks) && toks[i+1].is("deferrable"):
			i++
		default:
			return newPGError(stateSyntax, "syntax error at or near %q", t.text)
		}
	}
	return nil
}

// commit ends the transaction block: a failed one rolls back, as PostgreSQL does.
func (c *conn) commit(pt *portal) error {
	pt.tag = "COMMIT"
	if c.tx == nil || !c.txBlock {
		c.notice("WARNING", stateNoActiveTx, "there is no transaction in progress")
		if c.tx == nil {
			return nil
		}
	}
	tx, failed := c.tx, c.txFailed
	c.tx, c.txBlock, c.txFailed, c.txRO = nil, false, false, false
	if failed {
		_ = tx.Rollback()
		pt.tag = "ROLLBACK"
		c.reportRestored(c.settings.endTx(false))
		return nil
	}
	ctx := c.begin()
	_, err := tx.Commit(ctx)
	c.end()
	c.reportRestored(c.settings.endTx(err == nil))
	return err
}

// abort rolls the transaction block back.
func (c *conn) abort(pt *portal) error {
	pt.tag = "ROLLBACK"
	if c.tx == nil || !c.txBlock {
		c.notice("WARNING", stateNoActiveTx, "there is no transaction in progress")
		if c.tx == nil {
			return nil
		}
	}
	_ = c.tx.Rollback()
	c.tx, c.txBlock, c.txFailed, c.txRO = nil, false, false, false
	c.reportRestored(c.settings.endTx(false))
	return nil
}

func (c *conn) reportRestored(changed []*setting) {
	for _, s := range changed {
		v, _ := c.settings.get(s.name)
		c.send(&pgproto3.ParameterStatus{Name: s.name, Value: v})
	}
	clear(c.portals)
}

// sessionSelect recognizes a SELECT without FROM whose items are all the session's own
// functions (version(), current_setting('…'), current_database(), current_user, …), each
// with an optional alias; nil for any other SELECT, which goes to the dialect.
func (c *conn) sessionSelect(p *prepared, toks []token) sessionFunc {
	type item struct {
		fn    string
		arg   string
		label string
	}
	var items []item
	for len(toks) > 0 {
		t := toks[0]
		if t.kind != tokWord {
			return nil
		}
		it := item{fn: t.text, label: t.text}
		toks = toks[1:]
		// pg_catalog.version()
		if it.fn == "pg_catalog" && len(toks) >= 2 && toks[0].text == "." {
			it.fn, it.label = toks[1].text, toks[1].text
			toks = toks[2:]
		}
		switch it.fn {
		case "current_user", "session_user", "user", "current_role", "current_catalog", "current_schema":
			if it.fn == "user" {
				it.label = "current_user"
			}
			if len(toks) >= 2 && toks[0].text == "(" && toks[1].text == ")" && it.fn == "current_schema" {
				toks = toks[2:]
			}
		case "version", "current_database", "pg_backend_pid", "current_setting", "pg_is_in_recovery", "inet_server_port":
			if len(toks) < 2 || toks[0].text != "(" {
				return nil
			}
			if it.fn == "current_setting" {
				if len(toks) < 3 || toks[1].kind != tokString {
					return nil
				}
				it.arg = toks[1].text
				toks = toks[2:]
				if len(toks) >= 2 && toks[0].text == "," {
					toks = toks[2:] // missing_ok
				}
				if len(toks) == 0 || toks[0].text != ")" {
					return nil
				}
				toks = toks[1:]
			} else {
				if toks[1].text != ")" {
					return nil
				}
				toks = toks[2:]
			}
		default:
			return nil
		}
		if len(toks) >= 2 && toks[0].is("as") {
			it.label = toks[1].text
			toks = toks[2:]
		} else if len(toks) >= 1 && (toks[0].kind == tokQuotedIdent || (toks[0].kind == tokWord && !toks[0].is("from"))) {
			it.label = toks[0].text
			toks = toks[1:]
		}
		items = append(items, it)
		if len(toks) == 0 {
			break
		}
		if toks[0].text == ";" && len(toks) == 1 {
			break
		}
		if toks[0].text != "," {
			return nil
		}
		toks = toks[1:]
	}
	if len(items) == 0 {
		return nil
	}
	p.fields = make([]field, len(items))
	for i, it := range items {
		p.fields[i] = textField(it.label)
		switch it.fn {
		case "pg_backend_pid", "inet_server_port":
			p.fields[i].typ = pgType{oid: 23, size: 4, mod: -1}
		case "pg_is_in_recovery":
			p.fields[i].typ = pgType{oid: 16, size: 1, mod: -1}
		case "current_user", "session_user", "user", "current_role", "current_catalog", "current_schema", "current_database":
			p.fields[i].typ = pgType{oid: 19, size: 64, mod: -1}
		}
	}
	return func(c *conn, pt *portal) error {
		pt.tag = "SELECT"
		row := make([]weir.Value, len(items))
		for i, it := range items {
			switch it.fn {
			case "version":
				row[i] = dataflow.String("PostgreSQL " + c.s.cfg.ServerVersion + ", a cache of Weir, compiled by Go")
			case "current_setting":
				v, ok := c.settings.get(it.arg)
				if !ok {
					return newPGError(stateUndefinedObject, "unrecognized configuration parameter %q", it.arg)
				}
				row[i] = dataflow.String(v)
			case "current_database", "current_catalog":
				row[i] = dataflow.String(c.db)
			case "current_schema":
				row[i] = dataflow.String("public")
			case "pg_backend_pid":
				row[i] = dataflow.Int(int64(c.pid))
			case "inet_server_port":
				port := int64(0)
				if a := c.s.addr.Load(); a != nil {
					port = int64(a.Port)
				}
				row[i] = dataflow.Int(port)
			case "pg_is_in_recovery":
				row[i] = dataflow.Bool(false)
			default:
				row[i] = dataflow.String(c.user)
			}
		}
		pt.vrows = [][]weir.Value{row}
		return nil
	}
}
