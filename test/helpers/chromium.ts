// Debian's Chromium, driven headless through playwright-core (which installs no browser of its own). The browser
// tests fail, never skip, when it is missing: scripts/install-chromium.sh installs it (npm pretest runs it).
import { accessSync, constants } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.OTELHUB_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is required by the console's browser test and ${CHROMIUM} is not there: run scripts/install-chromium.sh (Debian/Ubuntu: apt-get install chromium), or set OTELHUB_CHROMIUM to a Chromium binary`,
    );
  }
  // No sandbox: CI containers run as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}
