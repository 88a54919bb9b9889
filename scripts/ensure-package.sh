#!/usr/bin/env bash
# Makes sure a program from a Debian package is installed, for the tests that run it (a real broker, a real
# Prometheus): a no-op when it is, else installs the package and checks again. Fails loudly, because those tests
# fail (they never skip) without it. Debian puts some servers in /usr/sbin, which is not on every user's PATH.
# Usage: scripts/ensure-package.sh WHO PROGRAM PACKAGE
set -euo pipefail
who=$1 program=$2 package=$3

find_program() {
  command -v "$program" 2>/dev/null && return 0
  for d in /usr/sbin /usr/local/sbin /usr/bin /usr/local/bin; do
    if [ -x "$d/$program" ]; then echo "$d/$program"; return 0; fi
  done
  return 1
}

if bin=$(find_program); then
  echo "$who: $bin is already installed"
  exit 0
fi
"$(dirname "$0")/apt-install.sh" "$who" "$package"
if ! bin=$(find_program); then
  echo "$who: apt-get finished but no $program executable was found" >&2
  exit 1
fi
echo "$who: installed $bin"
