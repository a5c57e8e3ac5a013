package testserver

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// RequirePython returns a Python 3 interpreter that can import every module named: Debian's
// /usr/bin/python3 first (apt installs python3-sqlalchemy and the like for it, while a
// python3 earlier on PATH may be another installation without them), then python3 on PATH.
// Without one the test is skipped, naming the Debian packages to install (debs), or fails
// when CI=true.
func RequirePython(t testing.TB, debs []string, modules ...string) string {
	t.Helper()
	var tried []string
	for _, cand := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(cand)
		if err != nil {
			continue
		}
		script := "import " + strings.Join(modules, ", ")
		if out, err := exec.Command(path, "-c", script).CombinedOutput(); err != nil {
			tried = append(tried, fmt.Sprintf("%s: %s", path, strings.TrimSpace(string(out))))
			continue
		}
		return path
	}
	msg := fmt.Sprintf("testserver: no python3 can import %s (%s); install it with `apt-get install -y %s`",
		strings.Join(modules, ", "), strings.Join(tried, "; "), strings.Join(debs, " "))
	if ciEnabled() {
		t.Fatal(msg + " (CI=true: missing test programs are an error)")
		return ""
	}
	t.Skip(msg)
	return ""
}
