package binlog

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
)

// settings are what the start-up check learned about the upstream.
type settings struct {
	serverID   uint32
	serverUUID string // MySQL only
	binlogBase string
	logs       []string // the binary logs the upstream still has, oldest first
}

func (s *settings) hasLog(name string) bool { return slices.Contains(s.logs, name) }

// SettingError is an upstream setting or privilege that keeps Weir from following the
// binary log, and what to change.
type SettingError struct {
	Setting, Have, Fix string
}

func (e *SettingError) Error() string {
	if e.Have == "" {
		return fmt.Sprintf("binlog: the upstream's %s: %s", e.Setting, e.Fix)
	}
	return fmt.Sprintf("binlog: the upstream's %s is %s: %s", e.Setting, e.Have, e.Fix)
}

// check verifies the upstream can be followed: binary logging on, in row format with full
// row images, a server id for Weir that collides with no one, and the privileges the copy
// and the stream need. Every failure says what to change.
func (r *Replicator) check(conn *client.Conn) (*settings, error) {
	rows, err := queryStrings(conn, "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id, @@version")
	if err != nil {
		return nil, fmt.Errorf("binlog: reading the upstream's settings: %w", err)
	}
	v := rows[0]
	version := v[4]
	isMaria := strings.Contains(strings.ToLower(version), "mariadb")
	switch {
	case isMaria && r.up.flavor != mysql.MariaDBFlavor:
		return nil, fatal{Err: &SettingError{Setting: "version", Have: version, Fix: "it is MariaDB, whose binary log and GTIDs differ from MySQL's: name it with mariadb:// instead of mysql://"}}
	case !isMaria && r.up.flavor == mysql.MariaDBFlavor:
		return nil, fatal{Err: &SettingError{Setting: "version", Have: version, Fix: "it is MySQL, not MariaDB: name it with mysql:// instead of mariadb://"}}
	}
	if v[0] != "1" {
		return nil, fatal{Err: &SettingError{Setting: "log_bin", Have: "OFF", Fix: "Weir follows the binary log: start the server with log_bin (log-bin=mysql-bin in the [mysqld] section of its configuration) and restart it"}}
	}
	if !strings.EqualFold(v[1], "ROW") {
		return nil, fatal{Err: &SettingError{Setting: "binlog_format", Have: v[1], Fix: "Weir reads the rows each statement changed, which only the ROW format logs: set binlog_format=ROW in the server's configuration (and SET GLOBAL binlog_format=ROW; sessions already open keep the old format until they reconnect)"}}
	}
	if !strings.EqualFold(v[2], "FULL") {
		return nil, fatal{Err: &SettingError{Setting: "binlog_row_image", Have: v[2], Fix: "with MINIMAL or NOBLOB an update or delete logs only the primary key and the columns it changed, so Weir cannot rebuild the rows its caches hold: set binlog_row_image=FULL in the server's configuration (and SET GLOBAL binlog_row_image=FULL)"}}
	}
	id, err := strconv.ParseUint(v[3], 10, 32)
	if err != nil {
		return nil, fmt.Errorf("binlog: the upstream's server_id %q: %w", v[3], err)
	}
	s := &settings{serverID: uint32(id)}
	if id == 0 {
		return nil, fatal{Err: &SettingError{Setting: "server_id", Have: "0", Fix: "a server with server_id 0 refuses replicas: give it a server_id of its own in its configuration"}}
	}
	if uint32(id) == r.cfg.ServerID {
		return nil, fatal{Err: &SettingError{Setting: "server_id", Have: v[3], Fix: fmt.Sprintf("Weir's --server-id is the same, and a replica needs an id of its own: give Weir another --server-id")}}
	}
	if r.up.flavor == mysql.MySQLFlavor {
		if u, err := queryStrings(conn, "SELECT @@server_uuid"); err == nil && len(u) == 1 {
			s.serverUUID = u[0][0]
		}
	}
	if err := r.checkGrants(conn); err != nil {
		return nil, err
	}
	// Other replicas registered under Weir's id would have their stream cut (the server
	// keeps one dump thread per id). An earlier connection of this Weir's own registers
	// under its replicaHost.
	if hosts, err := queryStrings(conn, "SHOW SLAVE HOSTS"); err == nil {
		for _, h := range hosts {
			if len(h) >= 2 && h[0] == strconv.FormatUint(uint64(r.cfg.ServerID), 10) && h[1] != r.host {
				return nil, fatal{Err: &SettingError{Setting: "replicas", Have: fmt.Sprintf("a replica on host %s with server_id %s", h[1], h[0]), Fix: "it uses Weir's --server-id, and the upstream would cut one of the two streams: give Weir another --server-id"}}
			}
		}
	}
	logs, err := queryStrings(conn, "SHOW BINARY LOGS")
	if err != nil {
		return nil, privilegeOr(err, "REPLICATION CLIENT (MariaDB: BINLOG MONITOR)", "to list the binary logs")
	}
	for _, l := range logs {
		s.logs = append(s.logs, l[0])
	}
	if len(s.logs) == 0 {
		return nil, fatal{Err: &SettingError{Setting: "binary logs", Have: "none", Fix: "SHOW BINARY LOGS lists no file: enable log_bin"}}
	}
	last := s.logs[len(s.logs)-1]
	dot := strings.LastIndexByte(last, '.')
	if dot < 0 {
		return nil, fmt.Errorf("binlog: the upstream's binary log %q has no numbered extension", last)
	}
	s.binlogBase = last[:dot]
	return s, nil
}

