package pgwire

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/weirdb/weir"
)

// maxShapePlans bounds the shapes whose plans a listener keeps for the simple query
// protocol. Past it the table is cleared and refills with the shapes still in use: a
// client that sends ever new shapes costs a plan per statement, as without the table,
// and never more memory than the bound.
const maxShapePlans = 4096

// shapeRetry is how long a shape that could not be planned with parameters (the planner
// refused it, or its parameters' types disagree with its literals) is read as text before
// its shape is tried again: a table created meanwhile may make it plannable.
const shapeRetry = 10 * time.Second

// shapePlans holds the plans of simple-protocol SELECTs by shape (liftLiterals), shared by
// every connection of the listener, so that a SELECT whose shape was seen before costs a
// lookup and the binding of its literals, not a parse and a plan.
type shapePlans struct {
	mu sync.Mutex
	m  map[string]*shapePlan
}

// shapePlan is a shape's plan, or the time its planning failed.
type shapePlan struct {
	p        *prepared // nil: read statements of this shape as text
	failedAt time.Time
}

func (sp *shapePlans) get(key string) (*shapePlan, bool) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	e, ok := sp.m[key]
	if ok && e.p == nil && time.Since(e.failedAt) > shapeRetry {
		delete(sp.m, key)
		return nil, false
	}
	return e, ok
}

func (sp *shapePlans) put(key string, e *shapePlan) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.m == nil || len(sp.m) >= maxShapePlans {
		sp.m = make(map[string]*shapePlan)
	}
	sp.m[key] = e
}

// lifted plans a simple-protocol statement by its shape: the shape's plan, shared by the
// listener's connections, and the statement's literals bound as its arguments, each read
// as PostgreSQL reads the literal in the parameter's place (an unknown string by the
// parameter's type, a number only where a number meets a numeric type). ok is false when
// the statement has no shape to share or its literals do not fit the shape's parameters:
// it is then planned as text.
func (c *conn) lifted(text string) (*prepared, []weir.Value, bool) {
	// Shapes are written with PostgreSQL's $n parameters, and only a SELECT reads.
	if _, pg := c.s.dialect.(PostgresDialect); !pg || !startsSelect(text) {
		return nil, nil, false
	}
	shape, lits, ok := liftLiterals(text)
	if !ok {
		return nil, nil, false
	}
	key := c.engineDB() + "\x00" + kindsKey(lits) + "\x00" + shape
	e, ok := c.s.shapes.get(key)
	if !ok {
		ctx := c.begin()
		p, err := c.prepare(ctx, shape, nil)
		c.end()
		if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return nil, nil, false
		}
		e = &shapePlan{failedAt: time.Now()}
		if err == nil && p.st != nil && p.session == nil && p.st.IsQuery() && fitKinds(p.paramOIDs, lits) {
			e.p = p
		}
		c.s.shapes.put(key, e)
	}
	if e.p == nil {
		return nil, nil, false
	}
	args := make([]weir.Value, len(lits))
	for i, l := range lits {
		v, ok := c.literalValue(e.p.paramOIDs[i], l)
		if !ok {
			return nil, nil, false
		}
		args[i] = v
	}
	return e.p, args, true
}

// fitKinds reports parameters whose types take the literals lifted into them as
// PostgreSQL's operators would take the literals: an unknown string any type (it is read
// by the type's input function), an integer a numeric type, a numeric constant numeric or
// floating point. Anything else (an integer compared with text, a numeric constant with
// an integer column, which PostgreSQL compares as numeric) is planned as text.
func fitKinds(oids []uint32, lits []literal) bool {
	if len(oids) != len(lits) {
		return false
	}
	for i, l := range lits {
		switch l.kind {
		case litInt:
			switch oids[i] {
			case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.NumericOID, pgtype.Float4OID, pgtype.Float8OID:
			default:
				return false
			}
		case litNumeric:
			switch oids[i] {
			case pgtype.NumericOID, pgtype.Float4OID, pgtype.Float8OID:
			default:
				return false
			}
		}
	}
	return true
}

// literalValue reads a literal as the argument of a parameter of type oid; ok is false
// when the literal does not read as one (the statement is then planned as text, and fails
// or compares as PostgreSQL makes it: an integer past an int4 column's range matches no
// row rather than failing).
func (c *conn) literalValue(oid uint32, l literal) (weir.Value, bool) {
	if l.kind == litInt {
		n, err := strconv.ParseInt(l.text, 10, 64)
		if err != nil {
			return weir.Value{}, false
		}
		switch {
		case oid == pgtype.Int2OID && (n < -1<<15 || n >= 1<<15),
			oid == pgtype.Int4OID && (n < -1<<31 || n >= 1<<31):
			return weir.Value{}, false
		}
	}
	v, err := c.codec.decodeParam(oid, pgtype.TextFormatCode, []byte(l.text))
	if err != nil {
		return weir.Value{}, false
	}
	return v, true
}

// startsSelect reports a statement that starts with SELECT or WITH.
func startsSelect(text string) bool {
	i := skipSpace(text, 0)
	for _, w := range [...]string{"select", "with"} {
		if len(text)-i > len(w) && strings.EqualFold(text[i:i+len(w)], w) && !identChar(text[i+len(w)]) {
			return true
		}
	}
	return false
}
