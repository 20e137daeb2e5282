// End-to-end test of the decoder page in Chromium, driven by playwright-core.
//
//   node web/e2e/e2e.mjs URL CAPTURE OUTDIR FILTER EXPECTED_FRAMES_JSON
//
// Opens the page, loads CAPTURE through the file picker, types an invalid then a valid display
// filter, checks the listed frames are EXPECTED (computed natively by the caller), selects the
// first one, opens the tree down to `sctp.data_tsn_raw`, checks the highlighted bytes are the TSN's,
// clicks a byte and checks the field it selects covers it, reloads and checks the filter, the
// list and the selected frame came back (from the URL and IndexedDB), and saves a screenshot.
// Prints one JSON line; exits 1 with the reason on the first failed check.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, capture, outdir, filter, expectedJson] = process.argv.slice(2);
const expected = JSON.parse(expectedJson);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dissect-web-')), {
  executablePath,
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
  viewport: { width: 1400, height: 900 },
});
const result = {};
let page;
try {
  page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const ready = () => page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });

  await page.goto(url);
  await ready();
  // Open the capture with the file picker.
  await page.setInputFiles('#file', capture);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && /frames/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
  // Rows arrive from the worker a page at a time after the pass: wait for them.
  await page.waitForSelector('#rows .row', { timeout: 20000 });
  const allRows = await page.$$eval('#rows .row', (rs) => rs.length);
  check(allRows > 0, 'rows are listed after opening');
  result.status = await page.textContent('#status');

  // An invalid filter is flagged as you type, with a message naming the position.
  await page.fill('#filter', filter + ' &&');
  await page.waitForSelector('#filter.invalid', { timeout: 10000 });
  const err = await page.textContent('#filter-error');
  check(err.length > 0, 'an invalid filter shows an error');
  result.filter_error = err;
  await page.fill('#filter', filter);
  await page.waitForSelector('#filter.valid', { timeout: 10000 });
  await page.press('#filter', 'Enter');
  await page.waitForFunction((n) => document.body.dataset.ready === 'true' && window.dissectState.shown === n, expected.length, { timeout: 60000 });
  await page.waitForFunction((n) => document.querySelectorAll('#rows .row').length >= Math.min(n, 5), expected.length);
  const listed = await page.$$eval('#rows .row', (rs) => rs.map((r) => Number(r.dataset.frame)));
  check(JSON.stringify(listed) === JSON.stringify(expected.slice(0, listed.length)), `listed frames ${listed} are the expected ${expected}`);
  result.listed = listed.length;

  // Select the first frame; open the sctp layer and its DATA chunk; select the absolute TSN.
  await page.click(`#rows .row[data-frame="${expected[0]}"]`);
  await page.waitForSelector('#tree li[data-field="sctp"]');
  const tsn = await page.$('#tree li[data-field="sctp.data_tsn_raw"]');
  check(tsn, "the tree has sctp.data_tsn_raw");
  await page.evaluate(() => {
    const li = document.querySelector('#tree li[data-field="sctp.data_tsn_raw"]');
    for (let p = li.parentElement.closest('li'); p; p = p.parentElement.closest('li')) {
      if (p.classList.contains('collapsed')) p.querySelector(':scope > .twisty').click();
    }
  });
  await page.click('#tree li[data-field="sctp.data_tsn_raw"] > .label');
  const title = await page.getAttribute('#tree li[data-field="sctp.data_tsn_raw"] > .label', 'title');
  const value = Number(title.split('== ')[1]);
  const want = value.toString(16).padStart(8, '0').match(/../g);
  const hl = await page.$$eval('#hex .x.hl', (s) => s.map((e) => e.textContent));
  check(JSON.stringify(hl) === JSON.stringify(want), `highlighted bytes ${hl} are TSN ${value} (${want})`);
  result.tsn = value;

  // Clicking a byte selects the narrowest field over it: byte 14 is the IPv4 header's first.
  await page.click('#hex .x[data-i="14"]');
  const sel = await page.$eval('#tree .label.selected', (l) => l.parentElement.dataset.field);
  check(sel.startsWith('ip.'), `byte 14 selects an ip field, not ${sel}`);
  result.byte_select = sel;

  // Reload: the URL and the stored file bring the view back.
  const before = page.url();
  check(before.includes('frame=') && before.includes('filter='), `the URL carries filter and frame: ${before}`);
  await page.reload();
  await page.waitForFunction((n) => document.body.dataset.ready === 'true' && window.dissectState.shown === n, expected.length, { timeout: 60000 });
  await page.waitForSelector('#rows .row.selected', { timeout: 20000 });
  check((await page.inputValue('#filter')) === filter, 'the filter box is restored');
  const selected = await page.$eval('#rows .row.selected', (r) => Number(r.dataset.frame));
  check(selected === expected[0], `frame ${expected[0]} is selected again, not ${selected}`);
  await page.waitForSelector('#tree li[data-field="sctp"]');
  result.restored = true;

  await page.screenshot({ path: join(outdir, 'screenshot.png') });
  check(errors.length === 0, `no page errors: ${errors.join(' | ')}`);
  result.ok = true;
  console.log(JSON.stringify(result));
} catch (e) {
  if (page) await page.screenshot({ path: join(outdir, 'failure.png') }).catch(() => {});
  console.log(JSON.stringify({ ...result, ok: false, error: String(e.message || e) }));
  process.exitCode = 1;
} finally {
  await context.close();
}
