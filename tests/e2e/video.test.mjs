// End-to-end tests of Kinesis Video Streams in the page: a learner composes a camera, a video stream and an
// HLS viewer from the palette, plays it and reads the figures; a video stream refuses a Firehose with AWS's
// reason; the camera preset plays from the gallery, with its fragment timeline. Screenshots of the video panel
// go to tests/e2e/screenshots/ (and to SHARDLAB_SHOTS_DIR when set). Run with
// `node --test tests/e2e/video.test.mjs` after `cargo xtask dist`.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { clockMs, openPage, screenshot, useBrowser, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('Kinesis Video Streams in the page', () => {
  const env = useBrowser({ before, after });

  async function open({ width = 1440, height = 900, hash = '', theme = 'light' } = {}) {
    const opened = await openPage(env.browser, { viewport: { width, height }, colorScheme: theme });
    env.contexts.push(opened.context);
    await opened.page.goto(env.server.url + hash, { waitUntil: 'load' });
    await opened.page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    return opened;
  }


  /** Plays at 10x until the simulated clock reaches `ms`, then pauses. */
  async function playUntil(page, ms) {
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('100');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await waitUntil(`the clock to reach ${ms} ms`, () => clockMs(page), (t) => t >= ms, 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
  }

  /** Connects the selected component to the one named `name` from the inspector. */
  async function connectTo(page, name) {
    const select = page.getByRole('combobox', { name: 'Connect to' });
    const label = await select.locator('option', { hasText: name }).first().textContent();
    await select.selectOption({ label });
    return page.locator('.connect-row');
  }

  async function select(page, kindClass) {
    await page.locator(`.canvas-node.${kindClass}`).first().click();
    await page.locator('.inspector-panel').waitFor();
  }

  const figure = (page, name) => page.locator(`.video-panel [data-figure=${name}]`);
  const latencyMs = async (page, consumer) =>
    Number(await page.locator(`.video-panel .latency[data-consumer="${consumer}"]`).getAttribute('data-ms'));

  /** Saves the video panel at this size to tests/e2e/screenshots and, when set, SHARDLAB_SHOTS_DIR. */
  async function shoot(page, name) {
    await page.locator('.video-panel').scrollIntoViewIfNeeded();
    await screenshot(page, name);
    const dir = process.env.SHARDLAB_SHOTS_DIR;
    if (dir) {
      await mkdir(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, `${name}.png`) });
      await page.locator('.video-panel').screenshot({ path: path.join(dir, `${name}-panel.png`) });
    }
  }

  test('a camera, a video stream and an HLS viewer composed from the palette play, and Firehose is refused with the reason', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await open();
    await page.getByRole('button', { name: 'New empty pipeline' }).click();
    for (const item of ['Camera', 'Video stream', 'Video consumer', 'Firehose']) {
      await page.getByRole('navigation', { name: 'Palette' }).getByRole('button', { name: `Add ${item}`, exact: true }).click();
    }
    await waitUntil('four components', () => page.locator('.canvas-node').count(), (n) => n === 4);

    // AWS: a video stream is read by video consumers; Firehose reads records from data streams.
    await select(page, 'video-stream');
    const row = await connectTo(page, 'firehose');
    const why = page.locator('.inspector-panel .field-error');
    await waitUntil('the reason', () => why.textContent(), (t) => t.includes('cannot feed a Firehose delivery stream'));
    assert.match(await why.textContent(), /AWS would not allow this: .*Firehose reads records from data streams/);
    assert.ok(await row.getByRole('button', { name: 'Connect' }).isDisabled(), 'the refused connection cannot be made');

    // The viewer (an HLS LIVE session by default) reads the stream; the camera sends to it.
    await (await connectTo(page, 'video-consumer')).getByRole('button', { name: 'Connect' }).click();
    await select(page, 'camera');
    await (await connectTo(page, 'video-stream')).getByRole('button', { name: 'Connect' }).click();
    await waitUntil('two connections', () => page.locator('path.edge').count(), (n) => n === 2);

    await playUntil(page, 20_000);
    await page.locator('.video-panel').waitFor();
    // The default camera: 2,000 kbps in 2-second fragments, so 2.0 Mbps once it is sending.
    assert.match(await figure(page, 'ingest').textContent(), /2\.0 Mbps/);
    const persisted = Number(await figure(page, 'persisted').getAttribute('data-value'));
    assert.ok(persisted >= 8, `${persisted} fragments persisted after 20 s of 2-second fragments`);
    // AWS: HLS live playback typically lags live by 3 to 5 seconds.
    const hls = await latencyMs(page, 'video-consumer-1');
    assert.ok(hls >= 3_000 && hls <= 5_000, `HLS ${hls} ms behind live`);

    await playUntil(page, 30_000);
    const later = Number(await figure(page, 'persisted').getAttribute('data-value'));
    assert.ok(later > persisted, `fragments persisted grows: ${persisted} then ${later}`);
    const blocks = await page.locator('.fragment-block[data-state=persisted]').count();
    assert.ok(blocks >= 10, `${blocks} persisted fragments on the timeline`);

    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
    assert.deepEqual(problems.consoleErrors, [], 'errors logged to the console');
  });

  for (const [width, height] of [[1440, 900], [390, 844]]) {
    test(`the camera preset opens from the gallery and plays: GetMedia under a second, HLS seconds behind (${width}x${height})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const { page, problems } = await open({ width, height });
      await page.locator('.bottom [data-tab="Presets"]').click();
      await page.getByRole('button', { name: 'Open preset A camera, a video stream, and two ways to watch' }).click();
      await waitUntil('the preset', () => page.locator('.canvas-node').count(), (n) => n === 4);
      await playUntil(page, 60_000);
      const panel = page.getByRole('region', { name: 'Video stream front-door' });
      await panel.waitFor();
      // AWS: GetMedia is low latency; HLS live playback lags 3 to 5 seconds.
      const getMedia = await latencyMs(page, 'get-media-reader');
      const hls = await latencyMs(page, 'hls-viewer');
      assert.ok(getMedia < 1_000, `GetMedia ${getMedia} ms behind live`);
      assert.ok(hls >= 3_000 && hls <= 5_000, `HLS ${hls} ms behind live`);
      // The drop at 40 s made the SDK resend: the camera card says so, and the log narrates it.
      assert.match(await panel.locator('[data-camera=door-camera]').textContent(), /1 connection dropped/);
      assert.match(await page.getByRole('list', { name: 'Event log' }).textContent(), /lost its PutMedia connection to front-door/);
      // The timeline: markers for both consumers, the GetMedia reader later (nearer now) than the viewer.
      const at = async (name) => Number(await panel.locator(`.timeline-marker[data-consumer=${name}]`).getAttribute('data-at'));
      assert.ok((await at('get-media-reader')) > (await at('hls-viewer')));
      await shoot(page, `video-panel-${width}x${height}`);
      // Nothing wider than the page at a phone's width.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
      assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
    });
  }

  test('the API console lists the Kinesis Video Streams operations and answers them', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await open({ hash: '#preset=camera-video-stream' });
    await playUntil(page, 25_000);
    await page.locator('.bottom [data-tab="API console"]').click();
    const operation = page.getByRole('combobox', { name: 'Operation' });
    await operation.selectOption('KinesisVideo_20170930.GetHLSStreamingSessionURL');
    await page.getByRole('button', { name: 'Send request' }).click();
    const newest = page.getByTestId('api-history').locator('li').first();
    await waitUntil('the answer', () => newest.textContent(), (t) => t.includes('HLSStreamingSessionURL'));
    assert.match(await newest.getByTestId('api-status').textContent(), /HTTP 200/);
    // A CLI command too; PutMedia to a stream whose camera holds its one connection is refused.
    await page.getByRole('textbox', { name: 'Request body' }).fill('aws kinesisvideo describe-stream --stream-name front-door');
    await page.getByRole('button', { name: 'Send request' }).click();
    await waitUntil('DescribeStream', () => newest.textContent(), (t) => t.includes('DataRetentionInHours'));
    await operation.selectOption('KinesisVideo_20170930.PutMedia');
    const body = page.getByRole('textbox', { name: 'Request body' });
    await body.fill((await body.inputValue()).replace('porch', 'front-door'));
    await page.getByRole('button', { name: 'Send request' }).click();
    await waitUntil('the refusal', () => newest.textContent(), (t) => t.includes('ConnectionLimitExceededException'));
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  for (const theme of ['light', 'dark']) {
    test(`axe-core finds no serious or critical violations in the video panel (${theme})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const { page } = await open({ hash: '#preset=camera-video-stream', theme });
      await playUntil(page, 12_000);
      await page.locator('.video-panel').waitFor();
      await page.locator('.fragment-table-wrap summary').click();
      await page.addScriptTag({ path: AXE_SCRIPT });
      const found = await page.evaluate(async () => {
        const result = await window.axe.run('.video-panel', { resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id}: ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`).join(' | ')}`);
      });
      assert.deepEqual(found, []);
    });
  }
});
