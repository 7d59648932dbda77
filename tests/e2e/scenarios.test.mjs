// End-to-end tests of scenarios: share links, embed mode, damaged links, the library and presets.

import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, useBrowser, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 90_000;

describe('Scenarios in Chromium', () => {
  const env = useBrowser({ before, after });

  /** Opens `url` in a fresh browser context (its own storage) or in `opened`'s, and waits for the canvas. */
  async function open(url, opened = null) {
    const target = opened ?? (await openPage(env.browser));
    if (!opened) env.contexts.push(target.context);
    await target.page.goto(url, { waitUntil: 'load' });
    await target.page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    return target;
  }

  /** Runs to `time` with the Run to field and waits until the clock shows it. */
  async function runTo(page, time, ms) {
    await page.locator('#run-to').fill(time);
    await page.getByRole('button', { name: 'Go' }).click();
    await waitUntil(`the clock to reach ${time}`, async () =>
      Number(await page.locator('[data-testid=sim-clock]').getAttribute('data-ms')), (v) => v === ms);
  }

  const shardFigures = (page) =>
    page.getByRole('region', { name: 'Shards' }).getByRole('listitem').evaluateAll((items) => items.map((i) => i.textContent));
  const canvasLabels = (page) => page.locator('.canvas-node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label').split(':')[0]));

  test('a share link opens the same pipeline and replays the same run in a fresh browser', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await open(env.server.url);
    // Build something of our own: three shards, a faster producer, a different seed.
    await page.getByRole('button', { name: /^Data stream clickstream/ }).click();
    await page.getByRole('textbox', { name: 'Shards', exact: true }).fill('3');
    await page.getByRole('textbox', { name: 'Shards', exact: true }).press('Enter');
    await page.getByRole('button', { name: /^Producer web-shop/ }).click();
    await page.getByLabel('Rate', { exact: true }).fill('3500');
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    assert.match(link, /#s=\d+\./);
    assert.ok(link.length < 2000, `a typical scenario fits well under 2,000 characters (${link.length})`);
    assert.match(await page.getByTestId('share-length').textContent(), /characters/);
    await page.getByRole('button', { name: 'Close share' }).click();
    await runTo(page, '0:30', 30_000);
    const expectedShards = await shardFigures(page);
    const expectedNodes = await canvasLabels(page);
    assert.equal(expectedShards.length, 3);

    const other = await open(link);
    assert.deepEqual(await canvasLabels(other.page), expectedNodes);
    await runTo(other.page, '0:30', 30_000);
    assert.deepEqual(await shardFigures(other.page), expectedShards, 'the same metrics after the same simulated time');
    await screenshot(other.page, 'shared-link');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
    assert.deepEqual(other.problems.pageErrors, [], 'uncaught errors in the opened page');
  });

  test('a damaged link is explained, the page still opens, and saved work is untouched', { timeout: TEST_TIMEOUT_MS }, async () => {
    const opened = await open(env.server.url);
    const { page } = opened;
    await page.getByRole('button', { name: 'Add destination' }).click();
    // A destination runs in the full module: the first visit's lite module hands the workspace over to it.
    await waitUntil('four components, once the full module has taken over', () => canvasLabels(page), (labels) => labels.length === 4);
    const mine = await canvasLabels(page);
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByTestId('share-link').inputValue();

    // The same browser opens a cut-short link, then a hostile one: neither replaces the work above.
    await open(link.slice(0, link.length - 15), opened);
    const alert = page.locator('.stage [role=alert]');
    assert.match(await alert.textContent(), /The link did not open: This link is (cut short|damaged)/);
    assert.match(await alert.textContent(), /Your own work is open instead, unchanged\./);
    assert.deepEqual(await canvasLabels(page), mine);

    await open(env.server.url + '#s=1.<img src=x onerror=alert(1)>', opened);
    assert.match(await alert.textContent(), /damaged/);
    assert.equal(await page.locator('.stage img').count(), 0, 'link text is never markup');
    assert.deepEqual(await canvasLabels(page), mine);
    await open(env.server.url + '#s=9.AAAA', opened);
    assert.match(await alert.textContent(), /made by a newer version of Shardlab/);
    await screenshot(page, 'damaged-link');
    assert.deepEqual(opened.problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the embed mode is a compact read-only player', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await open(env.server.url + '#preset=hot-partition-key&embed');
    assert.equal(await page.getByRole('navigation', { name: 'Palette' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Share' }).count(), 0);
    assert.equal(await page.locator('.port').count(), 0, 'nothing to connect');
    assert.ok((await canvasLabels(page)).length > 0);
    await page.getByRole('button', { name: 'Play' }).click();
    await waitUntil('the clock to run', async () => Number(await page.locator('[data-testid=sim-clock]').getAttribute('data-ms')), (v) => v > 0);
    assert.match(await page.getByRole('link', { name: /Open in Shardlab/ }).getAttribute('href'), /#s=\d+\./);
    await screenshot(page, 'embed');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the library keeps, renames, duplicates and deletes with undo, across a reload', { timeout: TEST_TIMEOUT_MS }, async () => {
    const opened = await open(env.server.url);
    const { page } = opened;
    await page.getByRole('tab', { name: 'Presets' }).click();
    const presets = page.getByTestId('presets').getByRole('listitem');
    assert.ok((await presets.count()) >= 10, 'at least ten presets');
    await page.getByRole('button', { name: /^Open preset A hot partition key/ }).click();
    await page.getByRole('tab', { name: 'Library' }).click();
    await page.getByRole('button', { name: 'Save to library' }).click();
    const list = page.getByTestId('library').locator('.library-list li');
    await waitUntil('one saved scenario', () => list.count(), (n) => n === 1);
    await page.getByRole('button', { name: /^Duplicate / }).click();
    await waitUntil('two saved scenarios', () => list.count(), (n) => n === 2);
    await page.getByRole('button', { name: /^Rename .*\(copy\)$/ }).click();
    await page.getByRole('textbox', { name: 'New name' }).fill('<b>My copy</b>');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await waitUntil('the new name, shown as text', () => list.first().locator('.entry-name').textContent(), (t) => t === '<b>My copy</b>');
    await page.getByRole('button', { name: 'Delete <b>My copy</b>' }).click();
    await waitUntil('one left', () => list.count(), (n) => n === 1);
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await waitUntil('two again', () => list.count(), (n) => n === 2);

    // Autosave and the library survive a reload.
    const base = await canvasLabels(page);
    await page.getByRole('button', { name: 'Add Analytics' }).click();
    // Analytics runs in the full module: the first visit's lite module hands the workspace over to it.
    await waitUntil('the Analytics app beside the rest, once the full module has taken over', () => canvasLabels(page),
      (labels) => labels.length === base.length + 1 && base.every((l) => labels.includes(l)) && labels.includes('Analytics analytics-1'));
    const before = await canvasLabels(page);
    await open(env.server.url, opened);
    assert.deepEqual(await canvasLabels(page), before);
    // The library's panel is the full module's: the reloaded page shows it once the full module is there.
    await page.getByRole('tab', { name: 'Library' }).click();
    await waitUntil('both saved scenarios', () => list.count(), (n) => n === 2, 30_000);
    await screenshot(page, 'library');
    assert.deepEqual(opened.problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('Export writes a CloudFormation template that notes the limit this run hit', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await open(env.server.url);
    await page.getByRole('button', { name: /^Producer web-shop/ }).click();
    await page.getByLabel('Rate', { exact: true }).fill('3000');
    await runTo(page, '0:10', 10_000);
    await page.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CloudFormation template (.yaml)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.yaml$/);
    const template = await readFile(await download.path(), 'utf8');
    assert.match(template, /AWS::Kinesis::Stream/);
    assert.match(template, /ShardCount: 2/);
    // 3,000 records/s of 1 KiB against 2 shards: the note recommends more shards.
    assert.match(template, /# .*throttl/i);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });
});
