#!/usr/bin/env bash
# Installs the Mosquitto broker the MQTT receiver's tests run against (Debian's `mosquitto` package, which also
# brings mosquitto_passwd). The package's service is not needed (each test starts its own broker on a free port);
# where systemd runs, it starts one on 1883 anyway, which the tests do not touch.
set -euo pipefail
exec "$(dirname "$0")/ensure-package.sh" install-mosquitto mosquitto mosquitto
