package storage

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Key prefixes. The first byte of every key names its space, so the spaces never interleave
// and each can be scanned or range-deleted on its own. The order 'c' < 'm' < 'r' lets one
// iterator read the catalog and the metadata together at one instant.
const (
	prefixCatalog   byte = 'c'
	prefixMeta      byte = 'm'
	prefixRow       byte = 'r'
	catalogTable    byte = 't' // 'c' 't' id(4, big endian) -> DDL text
	catalogView     byte = 'v' // 'c' 'v' name -> SQL text
	catalogSQLView  byte = 's' // 'c' 's' lower-cased name -> CREATE VIEW text
	catalogAutoInc  byte = 'a' // 'c' 'a' id(4, big endian) -> uvarint: the next AUTO_INCREMENT value
	catalogDatabase byte = 'd' // 'c' 'd' lower-cased name -> the name as created
	tableIDBytes         = 4
	tableKeyLength       = 2 + tableIDBytes
	rowPrefixLength      = 1 + tableIDBytes
)

// Metadata keys ('m' + a name). Values are uvarints.
var (
	keyFormat      = []byte("mformat")
	keyToken       = []byte("mtoken")
	keyNextTableID = []byte("mnexttable")
	// keyUpstream names the database a mirror follows (its value is text, not a uvarint),
	// and keyUpstreamPosition is how far into that database's change stream the stored
	// rows are (a PostgreSQL LSN).
	keyUpstream         = []byte("mupstream")
	keyUpstreamPosition = []byte("mupstreampos")
)

// rowPrefix returns 'r' + the table id in 4 big-endian bytes. Big endian makes byte order
// agree with id order, and the fixed width keeps one table's rows contiguous: a variable
// width id could be a prefix of another id followed by primary-key bytes.
func rowPrefix(dst []byte, table uint32) []byte {
	dst = append(dst, prefixRow)
	return binary.BigEndian.AppendUint32(dst, table)
}

// rowKey returns the key of a row: the table's row prefix followed by the primary-key bytes
// exactly as the engine gave them. The engine's key encoding is opaque here; it only has to
// be unique per row within a table.
func rowKey(dst []byte, table uint32, pk []byte) []byte {
	return append(rowPrefix(dst, table), pk...)
}

// rowSpan returns the half-open key range [start, end) that holds every row of table.
func rowSpan(table uint32) (start, end []byte) {
	start = rowPrefix(nil, table)
	if table == ^uint32(0) {
		// No id follows the largest; every key of the last table sorts before 's'.
		return start, []byte{prefixRow + 1}
	}
	return start, rowPrefix(nil, table+1)
}

func tableKey(id uint32) []byte {
	k := append(make([]byte, 0, tableKeyLength), prefixCatalog, catalogTable)
	return binary.BigEndian.AppendUint32(k, id)
}

func autoIncKey(id uint32) []byte {
	k := append(make([]byte, 0, tableKeyLength), prefixCatalog, catalogAutoInc)
	return binary.BigEndian.AppendUint32(k, id)
}

func viewKey(name string) []byte {
	k := append(make([]byte, 0, 2+len(name)), prefixCatalog, catalogView)
	return append(k, name...)
}

func databaseKey(name string) []byte {
	k := append(make([]byte, 0, 2+len(name)), prefixCatalog, catalogDatabase)
	return append(k, strings.ToLower(name)...)
}

// viewValue is a registered query's record: its SQL, after its database and a zero byte
// when that is not the default one (SQL text never starts with a zero byte).
func viewValue(dst []byte, db, sql string) []byte {
	if db != "" {
		dst = append(append(append(dst, 0), db...), 0)
	}
	return append(dst, sql...)
}

// dialectViewValue is the record of a view written in another dialect than the engine's
// own: 1, the dialect's name, 0, the database, 0, the SQL. (A viewValue starts with 0 or
// with the SQL's first character, never 1.)
func dialectViewValue(dst []byte, dialect, db, sql string) []byte {
	dst = append(append(append(dst, 1), dialect...), 0)
	return append(append(append(dst, db...), 0), sql...)
}

// parseViewValue reads a viewValue or a dialectViewValue ("" dialect for the former).
func parseViewValue(v []byte) (dialect, db, sql string, err error) {
	if len(v) > 0 && v[0] == 1 {
		parts := strings.SplitN(string(v[1:]), "\x00", 3)
		if len(parts) != 3 {
			return "", "", "", fmt.Errorf("malformed view record %q", v)
		}
		return parts[0], parts[1], parts[2], nil
	}
	db, sql, err = parseEngineViewValue(v)
	return "", db, sql, err
}

// parseEngineViewValue reads a viewValue.
func parseEngineViewValue(v []byte) (db, sql string, err error) {
	if len(v) == 0 || v[0] != 0 {
		return "", string(v), nil
	}
	end := -1
	for i := 1; i < len(v); i++ {
		if v[i] == 0 {
			end = i
			break
		}
	}
	if end < 0 {
		return "", "", fmt.Errorf("malformed view record %q", v)
	}
	return string(v[1:end]), string(v[end+1:]), nil
}

func sqlViewKey(name string) []byte {
	k := append(make([]byte, 0, 2+len(name)), prefixCatalog, catalogSQLView)
	return append(k, strings.ToLower(name)...)
}

// parseTableKey returns the id in a catalog table key.
func parseTableKey(k []byte) (uint32, error) {
	if len(k) != tableKeyLength || k[0] != prefixCatalog || k[1] != catalogTable {
		return 0, fmt.Errorf("malformed table key %q", k)
	}
	return binary.BigEndian.Uint32(k[2:]), nil
}

// splitRowKey returns the primary-key bytes of a row key of the given table.
func splitRowKey(k []byte, table uint32) ([]byte, error) {
	if len(k) < rowPrefixLength || k[0] != prefixRow || binary.BigEndian.Uint32(k[1:]) != table {
		return nil, fmt.Errorf("key %q is not a row of table %d", k, table)
	}
	return k[rowPrefixLength:], nil
}
