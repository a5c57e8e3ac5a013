#!/usr/bin/env bash
# Runs Weir's checks: go vet, then every package's tests with the race detector. Tests that
# need MariaDB start a private server from the installed binaries; without them those tests
# skip locally and fail under CI=true.
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

echo "--- go vet ./..."
go vet ./...

echo "--- go test -race ./..."
# The timeout is a backstop for a hung test, far above the few minutes a run takes on two
# cores; each package's own timeouts report a stuck case by name well before it.
go test -race -timeout 25m ./...
