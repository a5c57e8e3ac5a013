package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/weirdb/weir/internal/testserver"
)

// sequelizeVersion is the Sequelize release the test installs, with mysql2 as its driver.
const sequelizeVersion = "6.37.8"

// TestSequelize runs testdata/sequelize_app.js, a project tracker on Sequelize over mysql2,
// against MariaDB and against Weir's server, and compares what the application saw on each.
// Like TestNodeMySQL2 it needs node, npm and the registry, and skips without them.
func TestSequelize(t *testing.T) {
	node, dir := nodeProject(t, "sequelize_app.js", "sequelize@"+sequelizeVersion, "mysql2@"+mysql2Version)

	m := testserver.StartMariaDB(t)
	cfg, err := mysql.ParseDSN(m.CreateDatabase(t, "sequelize_app"))
	if err != nil {
		t.Fatal(err)
	}
	mariaSaw := runSequelize(t, node, dir, cfg.Addr, cfg.DBName)
	_, addr := startServer(t)
	weirSaw := runSequelize(t, node, dir, addr, "weir")
	compareSaw(t, weirSaw, mariaSaw)
}

func runSequelize(t *testing.T, node, dir, addr, database string) map[string]any {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sequelize_app.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MYSQL_HOST="+host, "MYSQL_PORT="+port, "MYSQL_DATABASE="+database)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sequelize app against %s: %v\n%s", addr, err, stderr.Bytes())
	}
	var saw map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &saw); err != nil {
		t.Fatalf("sequelize app printed no JSON object: %v\n%s", err, stdout.Bytes())
	}
	return saw
}
