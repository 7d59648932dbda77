// End-to-end tests of embedding (docs/embed.md): the Share panel's snippet, and examples/embed.html served
// beside dist/ driving one of its two players through postMessage, with hostile messages ignored and the
// visitor's saved work untouched.

import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, launchChromium, openPage, screenshot, serveDist, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 90_000;
const EXAMPLE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'embed.html');

describe('Embedding in Chromium', () => {
  const env = { browser: null, server: null, root: null, contexts: [] };
  before(async () => {
    // A host's site: the article in examples/, the built player in dist/ beside it.
    env.root = await mkdtemp(path.join(os.tmpdir(), 'shardlab-embed-'));
    await writeFile(path.join(env.root, 'index.html'), '<!DOCTYPE html><title>host</title>\n');
    await symlink(DIST, path.join(env.root, 'dist'));
    await mkdir(path.join(env.root, 'examples'));
    await cp(EXAMPLE, path.join(env.root, 'examples', 'embed.html'));
    env.server = await serveDist(env.root);
    env.browser = await launchChromium();
  });
  after(async () => {
    for (const context of env.contexts) await context.close().catch(() => {});
    await env.browser?.close();
    await env.server?.close();
    await rm(env.root, { recursive: true, force: true });
  });

  async function fresh() {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    return opened;
  }

  test('the Share panel writes an embed snippet with the chosen options', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await fresh();
    await page.goto(`${env.server.url}dist/`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByText('Embed in a page').click();
    const snippet = page.getByTestId('embed-snippet');
    assert.match(await snippet.inputValue(), /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/sub\/path\/dist\/\?embed#s=\d+\.[^"&]+" width="720" height="480" title="Shardlab: [^"]+" loading="lazy" style="border:0"><\/iframe>$/);
    await page.getByLabel('Embed width').fill('640');
    await page.getByLabel('Embed start time').fill('30');
    await page.getByLabel('Embed speed').selectOption({ label: '10×' });
    await page.getByLabel('Autoplay').check();
    const chosen = await snippet.inputValue();
    assert.match(chosen, /#s=\d+\.[^"&]+&amp;t=30&amp;speed=10&amp;autoplay" width="640" height="480"/);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('examples/embed.html drives one player from the article; hostile messages change nothing', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await fresh();
    // The visitor's own work on this origin, which no embedded player may read or write.
    await page.goto(env.server.url, { waitUntil: 'load' });
    const saved = {
      'shardlab.library.v1': '{"entries":[],"marker":"mine"}',
      'shardlab.autosave.v1': '{"marker":"mine"}',
      'shardlab.library.v2': '1\t5\tmine\ts=5.mine',
      'shardlab.autosave.v2': 's=5.mine',
    };
    await page.evaluate((items) => Object.entries(items).forEach(([k, v]) => localStorage.setItem(k, v)), saved);

    await page.goto(`${env.server.url}examples/embed.html`, { waitUntil: 'load' });
    const player = page.frameLocator('#hot-key');
    await player.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    const state = page.locator('#state');
    const reported = async () => ({ ...(await state.evaluate((el) => ({ ...el.dataset }))) });
    await waitUntil('the first state message', reported, (s) => s.timeMs === '0' && s.playing === 'false');

    await page.getByRole('button', { name: 'Play' }).click();
    await waitUntil('the player to play', reported, (s) => s.playing === 'true' && Number(s.timeMs) > 0);
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitUntil('the player to pause', reported, (s) => s.playing === 'false');

    await page.getByRole('button', { name: 'Jump to 0:30' }).click();
    const at30 = await waitUntil('the seek to 0:30', reported, (s) => s.timeMs === '30000' && s.playing === 'false');
    // 60 % of 2,000 records/s on one key is 1,200 records/s into one shard, over its 1,000.
    assert.ok(Number(at30.throttled) > 0, `the hot shard is throttled at 0:30: ${JSON.stringify(at30)}`);
    assert.equal(Number(await player.locator('[data-testid=sim-clock]').getAttribute('data-ms')), 30_000);
    await page.locator('#speed').selectOption('10');
    await waitUntil('the speed', reported, (s) => s.speed === '10');

    // Hostile or foreign messages: other versions, unknown types, extra fields, wrong types, markup, size.
    await page.evaluate(() => {
      const target = document.getElementById('hot-key').contentWindow;
      const base = { protocol: 'shardlab-embed', version: 1 };
      for (const message of [
        { ...base, version: 2, type: 'play' },
        { ...base, type: 'eval', code: 'parent.document.title = "owned"' },
        { ...base, type: 'play', html: '<img src=x onerror="parent.document.title=1">' },
        { ...base, type: 'seek', at_ms: '0' },
        { ...base, type: 'seek', at_ms: -1 },
        { ...base, type: 'seek', at_ms: 1e15 },
        { ...base, type: 'set-speed', speed: 1e9 },
        { ...base, type: 'play', padding: 'x'.repeat(100_000) },
        '<script>alert(1)</script>',
        ['play'],
        null,
      ]) {
        target.postMessage(message, '*');
      }
      target.postMessage({ ...base, type: 'get-state' }, '*');
    });
    await page.waitForTimeout(500);
    const after = await reported();
    assert.deepEqual({ timeMs: after.timeMs, playing: after.playing, speed: after.speed },
      { timeMs: '30000', playing: 'false', speed: '10' }, 'nothing but get-state was obeyed');
    assert.equal(await page.title(), 'Hot partition keys, explained with two live Shardlab players');
    assert.equal(await player.locator('img').count(), 0, 'no markup from a message');

    // The second player plays on its own (autoplay in its link).
    await page.locator('#batching').scrollIntoViewIfNeeded();
    const second = page.frameLocator('#batching');
    await waitUntil('the second player to autoplay',
      async () => Number(await second.locator('[data-testid=sim-clock]').getAttribute('data-ms').catch(() => '0')), (ms) => ms > 0);
    await screenshot(page, 'embed-article');

    const stored = await page.evaluate((keys) => keys.map((k) => localStorage.getItem(k)), Object.keys(saved));
    assert.deepEqual(stored, Object.values(saved), 'the players never touched the saved work');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });
});
