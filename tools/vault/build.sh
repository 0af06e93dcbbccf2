#!/usr/bin/env bash
# Builds HashiCorp Vault from the Go module proxy (once) for the end-to-end tests and prints the
# path of the cached binary on stdout; progress goes to stderr.
#
#   usage: tools/vault/build.sh          (cache: ${FEDERATE_CACHE:-$HOME/.cache/federate})
#
# Vault's go.mod replaces its sdk with an unreleased in-tree copy, which a dependent module cannot
# see; the released sdk v0.21.0 differs from what Vault v1.21.4 expects in exactly two signatures,
# so a private, patched copy of it is generated in a scratch directory under the cache (never in
# this repository).
set -euo pipefail

VAULT_VERSION=1.21.4
SDK_MODULE=github.com/hashicorp/vault/sdk
SDK_VERSION=v0.21.0

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${FEDERATE_CACHE:-$HOME/.cache/federate}
dir=$cache/vault-$VAULT_VERSION
bin=$dir/vault

log() { printf 'tools/vault/build.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ready reports whether $bin is a working Vault of the pinned version.
ready() { [[ -x $bin ]] && "$bin" version 2>/dev/null | grep -q "^Vault v$VAULT_VERSION\b"; }

if ready; then
	printf '%s\n' "$bin"
	exit 0
fi

mkdir -p "$dir"
# One build at a time: parallel test processes wait here for the first one's build.
exec 9>"$dir/.lock"
if command -v flock >/dev/null && ! flock -n 9; then
	log "another build is running; waiting for $dir/.lock"
	flock 9
fi
if ready; then
	printf '%s\n' "$bin"
	exit 0
fi

command -v go >/dev/null || die "go is not on PATH"
export GOWORK=off
# Keep the Go flags already configured (e.g. -buildvcs=false), whether from the environment or `go env -w`.
GOFLAGS="$(go env GOFLAGS) -mod=mod"
export GOFLAGS
export CGO_ENABLED=0

work=$dir/build
tmp=$dir/vault.tmp.$$
trap 'rm -f "$tmp"' EXIT
rm -rf "$work"
mkdir -p "$work"
cp "$here/go.mod" "$here/go.sum" "$work/"
cd "$work"

start=$SECONDS
log "copying $SDK_MODULE@$SDK_VERSION from the module cache into $work/sdk"
go mod download "$SDK_MODULE@$SDK_VERSION"
sdk_src=$(go list -m -f '{{.Dir}}' "$SDK_MODULE@$SDK_VERSION")
[[ -n $sdk_src && -f $sdk_src/go.mod ]] || die "cannot find $SDK_MODULE@$SDK_VERSION in the module cache"
cp -R "$sdk_src" sdk
chmod -R u+w sdk

# Patch 1: Vault v1.21.4 assigns and calls Backend.ActivationFunc without the third string argument.
perl -0777 -pi -e '
	$n = s{^(\s*ActivationFunc func\(context\.Context, \*logical\.Request), string\) error$}{$1) error}mg;
	END { die "patch 1 (framework.Backend.ActivationFunc) did not apply\n" unless $n == 1 }
' sdk/framework/backend.go

# Patch 2: Vault v1.21.4 expects RestorePolicy to return the restored key's name as well, i.e.
# `name` after the optional rename from the backup; every error return gets an empty name.
perl -0777 -pi -e '
	$n = s{^(func \(lm \*LockManager\) RestorePolicy\([^\n]*\)) error \{\n(.*?)^\}\n}{
		my ($sig, $body) = ($1, $2);
		$body =~ s/^(\s*)return nil$/$1return name, nil/mg == 1 or die "patch 2: expected one `return nil`\n";
		$body =~ s/^(\s*)return (?!name, nil$)(.+)$/$1return "", $2/mg or die "patch 2: no error returns\n";
		"$sig (string, error) {\n$body}\n"
	}mse;
	END { die "patch 2 (keysutil.(*LockManager).RestorePolicy) did not apply\n" unless $n == 1 }
' sdk/helper/keysutil/lock_manager.go
unformatted=$(gofmt -l sdk/framework/backend.go sdk/helper/keysutil/lock_manager.go)
[[ -z $unformatted ]] || die "patched sdk files are not gofmt-clean: $unformatted"

go mod edit -replace "$SDK_MODULE=./sdk"

log "downloading the modules Vault needs (about 4 GB on a fresh machine)"
go list -deps github.com/hashicorp/vault >/dev/null
download=$((SECONDS - start))
log "sources ready in ${download}s"

start=$SECONDS
log "compiling vault v$VAULT_VERSION (10-15 min on 2 cores the first time)"
nice -n 10 go build -trimpath -ldflags "-s -w" -o "$tmp" github.com/hashicorp/vault
compile=$((SECONDS - start))
"$tmp" version >/dev/null || die "the built binary does not run"
mv -f "$tmp" "$bin"
rm -rf "$work"
log "built in ${compile}s: $bin ($(du -h "$bin" | cut -f1))"
ready || die "$bin does not report Vault v$VAULT_VERSION"
printf '%s\n' "$bin"
