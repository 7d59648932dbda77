// End-to-end tests of the learner's saved work (web/src/storage.rs): the lite module keeps and restores the
// autosave and the library in forms it reads without JSON (a share link, and one line per library entry); the
// library's panel is the full module's; work an earlier Shardlab saved as JSON comes back through the full
// module, which rewrites it in the new form.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { TOUR_SEEN_KEY, openPage, useBrowser, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 90_000;
const OLDER_AUTOSAVE = 'shardlab.autosave.v1';
const OLDER_LIBRARY = 'shardlab.library.v1';
const AUTOSAVE = 'shardlab.autosave.v2';
const LIBRARY = 'shardlab.library.v2';

/** A scenario file as the earlier page's JSON autosave held it: a producer into a stream of `shards` shards. */
function scenarioJson(name, shards) {
  const nodes = [
    { id: 1, name: 'web', kind: { producer: { records_per_sec: 100 } } },
    { id: 2, name: 'clicks', kind: { data_stream: { shard_count: shards } } },
  ];
  return JSON.stringify({ format_version: 5, name, seed: 3, pipeline: { nodes, edges: [{ from: 1, to: 2 }] } }, null, 2);
}

describe('Saved work in Chromium', () => {
  const env = useBrowser({ before, after });
  const fullModuleFetched = (urls) => urls.filter((url) => /shardlab-full-[0-9a-f]+(_bg\.wasm|\.js)/.test(url));

  /** A page whose origin's storage holds exactly `items` (and the tour marked seen), before the app runs. */
  async function openWith(items) {
    // Without the service worker, so every fetch of the full module is seen.
    const opened = await openPage(env.browser, { serviceWorkers: 'block' });
    env.contexts.push(opened.context);
    const { page } = opened;
    const blank = `${env.server.url}seed-storage`;
    await page.route(blank, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>seed</title>' }));
    await page.goto(blank);
    await page.evaluate(({ items, tour }) => {
      localStorage.clear();
      localStorage.setItem(tour, '1');
      Object.entries(items).forEach(([key, value]) => localStorage.setItem(key, value));
    }, { items, tour: TOUR_SEEN_KEY });
    await page.unroute(blank);
    const urls = [];
    page.on('response', (response) => urls.push(response.url()));
    return { ...opened, urls };
  }

  const stored = (page, keys) => page.evaluate((keys) => Object.fromEntries(keys.map((k) => [k, localStorage.getItem(k)])), keys);
  const scenarioName = (page) => page.locator('.scenario-name').innerText();

  test('work saved as JSON by an earlier Shardlab comes back through the full module, rewritten', { timeout: TEST_TIMEOUT_MS }, async () => {
    const library = {
      entries: [
        { id: 2, name: 'Two "quoted" shards', saved_unix_ms: 1_700_000_000_000, scenario_json: scenarioJson('Saved two', 2) },
        { id: 1, name: 'One shard', saved_unix_ms: 1_690_000_000_000, scenario_json: scenarioJson('Saved one', 1) },
      ],
    };
    const { page, urls, problems } = await openWith({
      [OLDER_AUTOSAVE]: scenarioJson('Older autosave', 3),
      [OLDER_LIBRARY]: JSON.stringify(library),
    });
    await page.goto(env.server.url);
    // The lite page reads no JSON: it hands over to the full module, which opens the autosave.
    await page.locator('.scenario-name', { hasText: 'Older autosave' }).waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(fullModuleFetched(urls).length, 2, `the full module's JS and wasm: ${fullModuleFetched(urls)}`);
    await waitUntil("the autosaved stream's 3 shards", () => page.locator('[data-testid=shard]').count(), (n) => n === 3);

    // Rewritten in the new form, and the older keys removed once the new ones are written.
    const after = await stored(page, [OLDER_AUTOSAVE, OLDER_LIBRARY, AUTOSAVE, LIBRARY]);
    assert.equal(after[OLDER_AUTOSAVE], null);
    assert.equal(after[OLDER_LIBRARY], null);
    assert.match(after[AUTOSAVE], /^s=5\.[A-Za-z0-9_-]+$/);
    const lines = after[LIBRARY].split('\n');
    assert.equal(lines.length, 2, after[LIBRARY]);
    assert.match(lines[0], /^2\t1700000000000\tTwo "quoted" shards\ts=5\.[A-Za-z0-9_-]+$/);
    assert.match(lines[1], /^1\t1690000000000\tOne shard\ts=5\.[A-Za-z0-9_-]+$/);

    // The library lists both entries, and each opens.
    await page.getByRole('tab', { name: 'Library' }).click();
    const names = await page.locator('[data-testid=library] .entry-name').allInnerTexts();
    assert.deepEqual(names, ['Two "quoted" shards', 'One shard']);
    await page.getByRole('button', { name: 'Open One shard' }).click();
    await page.locator('.scenario-name', { hasText: 'Saved one' }).waitFor({ state: 'attached' });

    // The next visit is the lite module's alone: it reads the new forms itself.
    const next = await opened(page.context());
    await next.page.goto(env.server.url);
    await next.page.locator('.scenario-name', { hasText: 'Saved one' }).waitFor({ state: 'attached' });
    assert.deepEqual(fullModuleFetched(next.urls), [], 'the lite module opened the autosave itself');
    // The library's panel is the full module's: it lists the entries the lite page kept.
    await next.page.getByRole('tab', { name: 'Library' }).click();
    const listed = next.page.locator('[data-testid=library] .entry-name');
    await waitUntil('the library listed', () => listed.allInnerTexts(), (texts) => texts.length === 2, 30_000);
    assert.deepEqual(await listed.allInnerTexts(), names);
    await next.page.getByRole('button', { name: 'Open Two "quoted" shards' }).click();
    await next.page.locator('.scenario-name', { hasText: 'Saved two' }).waitFor({ state: 'attached' });
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a fresh lite page autosaves and restores without the full module; the library keeps what its panel saves', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, urls, problems } = await openWith({});
    await page.goto(`${env.server.url}#preset=hot-partition-key`);
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    const name = await scenarioName(page);
    const autosaved = await waitUntil('the autosave', async () => (await stored(page, [AUTOSAVE]))[AUTOSAVE],
      (text) => /^s=5\.[A-Za-z0-9_-]+$/.test(text ?? ''));
    const older = await stored(page, [OLDER_AUTOSAVE, OLDER_LIBRARY]);
    assert.deepEqual(older, { [OLDER_AUTOSAVE]: null, [OLDER_LIBRARY]: null });

    // A reload without the link opens the autosave, in the lite module alone.
    await page.goto(env.server.url);
    await page.locator('.scenario-name', { hasText: name }).waitFor({ state: 'attached' });
    assert.equal((await stored(page, [AUTOSAVE]))[AUTOSAVE], autosaved);
    assert.deepEqual(fullModuleFetched(urls), [], 'the lite module alone');

    // The library's panel is the full module's; what it saves, the next lite page keeps.
    await page.getByRole('tab', { name: 'Library' }).click();
    await page.getByLabel('Save as').fill('Mine\tand yours');
    await page.getByRole('button', { name: 'Save to library' }).click();
    await page.locator('[data-testid=library] .entry-name', { hasText: 'Mine' }).waitFor();
    assert.equal(fullModuleFetched(urls).length, 2, `the full module's JS and wasm: ${fullModuleFetched(urls)}`);
    const saved = await stored(page, [LIBRARY]);
    assert.match(saved[LIBRARY], /^1\t\d+\tMine\\tand yours\ts=5\.[A-Za-z0-9_-]+$/, 'a tab in a name is escaped');
    const next = await opened(page.context());
    await next.page.goto(env.server.url);
    await next.page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    assert.deepEqual(fullModuleFetched(next.urls), [], 'the next visit is the lite module alone');
    assert.equal((await stored(next.page, [LIBRARY]))[LIBRARY], saved[LIBRARY], 'the lite page keeps the library as it is');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a scenario file (JSON) imported in the lite page opens in the full module, which exports it again', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, urls, problems } = await openWith({});
    await page.goto(env.server.url);
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    await page.getByRole('tab', { name: 'Library' }).click();
    const file = { name: 'imported.json', mimeType: 'application/json', buffer: Buffer.from(scenarioJson('Imported file', 4)) };
    await page.getByLabel('Import scenario file').setInputFiles(file);
    await page.locator('.scenario-name', { hasText: 'Imported file' }).waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(fullModuleFetched(urls).length, 2, 'scenario files are read by the full module');
    await waitUntil("the imported stream's 4 shards", () => page.locator('[data-testid=shard]').count(), (n) => n === 4);
    await page.getByRole('tab', { name: 'Library' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export file (.json)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.json$/);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(exported.name, 'Imported file');
    assert.equal(exported.pipeline.nodes[1].kind.data_stream.shard_count, 4);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('while older saved work waits for the full module the lite page writes nothing; an edit made meanwhile is kept too', { timeout: TEST_TIMEOUT_MS }, async () => {
    const older = scenarioJson('Older autosave', 3);
    const { page, problems } = await openWith({ [OLDER_AUTOSAVE]: older });
    await page.route(/shardlab-full-/, (route) => route.abort('internetdisconnected'));
    await page.goto(env.server.url);
    const failed = page.getByRole('alert').filter({ hasText: 'could not load' });
    await failed.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await failed.innerText(), /your saved work.*Check the connection/s);
    // The lite page runs the first-minute scenario meanwhile; the learner changes it.
    const nodes = () => page.locator('.canvas-node').count();
    const before = await nodes();
    await page.getByRole('button', { name: 'Add Producer' }).click();
    await waitUntil('the added producer', nodes, (n) => n === before + 1);
    // (The library's panel, which says the saved work is kept in an older form, is the full module's.)
    const waiting = await stored(page, [OLDER_AUTOSAVE, AUTOSAVE, LIBRARY]);
    assert.deepEqual(waiting, { [OLDER_AUTOSAVE]: older, [AUTOSAVE]: null, [LIBRARY]: null }, 'nothing written over it');

    await page.unroute(/shardlab-full-/);
    await failed.getByRole('button', { name: 'Try again' }).click();
    // The full module opens the learner's edit and keeps the older autosave in the library.
    const library = await waitUntil('the older autosave in the library', async () => (await stored(page, [LIBRARY]))[LIBRARY],
      (text) => /\tOlder autosave \(autosaved\)\ts=5\./.test(text ?? ''), 30_000);
    assert.equal(library.split('\n').length, 1, library);
    assert.equal(await nodes(), before + 1, 'the edit made while loading is open');
    assert.equal((await stored(page, [OLDER_AUTOSAVE]))[OLDER_AUTOSAVE], null);
    await page.getByRole('tab', { name: 'Library' }).click();
    await page.getByRole('button', { name: 'Open Older autosave (autosaved)' }).click();
    await page.locator('.scenario-name', { hasText: 'Older autosave' }).waitFor({ state: 'attached' });
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  /** Another page in `context`, with its responses recorded. */
  async function opened(context) {
    const page = await context.newPage();
    const urls = [];
    page.on('response', (response) => urls.push(response.url()));
    return { page, urls };
  }
});
