#!/usr/bin/env bash
# Sourced by tools/test.sh and .ci/run: makes this machine ready for the
# whole test suite, whether it is new or not, and exports what the tests
# read (PATH, FEDERATE_VAULT). Each step is quick when already done.
#
#   source tools/setup.sh
#
# - moto_server (moto 5.2.1 under pyenv's Python 3.11) is the real STS the
#   end-to-end tests start; it cannot be installed from here, so its absence
#   is a loud failure, never a skip.
# - Debian packages: buildah, podman and runc build and run the action's
#   image the way the runner does; busybox-static stands in for the builder
#   image's shell; strace shows which CA files the binary opens in the
#   image; shellcheck lints our scripts (and, through actionlint,
#   every workflow run: step); slapd and ldap-utils are the real LDAP server
#   Vault's ldap login is tested against.
# - Vault: built once from the Go module proxy (tools/vault/build.sh; 10-20
#   minutes on a new machine) and cached outside the repository.

# Go and moto_server wherever they are commonly installed (pyenv, /usr/local/go).
PATH="$HOME/.pyenv/shims:$HOME/.pyenv/bin:/usr/local/go/bin:$PATH"
PATH="$(go env GOPATH)/bin:$PATH"
export PATH

if ! command -v moto_server >/dev/null 2>&1; then
	echo "::error title=moto_server missing::moto_server is not on PATH; install moto[server]==5.2.1 (pyenv Python 3.11)" >&2
	return 1
fi
echo "moto_server: $(command -v moto_server)" >&2

federate_missing=()
for federate_tool in buildah:buildah podman:podman runc:runc busybox:busybox-static strace:strace shellcheck:shellcheck slapd:slapd ldapsearch:ldap-utils; do
	PATH="$PATH:/usr/sbin" command -v "${federate_tool%%:*}" >/dev/null || federate_missing+=("${federate_tool##*:}")
done
if [ ${#federate_missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "::error title=packages missing::install ${federate_missing[*]} (Debian packages), or run this as root" >&2
		return 1
	fi
	echo "installing ${federate_missing[*]}" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${federate_missing[@]}" >/dev/null
fi
unset federate_missing federate_tool

echo "== vault (a new machine builds it once: 10-20 minutes)" >&2
FEDERATE_VAULT=$(bash "$(dirname "${BASH_SOURCE[0]}")/vault/build.sh")
export FEDERATE_VAULT
"$FEDERATE_VAULT" version >&2
