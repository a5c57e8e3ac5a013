//go:build !unix

package testserver

import (
	"errors"
	"os"
	"syscall"
)

// serverUser would be the account PostgreSQL runs as when it is not the current one; only
// Linux starts the server as another user, so here it is never set.
type serverUser struct{ Uid, Gid uint32 }

// postgresUser is nil, the current user. PostgreSQL refuses to run as root, and only on
// Linux does the server switch to the postgres user instead, so root is refused here.
func postgresUser() (*serverUser, error) {
	if os.Geteuid() == 0 {
		return nil, errors.New("testserver: PostgreSQL refuses to run as root; only on Linux is it started as the postgres user instead")
	}
	return nil, nil
}

func (p *Postgres) attr() *syscall.SysProcAttr { return childAttr() }
