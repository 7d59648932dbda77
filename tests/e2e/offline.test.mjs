// End-to-end tests of the service worker (web/sw.js): after one visit the page, a share link, the course and
// the library work with the network off, and a new deployment is offered, never forced. And the course, which
// is fetched as data, says so when it cannot be fetched and loads on Retry.
// Each test serves its own copy of dist/ (so one can be "redeployed") and stops serving it to go offline.

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, TIMEOUT_MS, clockMs, launchChromium, openPage, serveDist, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 90_000;

describe('Offline in Chromium', () => {
  const env = { browser: null, servers: [], contexts: [], copies: [] };
  before(async () => {
    env.browser = await launchChromium();
  });
  after(async () => {
    for (const context of env.contexts) await context.close().catch(() => {});
    await env.browser?.close();
    for (const server of env.servers) await server.close().catch(() => {});
    for (const copy of env.copies) await rm(copy, { recursive: true, force: true });
  });

  /** A copy of dist/ served on its own port, and a fresh browser context on it. */
  async function deploy() {
    const root = await mkdtemp(path.join(os.tmpdir(), 'shardlab-offline-'));
    env.copies.push(root);
    await cp(DIST, root, { recursive: true });
    const server = await serveDist(root);
    env.servers.push(server);
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    return { root, server, ...opened };
  }

  /** Opens the page and waits until the service worker controls it with this deployment's files kept. */
  async function firstVisit(page, url) {
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    await waitUntil(
      'the service worker to control the page',
      () => page.evaluate(() => navigator.serviceWorker.ready.then(() => Boolean(navigator.serviceWorker.controller))),
      (controlled) => controlled,
    );
    return page.evaluate(() => caches.keys());
  }


  test('after one visit, the page, a share link, the course and the library work offline', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { server, context, page, problems } = await deploy();
    const cachesKept = await firstVisit(page, server.url);
    assert.equal(cachesKept.filter((k) => k.startsWith('shardlab-')).length, 1, `one cache per deployment: ${cachesKept}`);
    // Something of the learner's own in the library, and a share link of another pipeline.
    await page.getByRole('tab', { name: 'Library' }).click();
    await page.getByRole('textbox', { name: 'Save as' }).fill('Kept offline');
    await page.getByRole('button', { name: 'Save to library' }).click();
    await page.getByRole('button', { name: /^Data stream clickstream/ }).click();
    await page.getByRole('textbox', { name: 'Shards', exact: true }).fill('3');
    await page.getByRole('textbox', { name: 'Shards', exact: true }).press('Enter');
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    await page.getByRole('button', { name: 'Close share' }).click();

    // The network goes away: the browser is offline and the server is gone.
    await context.setOffline(true);
    await server.close();
    const probe = await page.evaluate(() => fetch(`./not-kept-${Date.now()}.txt`).then(() => 'answered', () => 'failed'));
    assert.equal(probe, 'failed', 'nothing outside the kept files can be fetched');

    await page.reload({ waitUntil: 'load' });
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Play' }).click();
    await waitUntil('the clock to run offline', () => clockMs(page), (ms) => ms > 0);
    await page.getByRole('button', { name: 'Pause' }).click();

    await page.goto(link, { waitUntil: 'load' });
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    const shards = page.getByRole('region', { name: 'Shards' }).getByRole('listitem');
    await waitUntil('the shared pipeline', () => shards.count(), (n) => n === 3);

    await page.getByRole('tab', { name: 'Course' }).click();
    const outline = page.getByTestId('course');
    await waitUntil('the course outline offline', () => outline.textContent().catch(() => ''), (t) => t.includes('Shards and their limits'));

    await page.getByRole('tab', { name: 'Library' }).click();
    await waitUntil('the library offline', () => page.getByTestId('library').textContent(), (t) => t.includes('Kept offline'));
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a new deployment is offered while the run goes on, and taken only on Reload', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { root, server, page, problems } = await deploy();
    const [before] = await firstVisit(page, server.url);
    await page.getByRole('button', { name: 'Play' }).click();
    await waitUntil('the clock to run', () => clockMs(page), (ms) => ms > 0);

    // Deploy again: the same files with a new deployment id in sw.js, as `cargo xtask dist` writes it.
    const worker = path.join(root, 'sw.js');
    const source = await readFile(worker, 'utf8');
    assert.match(source, /const BUILD = '[0-9a-f]{16}';/, 'cargo xtask dist wrote the deployment id');
    await writeFile(worker, source.replace(/const BUILD = '[0-9a-f]{16}';/, "const BUILD = 'feedfacefeedface';"));
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));

    const offer = page.locator('.update-offer');
    await offer.waitFor();
    assert.match(await offer.textContent(), /A new version is ready/);
    // Not forced: the page is the same page, and its run goes on.
    const running = await clockMs(page);
    await waitUntil('the run to go on under the offer', () => clockMs(page), (ms) => ms > running);
    // The new deployment waits beside the old one, which still serves the page.
    assert.ok((await page.evaluate(() => caches.keys())).includes(before), 'the old deployment is kept');
    assert.ok(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => Boolean(r.waiting))), 'the new one waits');

    await offer.getByRole('button', { name: 'Reload' }).click();
    await waitUntil('the new deployment to take over', () => page.evaluate(() => caches.keys()).catch(() => []),
      (keys) => keys.length === 1 && keys[0] === 'shardlab-feedfacefeedface');
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    assert.equal(await page.locator('.update-offer').count(), 0);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a course that cannot be fetched says why, and Retry loads it', { timeout: TEST_TIMEOUT_MS }, async () => {
    const server = await serveDist();
    env.servers.push(server);
    // No service worker here, so the page's own requests are the ones refused.
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
    env.contexts.push(context);
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.route('**/lessons/**', (route) => route.abort('internetdisconnected'));
    await page.goto(server.url, { waitUntil: 'load' });
    await page.getByRole('tab', { name: 'Course' }).click();
    const error = page.getByTestId('course-error');
    await error.waitFor();
    assert.match(await error.textContent(), /^The course could not be loaded: lessons\/\S+\.json could not be fetched/);
    assert.equal(await page.getByTestId('course').count(), 0);

    await page.unroute('**/lessons/**');
    await page.getByRole('button', { name: 'Retry' }).click();
    const outline = page.getByTestId('course');
    await waitUntil('the outline after Retry', () => outline.textContent().catch(() => ''), (t) => t.includes('Shards and their limits'));
    assert.equal(await error.count(), 0);
    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  });
});
