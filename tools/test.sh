#!/usr/bin/env bash
# The test command (`make test`): gets this machine ready (tools/setup.sh:
# packages, Vault) and runs every test, the server-backed ones included.
# The timeout is go test's own, raised from its 10-minute default because
# the container and load tests take minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/setup.sh
source tools/setup.sh
go test -race -shuffle=on -count=1 -timeout 45m ./...
