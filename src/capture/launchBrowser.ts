// One way to start Chromium for simq: headless, with simq's flags, and without playwright's own
// signal handlers (they would kill the browser and exit the process on Ctrl-C before simq can mark
// the run incomplete and keep what finished).
import type { Browser } from 'playwright-core';
import { chromeArgs } from '../tools/chrome.js';

export async function launchBrowser(executablePath: string, fakeCaptureY4m: string | undefined, timeoutMs: number): Promise<Browser> {
  // Loaded on use: playwright-core takes half a second to import, which `simq plan` should not pay.
  const { chromium } = await import('playwright-core');
  const args = chromeArgs(fakeCaptureY4m ?? '').filter((a) => fakeCaptureY4m !== undefined || !a.startsWith('--use-file-for-fake'));
  return chromium.launch({
    executablePath,
    headless: true,
    args,
    timeout: timeoutMs,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}
