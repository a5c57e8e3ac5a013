package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/weirdb/weir/internal/testserver"
)

// TestSQLAlchemy runs testdata/sqlalchemy_app.py, a bookshop on SQLAlchemy 1.4's ORM over
// PyMySQL (Debian's python3-sqlalchemy and python3-pymysql), against MariaDB and against
// Weir's server, and compares what the application saw on each.
func TestSQLAlchemy(t *testing.T) {
	python := testserver.RequirePython(t, []string{"python3-sqlalchemy", "python3-pymysql"}, "sqlalchemy", "pymysql")
	m := testserver.StartMariaDB(t)
	cfg, err := mysql.ParseDSN(m.CreateDatabase(t, "sqlalchemy_app"))
	if err != nil {
		t.Fatal(err)
	}
	mariaSaw := runSQLAlchemy(t, python, "mysql+pymysql://root@"+cfg.Addr+"/"+cfg.DBName+"?charset=utf8mb4")
	_, addr := startServer(t)
	weirSaw := runSQLAlchemy(t, python, "mysql+pymysql://root@"+addr+"/weir?charset=utf8mb4")
	compareSaw(t, weirSaw, mariaSaw)
}

func runSQLAlchemy(t *testing.T, python, url string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
	defer cancel()
	script, err := filepath.Abs(filepath.Join("testdata", "sqlalchemy_app.py"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, python, script)
	cmd.Env = append(os.Environ(), "WEIR_TEST_URL="+url, "PYTHONDONTWRITEBYTECODE=1")
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sqlalchemy_app.py against %s: %v\n%s", url, err, stderr.Bytes())
	}
	var saw map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &saw); err != nil {
		t.Fatalf("sqlalchemy_app.py printed no JSON object: %v\n%s", err, stdout.Bytes())
	}
	return saw
}

// compareSaw reports every step where the application saw something on Weir that it did not
// see on MariaDB.
func compareSaw(t *testing.T, weirSaw, mariaSaw map[string]any) {
	t.Helper()
	for _, k := range sortedKeys(mariaSaw) {
		if !reflect.DeepEqual(weirSaw[k], mariaSaw[k]) {
			t.Errorf("%s:\n     Weir: %s\n  MariaDB: %s", k, compact(weirSaw[k]), compact(mariaSaw[k]))
		}
	}
	for k := range weirSaw {
		if _, ok := mariaSaw[k]; !ok {
			t.Errorf("%s: only Weir's run has it: %s", k, compact(weirSaw[k]))
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
