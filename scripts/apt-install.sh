#!/usr/bin/env bash
# Installs Debian packages for the test set-up scripts: apt-get, through sudo when not root. Fails loudly (the
# tests that need the packages fail, they never skip), naming the packages to install by hand.
# Usage: scripts/apt-install.sh WHO PACKAGE...
set -euo pipefail
who=$1
shift

if ! command -v apt-get >/dev/null 2>&1; then
  echo "$who: apt-get is not available; install $* (or equivalents) by hand" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "$who: installing $* needs root or sudo" >&2
    exit 1
  fi
  SUDO=(sudo -n)
fi

export DEBIAN_FRONTEND=noninteractive
${SUDO[@]+"${SUDO[@]}"} apt-get update -qq
${SUDO[@]+"${SUDO[@]}"} apt-get install -y -qq --no-install-recommends "$@"
