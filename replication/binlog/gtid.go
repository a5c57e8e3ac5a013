package binlog

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
)

// gtidAt is the upstream's GTID state at a binlog position. MariaDB computes it
// (BINLOG_GTID_POS); MySQL cannot from a position alone, so the state starts empty and
// grows with the GTIDs the stream carries.
func (r *Replicator) gtidAt(conn *client.Conn, file string, pos uint32) (mysql.GTIDSet, error) {
	if r.up.flavor != mysql.MariaDBFlavor {
		return mysql.ParseMysqlGTIDSet("")
	}
	rows, err := queryStrings(conn, fmt.Sprintf("SELECT IFNULL(BINLOG_GTID_POS(%s, %d), '')", quoteString(file), pos))
	if err != nil {
		return nil, fmt.Errorf("binlog: the GTID position of %s:%d: %w", file, pos, err)
	}
	set, err := mysql.ParseMariadbGTIDSet(rows[0][0])
	if err != nil {
		return nil, fmt.Errorf("binlog: the GTID position of %s:%d is %q: %w", file, pos, rows[0][0], err)
	}
	return set, nil
}

// resumeGTIDs sets the GTID state of a stream resuming at a stored position.
func (r *Replicator) resumeGTIDs(conn *client.Conn, file string, pos uint32) error {
	r.gtidMu.Lock()
	known := r.gtids != nil
	r.gtidMu.Unlock()
	if known {
		return nil // this process applied up to here and kept the state
	}
	set, err := r.gtidAt(conn, file, pos)
	if err != nil {
		return err
	}
	r.setGTIDs(set)
	return nil
}

func (r *Replicator) setGTIDs(set mysql.GTIDSet) {
	r.gtidMu.Lock()
	defer r.gtidMu.Unlock()
	r.gtids = set
	close(r.gtidWake)
	r.gtidWake = make(chan struct{})
}

// addGTID records that the transaction with GTID g (MariaDB's domain-server-seq, MySQL's
// uuid:n) is applied.
func (r *Replicator) addGTID(g string) {
	if g == "" {
		return
	}
	r.gtidMu.Lock()
	defer r.gtidMu.Unlock()
	if r.gtids == nil {
		return
	}
	if err := r.gtids.Update(g); err != nil {
		r.log.Warn("binlog: an unreadable GTID in the stream")
		return
	}
	close(r.gtidWake)
	r.gtidWake = make(chan struct{})
}

func gtidString(s mysql.GTIDSet) string {
	if s == nil {
		return ""
	}
	return s.String()
}

// GTID returns the upstream GTID state the tables reflect: MariaDB's GTID position
// (domain-server-seq per domain, as @@gtid_binlog_pos shows it) or MySQL's executed GTID
// set; "" until known.
func (r *Replicator) GTID() string {
	r.gtidMu.Lock()
	defer r.gtidMu.Unlock()
	return gtidString(r.gtids)
}

// WaitForGTID blocks until the tables reflect the upstream transaction(s) named by gtid,
// and every view shows them, or ctx ends. gtid is in the upstream's own form: on MariaDB
// one or more domain-server-seq separated by commas (a session's @@last_gtid, or
// @@gtid_binlog_pos), a GTID counting as applied once its domain's sequence number is
// reached; on MySQL a GTID set (a session's tracked GTIDs, or @@gtid_executed). It is the
// wait a proxy makes before serving a session's read after its write from a cache.
func (r *Replicator) WaitForGTID(ctx context.Context, gtid string) error {
	gtid = strings.TrimSpace(gtid)
	if gtid == "" {
		return nil
	}
	want, err := mysql.ParseGTIDSet(r.up.flavor, gtid)
	if err != nil {
		return fmt.Errorf("binlog: GTID %q: %w", gtid, err)
	}
	for {
		r.gtidMu.Lock()
		done := r.gtids != nil && r.gtids.Contain(want)
		wake := r.gtidWake
		r.gtidMu.Unlock()
		if done {
			// The GTID's transaction is applied; waiting for the mirror's current
			// position makes its token visible in every view.
			return r.m.WaitForPosition(ctx, r.m.Position())
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("binlog: waiting for GTID %s (applied: %s): %w", gtid, r.GTID(), ctx.Err())
		}
	}
}
