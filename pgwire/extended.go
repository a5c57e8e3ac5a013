package pgwire

import (
	"strconv"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/weirdb/weir"
)

// parse handles Parse: the unnamed statement is replaced, a named one must be new.
func (c *conn) parse(m *pgproto3.Parse) error {
	c.counts.messages[kindParse]++
	if m.Name != "" {
		if _, exists := c.stmts[m.Name]; exists {
			return newPGError(stateDuplicatePrepare, "prepared statement %q already exists", m.Name)
		}
		if len(c.stmts) >= c.s.cfg.MaxStatements {
			return newPGError(stateConfigLimit, "a connection may have at most %d prepared statements", c.s.cfg.MaxStatements)
		}
	}
	if stmts := splitStatements(m.Query); len(stmts) > 1 {
		return newPGError(stateSyntax, "cannot insert multiple commands into a prepared statement")
	}
	ctx := c.begin()
	p, err := c.prepare(ctx, m.Query, m.ParameterOIDs)
	c.end()
	if err != nil {
		return err
	}
	c.stmts[m.Name] = p
	c.send(&pgproto3.ParseComplete{})
	return nil
}

// bind handles Bind: the statement's parameters decoded by their types and formats, and
// the result formats fixed.
func (c *conn) bind(m *pgproto3.Bind) error {
	c.counts.messages[kindBind]++
	p, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return newPGError(stateUndefinedPrepare, "prepared statement %q does not exist", m.PreparedStatement)
	}
	if m.DestinationPortal != "" {
		if _, exists := c.portals[m.DestinationPortal]; exists {
			return newPGError("42P03", "cursor %q already exists", m.DestinationPortal)
		}
		if len(c.portals) >= c.s.cfg.MaxStatements {
			return newPGError(stateConfigLimit, "a connection may have at most %d portals", c.s.cfg.MaxStatements)
		}
	}
	if c.tx != nil && c.txFailed && !p.txControl {
		return newPGError(stateInFailedTx, "current transaction is aborted, commands ignored until end of transaction block")
	}
	if len(m.Parameters) != len(p.paramOIDs) {
		return newPGError(stateProtocol, "bind message supplies %d parameters, but prepared statement %q requires %d",
			len(m.Parameters), m.PreparedStatement, len(p.paramOIDs))
	}
	nf := len(m.ParameterFormatCodes)
	if nf != 0 && nf != 1 && nf != len(m.Parameters) {
		return newPGError(stateProtocol, "bind message has %d parameter formats but %d parameters", nf, len(m.Parameters))
	}
	var pt *portal
	if m.DestinationPortal == "" {
		// The unnamed portal, which a client rebinds for every execution, is reused.
		if c.unnamed == nil {
			c.unnamed = &portal{}
		}
		pt = c.unnamed
		*pt = portal{args: pt.args[:0], formats: pt.formats[:0]}
	} else {
		pt = &portal{}
	}
	pt.p = p
	for range m.Parameters {
		pt.args = append(pt.args, weir.Value{})
	}
	for i, raw := range m.Parameters {
		format := int16(pgtype.TextFormatCode)
		switch nf {
		case 1:
			format = m.ParameterFormatCodes[0]
		case len(m.Parameters):
			format = m.ParameterFormatCodes[i]
		}
		if format != pgtype.TextFormatCode && format != pgtype.BinaryFormatCode {
			return newPGError(stateProtocol, "unsupported format code: %d", format)
		}
		v, err := c.codec.decodeParam(p.paramOIDs[i], format, raw)
		if err != nil {
			code := stateInvalidText
			if format == pgtype.BinaryFormatCode {
				code = "22P03" // invalid_binary_representation
			}
			return &pgError{code: code, msg: "invalid input for parameter $" + itoa(i+1) + " of type " + typeName(p.paramOIDs[i]) + ": " + err.Error(), err: err}
		}
		pt.args[i] = v
	}
	nr := len(m.ResultFormatCodes)
	if nr != 0 && nr != 1 && nr != len(p.fields) {
		return newPGError(stateProtocol, "bind message has %d result formats but query has %d columns", nr, len(p.fields))
	}
	for range p.fields {
		pt.formats = append(pt.formats, 0)
	}
	for i := range pt.formats {
		switch nr {
		case 1:
			pt.formats[i] = m.ResultFormatCodes[0]
		case len(p.fields):
			pt.formats[i] = m.ResultFormatCodes[i]
		}
		if pt.formats[i] != pgtype.TextFormatCode && pt.formats[i] != pgtype.BinaryFormatCode {
			return newPGError(stateProtocol, "unsupported format code: %d", pt.formats[i])
		}
	}
	c.portals[m.DestinationPortal] = pt
	c.send(&pgproto3.BindComplete{})
	return nil
}

// describe handles Describe of a statement (its parameter types, then its columns in
// text) or of a portal (its columns in the formats it was bound with).
func (c *conn) describe(m *pgproto3.Describe) error {
	switch m.ObjectType {
	case 'S':
		p, ok := c.stmts[m.Name]
		if !ok {
			return newPGError(stateUndefinedPrepare, "prepared statement %q does not exist", m.Name)
		}
		c.send(&pgproto3.ParameterDescription{ParameterOIDs: p.paramOIDs})
		if p.fields == nil {
			c.send(&pgproto3.NoData{})
		} else {
			c.sendRowDescription(p.fields, nil)
		}
	case 'P':
		pt, ok := c.portals[m.Name]
		if !ok {
			return newPGError(stateUndefinedCursor, "portal %q does not exist", m.Name)
		}
		if pt.p.fields == nil {
			c.send(&pgproto3.NoData{})
		} else {
			c.sendRowDescription(pt.p.fields, pt.formats)
		}
	default:
		return newPGError(stateProtocol, "invalid DESCRIBE message subtype %d", m.ObjectType)
	}
	return nil
}

// executeMsg handles Execute: the portal runs on its first Execute and sends at most
// MaxRows rows per Execute.
func (c *conn) executeMsg(m *pgproto3.Execute) error {
	c.counts.messages[kindExecute]++
	pt, ok := c.portals[m.Portal]
	if !ok {
		return newPGError(stateUndefinedCursor, "portal %q does not exist", m.Portal)
	}
	if pt.p.empty {
		c.send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if err := c.runPortal(pt); err != nil {
		return err
	}
	c.sendRows(pt, int(m.MaxRows))
	return nil
}

// closeMsg handles Close of a statement or portal; closing one that does not exist is not
// an error.
func (c *conn) closeMsg(m *pgproto3.Close) error {
	switch m.ObjectType {
	case 'S':
		delete(c.stmts, m.Name)
	case 'P':
		delete(c.portals, m.Name)
	default:
		return newPGError(stateProtocol, "invalid CLOSE message subtype %d", m.ObjectType)
	}
	c.send(&pgproto3.CloseComplete{})
	return nil
}

func typeName(oid uint32) string {
	if n, ok := typeNames[oid]; ok {
		return n
	}
	return "oid " + itoa(int(oid))
}

func itoa(i int) string { return strconv.Itoa(i) }
