#!/usr/bin/env bash
# Runs Weir's checks: go vet, then every package's tests with the race detector. Tests that
# need MariaDB start a private server from the installed binaries; without them those tests
# skip locally and fail under CI=true.
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

# On a fresh machine, install the servers the tests start privately, when we may.
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "--- installing mariadb-server (needed by the conformance tests)"
		DEBIAN_FRONTEND=noninteractive apt-get update
		DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server mariadb-client
	else
		echo "note: MariaDB is not installed; conformance tests will skip (apt-get install mariadb-server)" >&2
	fi
fi

# SQLAlchemy and PyMySQL for the ORM test, from Debian's packages, likewise.
if ! /usr/bin/python3 -c 'import sqlalchemy, pymysql, psycopg2' >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "--- installing python3-sqlalchemy, python3-pymysql and python3-psycopg2 (needed by the ORM and PostgreSQL-protocol tests)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y python3-sqlalchemy python3-pymysql python3-psycopg2
	else
		echo "note: SQLAlchemy, PyMySQL or psycopg2 is not installed; the ORM and psycopg2 tests will skip (apt-get install python3-sqlalchemy python3-pymysql python3-psycopg2)" >&2
	fi
fi

echo "--- go vet ./..."
go vet ./...

echo "--- GOOS=darwin go build ./..."
GOOS=darwin go build ./...

echo "--- GOOS=windows go build ./..."
GOOS=windows go build ./...

echo "--- go test -tags invariants ./dataflow ./internal/difftest ./internal/scenario"
# Once more with the expensive self-checks on (package internal/invariants): no delta for a
# hole leaves a partial state, and sampled reads equal the query recomputed from scratch.
go test -tags invariants -timeout 15m ./dataflow ./internal/difftest ./internal/scenario

echo "--- go test -race ./..."
# The timeout is a backstop for a hung test, far above the few minutes a run takes on two
# cores; each package's own timeouts report a stuck case by name well before it.
go test -race -timeout 25m ./...
