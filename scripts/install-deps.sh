#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Install the Debian packages of scripts/deps.txt that are missing.
# Usage: scripts/install-deps.sh GROUP...   (groups: build bench kmod)
set -eu
here=$(dirname "$0")
missing=""
for group in "$@"; do
	for pkg in $(awk -v g="$group" '$1 == g { print $2 }' "$here/deps.txt"); do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
				grep -q 'install ok installed'; then
			missing="$missing $pkg"
		fi
	done
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
