#!/usr/bin/env bash
# Builds deploy/helm/render, the test tool that renders the Helm chart as `helm template` does (test/helm-chart.test.ts
# runs it). Helm itself cannot be installed here, but its template engine can be rebuilt from Debian's Go packages:
# Go 1.19, sprig v3 and yaml.v3, compiled in GOPATH mode against the sources Debian puts in /usr/share/gocode.
# Installs what is missing with apt-get, then builds the renderer to node_modules/.cache/otelhub/helm-render (ignored
# by git; `npm ci` starts from an empty node_modules, so CI always rebuilds). A no-op when the binary is newer than
# main.go; fails loudly when it cannot install or build, because the chart test fails (it never skips) without it.
set -euo pipefail
cd "$(dirname "$0")/.."

GOPATH_DIR=/usr/share/gocode
SRC=deploy/helm/render
OUT=node_modules/.cache/otelhub/helm-render
PACKAGES=(golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev)

find_go() {
  command -v go 2>/dev/null && return 0
  for f in /usr/lib/go/bin/go /usr/local/go/bin/go; do
    if [ -x "$f" ]; then echo "$f"; return 0; fi
  done
  return 1
}

have_sources() {
  [ -d "$GOPATH_DIR/src/github.com/Masterminds/sprig" ] && [ -d "$GOPATH_DIR/src/gopkg.in/yaml.v3" ]
}

if ! go_bin=$(find_go) || ! have_sources; then
  scripts/apt-install.sh install-helm-render "${PACKAGES[@]}"
  if ! go_bin=$(find_go); then
    echo "install-helm-render: apt-get finished but no go executable was found" >&2
    exit 1
  fi
  if ! have_sources; then
    echo "install-helm-render: apt-get finished but the sprig or yaml.v3 sources are not under $GOPATH_DIR/src" >&2
    exit 1
  fi
fi

if [ -x "$OUT" ] && [ "$OUT" -nt "$SRC/main.go" ]; then
  echo "install-helm-render: $OUT is up to date"
  exit 0
fi

mkdir -p "$(dirname "$OUT")"
# GOCACHE must be writable: CI may run as a user whose home has no cache directory.
export GOCACHE="${GOCACHE:-$PWD/node_modules/.cache/otelhub/go-build}"
GO111MODULE=off GOPATH="$GOPATH_DIR" GOFLAGS= "$go_bin" build -o "$OUT" "./$SRC"
echo "install-helm-render: built $OUT with $("$go_bin" version)"
