// Renders a report.html in headless Chromium and saves a PNG of one section (default: the temporal
// operating points), for a closing note's test artifacts. Starts a browser: run it under the
// machine's browser lock.
//   node test/helpers/screenshotReport.mjs <report.html> <out.png> [section-id]
// Prints what the page drew (window.__simqCharts) and any page error, as JSON.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
/* global window */

const [file, out, section = 'operating-points'] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: node test/helpers/screenshotReport.mjs <report.html> <out.png> [section-id]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load' });
  const charts = await page.evaluate(() => window.__simqCharts);
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  await page.locator(`#${section}`).screenshot({ path: out });
  const drawn = charts
    .filter((c) => c.id.startsWith(`${section}-`))
    .map((c) => ({ id: c.id, points: c.points, series: c.series.map((s) => `${s.label}:${s.points}`) }));
  console.log(
    JSON.stringify({ ready: await page.evaluate(() => window.__simqReady === true), errors, drawn }, null, 1),
  );
} finally {
  await browser.close();
}
