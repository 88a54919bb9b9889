#!/usr/bin/env bash
# Installs the Prometheus server the prometheus_remote_write exporter's tests write to (Debian's `prometheus`
# package, 2.42, whose remote-write receiver a flag switches on). The package's own service is not used (Debian
# starts it on :9090 where systemd runs): each test starts its own server on a free port with a temporary TSDB.
set -euo pipefail
exec "$(dirname "$0")/ensure-package.sh" install-prometheus prometheus prometheus
