// Package listencheck holds the rule every Weir listener applies before it accepts a
// connection: a cache of an application's data is not open to the network by default, so an
// address other than loopback needs every user to have a password. It only checks; it never
// listens.
package listencheck

import (
	"errors"
	"fmt"
	"net"
)

// ErrInsecure is the error of an address other than loopback while some user has no
// password.
var ErrInsecure = errors.New("weir: refusing to listen on a non-loopback address without a password")

// Check refuses addr when it is not loopback and some user of users has no password (no
// users at all counts as one without). what names the listener in the error ("MySQL",
// "RESP").
func Check(what, addr string, users map[string]string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("weir: %s listen address %q: %w", what, addr, err)
	}
	if IsLoopback(host) {
		return nil
	}
	if len(users) == 0 {
		return fmt.Errorf("%w: %s %s (give users passwords, or listen on 127.0.0.1)", ErrInsecure, what, addr)
	}
	for user, pass := range users {
		if pass == "" {
			return fmt.Errorf("%w: %s %s (user %s has no password)", ErrInsecure, what, addr, user)
		}
	}
	return nil
}

// IsLoopback reports whether a listen address's host is this machine only (localhost or a
// loopback IP).
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
