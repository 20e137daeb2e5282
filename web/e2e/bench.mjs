// Time to load and list a capture in the page (headless Chromium): from choosing the file to the
// end of the indexing pass, the packet list filled. A benchmark, run by web/bench.sh; not a test.
//
//   node web/e2e/bench.mjs URL CAPTURE
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, capture] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dissect-web-bench-')), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  const t0 = Date.now();
  await page.setInputFiles('#file', capture);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && /frames/.test(document.getElementById('status').textContent) && !/reading/.test(document.getElementById('status').textContent), null, { timeout: 600000, polling: 100 });
  const ms = Date.now() - t0;
  const status = await page.textContent('#status');
  const frames = Number((status.match(/(\d+) frames/) || [])[1]);
  console.log(JSON.stringify({ ms, frames, status }));
} finally {
  await context.close();
}
