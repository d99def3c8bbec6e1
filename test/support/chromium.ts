/**
 * Headless Chromium for report tests (Debian package `chromium`, installed by .ci/run when absent),
 * driven with puppeteer-core. Missing browser: skip with a hint — except under CI, where it fails.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** The executable, or null (skip) when absent outside CI; throws under CI. */
export function requireChromium(): string | null {
  const p = chromiumPath();
  if (p) return p;
  if (process.env.CI) throw new Error('chromium is not installed but CI is set: install the Debian package `chromium` (bash .ci/run does)');
  console.warn('skipping browser test: install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH');
  return null;
}
