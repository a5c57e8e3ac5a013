//go:build unix

package testserver

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// serverUser is the account PostgreSQL runs as when it is not the current one.
type serverUser = syscall.Credential

// postgresUser is the account to run PostgreSQL as: nil, the current user, except under
// root, which PostgreSQL refuses, where it is the postgres user that Debian's package
// creates.
func postgresUser() (*serverUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("testserver: running as root needs the postgres user to run PostgreSQL as: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("testserver: postgres user has ids %q/%q", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (p *Postgres) attr() *syscall.SysProcAttr {
	a := childAttr()
	a.Credential = p.cred
	return a
}
