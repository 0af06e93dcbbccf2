#!/usr/bin/env bash
# Builds the binaries a release attaches: static (CGO_ENABLED=0), stripped,
# without local paths, stamped with the version, for every OS and
# architecture below, named federate_<version>_<os>_<arch>[.exe], and
# SHA256SUMS over them. Prints each binary's size. release.yml attaches
# what it writes; .ci/run builds the same way and runs what it can.
#
#   bash tools/release/build.sh VERSION OUTDIR
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 VERSION OUTDIR" >&2
	exit 2
fi
version=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
cd "$(dirname "$0")/../.."

targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
names=()
for target in "${targets[@]}"; do
	os=${target%/*}
	arch=${target#*/}
	name="federate_${version}_${os}_${arch}"
	if [ "$os" = windows ]; then
		name+=.exe
	fi
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch \
		go build -trimpath -ldflags "-s -w -X main.version=${version}" -o "$out/$name" .
	wc -c <"$out/$name" | awk -v t="$target" -v n="$name" '{ printf "%-14s %5.1f MiB (%d bytes)  %s\n", t, $1 / 1048576, $1, n }'
	names+=("$name")
done
(cd "$out" && sha256sum "${names[@]}" >SHA256SUMS)
