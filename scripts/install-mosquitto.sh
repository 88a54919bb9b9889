#!/usr/bin/env bash
# Installs the Mosquitto broker the MQTT receiver's tests run against (Debian's `mosquitto` package, which also
# brings mosquitto_passwd). A no-op when it is already installed; fails loudly when it cannot install it, because
# the tests fail (they never skip) without a broker.
set -euo pipefail

# Debian puts the broker in /usr/sbin, which is not on every user's PATH (test/helpers/mosquitto.ts looks there too).
find_mosquitto() {
  command -v mosquitto 2>/dev/null && return 0
  for f in /usr/sbin/mosquitto /usr/local/sbin/mosquitto; do
    if [ -x "$f" ]; then echo "$f"; return 0; fi
  done
  return 1
}

if bin=$(find_mosquitto); then
  echo "install-mosquitto: $bin is already installed"
  exit 0
fi

# The package's service is not needed (each test starts its own broker on a free port); where systemd runs, it
# starts one on 1883 anyway, which the tests do not touch.
"$(dirname "$0")/apt-install.sh" install-mosquitto mosquitto

if ! bin=$(find_mosquitto); then
  echo "install-mosquitto: apt-get finished but no mosquitto executable was found" >&2
  exit 1
fi
echo "install-mosquitto: installed $bin"