var grantLine = regexp.MustCompile(`(?i)^GRANT (.+) ON (\S+) TO `)

// checkGrants reads SHOW GRANTS for the privileges the copy and the stream need on *.* and
// on the database: REPLICATION SLAVE, REPLICATION CLIENT (BINLOG MONITOR in MariaDB 10.5
// and later) and SELECT; on MySQL also RELOAD (FLUSH TABLES WITH READ LOCK).
func (r *Replicator) checkGrants(conn *client.Conn) error {
	rows, err := queryStrings(conn, "SHOW GRANTS FOR CURRENT_USER()")
	if err != nil {
		return fmt.Errorf("binlog: reading the upstream user's privileges: %w", err)
	}
	global, onDB := map[string]bool{}, map[string]bool{}
	dbObj := strings.ToLower("`" + r.up.db + "`.*")
	for _, row := range rows {
		m := grantLine.FindStringSubmatch(row[0])
		if m == nil {
			continue
		}
		var into map[string]bool
		switch obj := strings.ToLower(m[2]); obj {
		case "*.*":
			into = global
		case dbObj, strings.Trim(dbObj, "`"):
			into = onDB
		default:
			continue
		}
		for _, p := range strings.Split(m[1], ",") {
			into[strings.ToUpper(strings.TrimSpace(p))] = true
		}
	}
	has := func(p string, scopes ...map[string]bool) bool {
		for _, s := range scopes {
			if s[p] || s["ALL PRIVILEGES"] || s["ALL"] {
				return true
			}
		}
		return false
	}
	var missing []string
	if !has("REPLICATION SLAVE", global) && !has("REPLICATION REPLICA", global) {
		missing = append(missing, "REPLICATION SLAVE")
	}
	if !has("REPLICATION CLIENT", global) && !has("BINLOG MONITOR", global) && !has("SUPER", global) {
		missing = append(missing, "REPLICATION CLIENT")
	}
	if !has("SELECT", global, onDB) {
		missing = append(missing, "SELECT")
	}
	if r.up.flavor == mysql.MySQLFlavor && !has("RELOAD", global) {
		missing = append(missing, "RELOAD")
	}
	if len(missing) > 0 {
		return fatal{Err: &SettingError{Setting: "user " + r.up.user, Fix: fmt.Sprintf("it lacks %s, which Weir needs to copy the tables and follow the binary log: GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO the user (SELECT may be on %s.* alone)", strings.Join(missing, ", "), r.up.db)}}
	}
	return nil
}

// privilegeOr turns an access-denied error into a fatal one naming the privilege.
func privilegeOr(err error, privilege, what string) error {
	var me *mysql.MyError
	if errors.As(err, &me) && (me.Code == 1227 || me.Code == 1044 || me.Code == 1045 || me.Code == 1142) {
		return fatal{Err: &SettingError{Setting: "privileges", Fix: fmt.Sprintf("Weir needs %s %s: %s", privilege, what, me.Message)}}
	}
	return err
}

// encodePosition packs a binlog position into the mirror's uint64: the file's number in
// the high 32 bits and the offset in the low ones, so later positions compare greater.
func encodePosition(file string, pos uint32) (uint64, error) {
	dot := strings.LastIndexByte(file, '.')
	if dot < 0 {
		return 0, fmt.Errorf("binlog: binary log %q has no numbered extension", file)
	}
	n, err := strconv.ParseUint(file[dot+1:], 10, 32)
	if err != nil {
		return 0, fmt.Errorf("binlog: binary log %q: %w", file, err)
	}
	return n<<32 | uint64(pos), nil
}

// decodePosition is encodePosition's inverse, given the binlog's base name.
func decodePosition(base string, p uint64) (string, uint32) {
	return fmt.Sprintf("%s.%06d", base, p>>32), uint32(p)
}

// PositionString renders a mirror position as file:offset, given the binlog's base name.
func PositionString(base string, p uint64) string {
	f, o := decodePosition(base, p)
	return fmt.Sprintf("%s:%d", f, o)
}
