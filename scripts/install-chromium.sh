#!/usr/bin/env bash
# Installs the Chromium the console extension's browser test drives (Debian's `chromium` package, run headless
# through the playwright-core devDependency, which installs no browser of its own). The test fails, naming this
# script, when /usr/bin/chromium is missing.
set -euo pipefail
exec "$(dirname "$0")/ensure-package.sh" install-chromium chromium chromium
