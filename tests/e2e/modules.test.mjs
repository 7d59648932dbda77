// End-to-end tests of the two modules (web/src/modules.rs): the first visit runs the lite module only; the
// first use of something it leaves out (the API console, the course, the record browser, the timeline's form,
// the cost estimate, the library's panel, the embed snippet) fetches the full module, which takes the workspace over at the same simulated time and computes the same
// run; a failed fetch is explained, with a way to try again.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { clockMs, openPage, useBrowser, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 90_000;
/** A pipeline of Kinesis Data Streams only (the lite page draws it) in which one shard throttles. */
const PRESET = 'hot-partition-key';
/** Simulated seconds stepped before the switch. */
const STEPS = 12;

describe('The lite and full modules in Chromium', () => {
  const env = useBrowser({ before, after });

  /** The page on `hash`, with every response's URL recorded. */
  async function open(hash) {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const urls = [];
    opened.page.on('response', (response) => urls.push(response.url()));
    await opened.page.goto(`${env.server.url}${hash}`);
    await opened.page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    return { ...opened, urls };
  }

  const fullModuleFetched = (urls) => urls.filter((url) => /shardlab-full-[0-9a-f]+(_bg\.wasm|\.js)/.test(url));

  /** What the page shows of the run: each shard's card, each consumer's card and the event log. */
  async function runFigures(page) {
    await page.getByRole('tab', { name: 'Event log' }).click();
    return {
      shards: await page.locator('[data-testid=shard]').allInnerTexts(),
      consumers: await page.locator('[data-testid=consumer]').allInnerTexts(),
      log: await page.locator('[data-testid=event-log]').innerText(),
    };
  }

  test('the first visit runs the lite module; the API console brings the full one at the same run', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, urls, problems } = await open(`#preset=${PRESET}`);
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 0; i < STEPS; i += 1) {
      await step.click();
    }
    await waitUntil('the steps to run', () => clockMs(page), (ms) => ms === STEPS * 1_000);
    const lite = await runFigures(page);
    assert.ok(lite.shards.length >= 2, `the stream's shards are drawn: ${lite.shards.length}`);
    assert.match(lite.shards.join('\n'), /[1-9][\d,]* rejected in all/, 'the hot shard throttled');
    assert.deepEqual(fullModuleFetched(urls), [], 'the lite page runs a Kinesis Data Streams pipeline alone');

    await page.getByRole('tab', { name: 'API console' }).click();
    // The full module takes over: the console is there, and the run is replayed to the same simulated time.
    await page.locator('[data-testid=api-history]').waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(fullModuleFetched(urls).length, 2, `the full module's JS and wasm: ${fullModuleFetched(urls)}`);
    await waitUntil('the full module to reach the same time', () => clockMs(page), (ms) => ms === STEPS * 1_000, 30_000);
    assert.equal(await page.getByRole('tab', { name: 'API console' }).getAttribute('aria-selected'), 'true');
    const full = await runFigures(page);
    // The same engine code in both modules: the same scenario gives the same run, figure for figure.
    assert.deepEqual(full, lite);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the Records tab brings the full module, which reads the records of the same run', { timeout: TEST_TIMEOUT_MS }, async () => {
    // The default scenario: 500 records/s over two shards.
    const { page, urls, problems } = await open('');
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 0; i < 2; i += 1) {
      await step.click();
    }
    await waitUntil('the steps to run', () => clockMs(page), (ms) => ms === 2_000);
    // The shard log is closed in the lite page too (opening it hands over as well).
    await page.getByRole('button', { name: /Show the shard log/ }).waitFor({ state: 'attached' });
    assert.deepEqual(fullModuleFetched(urls), [], 'the first minute needs no record browser');

    await page.getByRole('tab', { name: 'Records' }).click();
    await page.locator('button[aria-label="Read records"]').waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(fullModuleFetched(urls).length, 2, `the full module's JS and wasm: ${fullModuleFetched(urls)}`);
    await waitUntil('the full module to reach the same time', () => clockMs(page), (ms) => ms === 2_000, 30_000);
    assert.equal(await page.getByRole('tab', { name: 'Records' }).getAttribute('aria-selected'), 'true');
    await page.locator('select[aria-label="Shard iterator type"]').selectOption('TRIM_HORIZON');
    await page.locator('button[aria-label="Read records"]').click();
    // About 500 records per shard in 2 s: the first page is a full 25 (the browser's GetRecords Limit).
    const rows = page.locator('[data-testid=browse-records] tbody tr');
    await waitUntil('a page of records', () => rows.count(), (n) => n === 25);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test("the timeline's + Add change brings the full module, which opens the form at the playhead", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, urls, problems } = await open('');
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 0; i < 3; i += 1) {
      await step.click();
    }
    await waitUntil('the steps to run', () => clockMs(page), (ms) => ms === 3_000);
    const timeline = page.getByRole('region', { name: 'Timeline of scheduled changes' });
    await timeline.getByRole('button', { name: '+ Add change' }).click();
    const form = timeline.getByRole('form', { name: 'Add a change' });
    await form.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(fullModuleFetched(urls).length, 2, `the full module's JS and wasm: ${fullModuleFetched(urls)}`);
    // A new change at the playhead, 3 s, as the lite page asked.
    assert.equal(await form.getByLabel('At', { exact: true }).inputValue(), '3s');
    assert.equal(await clockMs(page), 3_000);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the Cost tab says what is loading, then the full module shows the cost of the same run', { timeout: TEST_TIMEOUT_MS }, async () => {
    // Without the service worker, which would serve the full module from its cache past `page.route`.
    const opened = await openPage(env.browser, { serviceWorkers: 'block' });
    env.contexts.push(opened.context);
    const { page, problems } = opened;
    const urls = [];
    page.on('response', (response) => urls.push(response.url()));
    // The full module's files wait until the lite page's Loading state has been seen.
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    await page.route(/shardlab-full-/, async (route) => { await released; await route.continue(); });
    await page.goto(env.server.url);
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    const step = page.getByRole('button', { name: 'Step', exact: true });
    for (let i = 0; i < 3; i += 1) {
      await step.click();
    }
    await waitUntil('the steps to run', () => clockMs(page), (ms) => ms === 3_000);
    assert.deepEqual(fullModuleFetched(urls), [], 'the first minute needs no cost estimate');

    await page.getByRole('tab', { name: 'Cost' }).click();
    const loading = page.getByRole('status').filter({ hasText: 'Loading the cost estimate' });
    await loading.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.locator('[data-testid=cost]').count(), 0, 'the lite page has no cost meter');
    release();
    const table = page.locator('[data-testid=cost] table');
    await waitUntil('the cost lines', () => table.textContent().catch(() => ''), (t) => t.includes('Shard hours'), 30_000);
    assert.equal(fullModuleFetched(urls).length, 2, `the full module's JS and wasm: ${fullModuleFetched(urls)}`);
    await waitUntil('the full module to reach the same time', () => clockMs(page), (ms) => ms === 3_000, 30_000);
    assert.equal(await page.getByRole('tab', { name: 'Cost' }).getAttribute('aria-selected'), 'true');
    // `docs/aws-behaviour.md` §7: provisioned streams pay shard-hours and PUT payload units.
    assert.match(await table.textContent(), /PUT payload units/);
    assert.match(await page.locator('[data-testid=cost-total]').textContent(), /^\$0\.\d{6} so far$/);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a pipeline the lite page does not draw opens in the full module', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, urls } = await open('#preset=firehose-buffering-s3');
    // The Firehose panel is the full module's.
    await page.locator('.stage-tabs button.firehose, .stage-panel[data-panel^="firehose"]').first().waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(fullModuleFetched(urls).length, 2);
  });

  test('a link of an older format is handed, as it is, to the full module, which converts it', { timeout: TEST_TIMEOUT_MS }, async () => {
    // A format 1 link (the scenario crate's fixture): the lite module converts only the current format.
    const link = (await readFile(new URL('../../crates/scenario/tests/fixtures/v1.link', import.meta.url), 'utf8')).trim();
    assert.match(link, /^s=1\./);
    // Without the service worker, which would serve the full module from its cache past `page.route`.
    const opened = await openPage(env.browser, { serviceWorkers: 'block' });
    env.contexts.push(opened.context);
    const { page, problems } = opened;
    await page.route(/shardlab-full-/, (route) => route.abort('internetdisconnected'));
    await page.goto(`${env.server.url}#${link}`);
    // The lite page says what it waits for: the link's format, not its pipeline's panels.
    const failed = page.getByRole('alert').filter({ hasText: 'could not load' });
    await failed.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await failed.innerText(), /this link's older format/);
    await page.unroute(/shardlab-full-/);
    await failed.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.scenario-name', { hasText: 'Fixture v1' }).waitFor({ state: 'attached', timeout: 30_000 });
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a full module that cannot be fetched is explained, and Try again loads it', { timeout: TEST_TIMEOUT_MS }, async () => {
    // Without the service worker, which would serve the full module from its cache past `page.route`.
    const opened = await openPage(env.browser, { serviceWorkers: 'block' });
    env.contexts.push(opened.context);
    const { page } = opened;
    await page.route(/shardlab-full-/, (route) => route.abort('internetdisconnected'));
    await page.goto(env.server.url);
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    await page.getByRole('tab', { name: 'Course' }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'could not load' });
    await failed.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await failed.innerText(), /the course.*Check the connection/s);
    // The lite page is still there and still runs.
    await page.getByRole('button', { name: 'Play' }).click();
    await waitUntil('the clock to run', () => clockMs(page), (ms) => ms > 0);
    await page.unroute(/shardlab-full-/);
    await failed.getByRole('button', { name: 'Try again' }).click();
    await page.locator('[data-testid=course]').first().waitFor({ state: 'attached', timeout: 30_000 });
  });
});
