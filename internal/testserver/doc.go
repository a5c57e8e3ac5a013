// Package testserver starts private database servers for tests: each test gets its own server
// process, data directory and loopback port, started from the binaries installed on the
// machine and stopped when the test ends. Benchmarks that compare Weir with a database start
// theirs the same way when given no URL (NewPostgres, without a test).
//
// It owns locating those binaries and the rule for when they are missing: a local run skips
// the test with a message naming the package to install, a run with CI=true fails it, so CI
// can never pass by silently skipping the tests that matter. It must never touch a server it
// did not start, a system-wide data directory, or a fixed port.
package testserver
