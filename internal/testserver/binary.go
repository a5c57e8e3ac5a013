package testserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// packages names the Debian package that provides each binary Weir's tests run, so that the
// skip message tells the reader exactly what to install.
var packages = map[string]string{
	"mariadbd":           "mariadb-server",
	"mysqld":             "mariadb-server",
	"mariadb-install-db": "mariadb-server",
	"mysql_install_db":   "mariadb-server",
	"mariadb":            "mariadb-client",
	"mysql":              "mariadb-client",
	"redis-server":       "redis-server",
	"redis-cli":          "redis-tools",
	"redis-benchmark":    "redis-tools",
	"pg_config":          "postgresql-server-dev-all or libpq-dev",
	"initdb":             "postgresql",
	"postgres":           "postgresql",
	"pg_ctl":             "postgresql",
	"pgbench":            "postgresql",
	"pg_isready":         "postgresql-client",
	"psql":               "postgresql-client",
}

// extraDirs are searched after PATH: Debian puts server daemons in sbin directories that a
// non-root PATH often lacks.
var extraDirs = []string{"/usr/sbin", "/usr/local/sbin", "/sbin"}

// ciEnabled reports whether missing binaries must fail tests instead of skipping them.
func ciEnabled() bool { return os.Getenv("CI") == "true" }

// LookBinary finds an executable by name on PATH, then in the sbin directories, then (for
// PostgreSQL's server programs, which Debian keeps off PATH) in the directory that
// `pg_config --bindir` names.
func LookBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range extraDirs {
		if p, ok := executable(filepath.Join(dir, name)); ok {
			return p, nil
		}
	}
	if dir, err := postgresBinDir(); err == nil {
		if p, ok := executable(filepath.Join(dir, name)); ok {
			return p, nil
		}
	}
	return "", fmt.Errorf("testserver: %s: %w", name, exec.ErrNotFound)
}

func executable(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", false
	}
	return path, true
}

func postgresBinDir() (string, error) {
	pgConfig, err := exec.LookPath("pg_config")
	if err != nil {
		return "", err
	}
	out, err := exec.Command(pgConfig, "--bindir").Output()
	if err != nil {
		return "", fmt.Errorf("testserver: pg_config --bindir: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", errors.New("testserver: pg_config --bindir printed nothing")
	}
	return dir, nil
}

// RequireBinary returns the path of the named executable. When it is missing the test is
// skipped with a message saying which package to install, or fails when CI=true.
func RequireBinary(t testing.TB, name string) string {
	t.Helper()
	p, err := LookBinary(name)
	if err == nil {
		return p
	}
	missing(t, name)
	return ""
}

// RequireAnyBinary is RequireBinary for a program known under several names (MariaDB's
// mariadbd was mysqld in older packages); the first one found wins.
func RequireAnyBinary(t testing.TB, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := LookBinary(n); err == nil {
			return p
		}
	}
	if len(names) == 0 {
		t.Fatal("testserver: RequireAnyBinary needs at least one name")
		return ""
	}
	missing(t, names[0])
	return ""
}

func missing(t testing.TB, name string) {
	t.Helper()
	msg := fmt.Sprintf("testserver: %s not found on PATH or in %v", name, extraDirs)
	if pkg, ok := packages[name]; ok {
		msg += fmt.Sprintf("; install it with `apt-get install -y %s`", pkg)
	}
	if ciEnabled() {
		t.Fatal(msg + " (CI=true: missing test binaries are an error)")
		return
	}
	t.Skip(msg)
}
