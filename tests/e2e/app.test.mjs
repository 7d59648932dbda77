// End-to-end tests of the release build (dist/) in headless Chromium, served from a sub-path.
// Run with `node --test tests/e2e/` (cargo xtask test does, after building dist/).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clockMs, openPage, screenshot, useBrowser, waitUntil } from './harness.mjs';

// A backstop for a whole test; every wait inside is bounded by TIMEOUT_MS (20 s) on its own.
const TEST_TIMEOUT_MS = 60_000;

describe('Shardlab in Chromium', () => {
  const env = useBrowser({ before, after });

  /** Opens the app and waits until it has mounted. */
  async function openApp() {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const response = await opened.page.goto(env.server.url, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, `GET ${env.server.url}`);
    try {
      await opened.page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    } catch (error) {
      const { problems } = opened;
      const seen = { notFound: env.server.notFound, ...problems };
      throw new Error(`the app did not mount: ${error.message}\n${JSON.stringify(seen, null, 2)}`);
    }
    return opened;
  }

  test('loads from a sub-path', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openApp();
    await screenshot(page, 'initial');
    assert.deepEqual(env.server.notFound, [], 'requests answered with 404');
    assert.deepEqual(problems.failedRequests, [], 'failed requests');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
    assert.deepEqual(problems.consoleErrors, [], 'errors logged to the console');
  });

  test("throttling appears past the shards' limits", { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openApp();
    const clock = page.locator('[data-testid=sim-clock]');
    await page.locator('button[aria-label=Play]').click();
    // Select the producer on the canvas and raise its rate past 2 shards x 1,000 records/s.
    await page.getByRole('button', { name: /^Producer web-shop/ }).click();
    await page.getByLabel('Rate', { exact: true }).fill('6000');
    const clockText = await clock.textContent();
    const shards = page.getByRole('region', { name: 'Shards' }).getByRole('listitem');
    assert.equal(await shards.count(), 2);
    await waitUntil(
      'a shard to report throttling',
      () => page.locator('[data-testid=shard-state]').allTextContents(),
      (states) => states.some((s) => s.includes('throttled')),
    );
    await waitUntil('the clock to run', () => clock.textContent(), (text) => text !== clockText);
    const log = await page.getByRole('list', { name: 'Event log' }).textContent();
    assert.match(log, /Shard shardId-00000000000\d is over its write limit \(1,000 records\/s\)/);
    // Why? names the limit and the numbers at that moment.
    await page.locator('button[aria-label=Pause]').click();
    const line = page.getByRole('list', { name: 'Event log' }).getByRole('listitem').filter({ hasText: 'is over its write limit' }).first();
    await line.getByRole('button', { name: 'Why?' }).click();
    const why = await line.getByTestId('explanation').textContent();
    assert.match(why, /Each shard accepts at most 1,000 records per second/);
    assert.match(why, /was asked to take [\d,]+ records \(about [\d.]+ [KM]iB\) and accepted 1,000/);
    await screenshot(page, 'throttled');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a pipeline built from an empty page with the palette runs and a hot key throttles one shard', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openApp();
    await page.getByRole('button', { name: 'New empty pipeline' }).click();
    await waitUntil('an empty canvas', () => page.locator('.canvas-node').count(), (n) => n === 0);
    // A pipeline may now run without a data stream (a producer straight into Firehose), so an empty one is no error.
    assert.equal(await page.getByRole('region', { name: 'Why it cannot run' }).count(), 0);

    await page.getByRole('button', { name: 'Add producer' }).click();
    await page.getByRole('button', { name: 'Add data stream' }).click();
    await page.getByRole('button', { name: 'Add consumer' }).click();
    // The consumer is selected: a consumer cannot write to a producer, and the inspector says why.
    await page.getByRole('combobox', { name: 'Connect to' }).selectOption({ label: 'producer-1 (a producer)' });
    assert.match(await page.locator('.inspector-panel [role=alert]').textContent(), /AWS would not allow this/);

    // Producer -> stream, stream -> consumer, through the inspector.
    await page.getByRole('button', { name: /^Producer producer-1/ }).click();
    await page.getByRole('combobox', { name: 'Connect to' }).selectOption({ label: 'stream-1 (a data stream)' });
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('button', { name: /^Data stream stream-1/ }).click();
    await page.getByRole('combobox', { name: 'Connect to' }).selectOption({ label: 'consumer-1 (a consumer)' });
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    assert.equal(await page.locator('path.edge').count(), 2);

    // Undo removes the last connection, Redo brings it back.
    await page.getByRole('button', { name: 'Undo' }).click();
    await waitUntil('undo', () => page.locator('path.edge').count(), (n) => n === 1);
    await page.getByRole('button', { name: 'Redo' }).click();
    await waitUntil('redo', () => page.locator('path.edge').count(), (n) => n === 2);

    // One hot partition key carrying 90 % of 1,500 records/s lands on one shard, which throttles;
    // the other shard stays within its limits.
    await page.getByRole('button', { name: /^Producer producer-1/ }).click();
    await page.getByLabel('Partition keys').selectOption('hot_key');
    await page.getByLabel('Hot key share').fill('90');
    await page.getByLabel('Hot key share').press('Enter');
    await page.getByLabel('Rate', { exact: true }).fill('1500');
    await page.locator('button[aria-label=Play]').click();
    const states = page.locator('[data-testid=shard-state]');
    await waitUntil('one shard to throttle', () => states.allTextContents(),
      (s) => s.length === 2 && s.filter((t) => t.includes('throttled')).length === 1);
    assert.match(await page.getByRole('figure', { name: 'Hash key space' }).locator('svg').getAttribute('aria-label'), /hot keys?:/);
    await screenshot(page, 'palette-pipeline');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('pause stops the clock', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openApp();
    const start = await clockMs(page);
    await page.locator('button[aria-label=Play]').click();
    await waitUntil('the clock to run after Play', () => clockMs(page), (ms) => ms > start);

    await page.locator('button[aria-label=Pause]').click();
    // Let a frame that was already under way when Pause was clicked finish rendering.
    await page.waitForTimeout(200);
    const paused = await clockMs(page);
    assert.ok(Number.isFinite(paused), `data-ms is a number (got ${paused})`);
    await page.waitForTimeout(500);
    assert.equal(await clockMs(page), paused, 'the clock moved while paused');

    await page.locator('button[aria-label=Step]').click();
    const stepped = await waitUntil(
      'the clock to advance after Step',
      () => clockMs(page),
      (ms) => ms > paused,
    );
    assert.ok(stepped > paused);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('Stop ends a Run to where it is', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openApp();
    await page.locator('#run-to').fill('1h');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await waitUntil('the run to move', () => clockMs(page), (ms) => ms > 0);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('button', { name: 'Go', exact: true }).waitFor();
    // Let a frame that was already under way when Stop was clicked finish rendering.
    await page.waitForTimeout(200);
    const stopped = await clockMs(page);
    assert.ok(stopped > 0 && stopped < 3_600_000, `stopped short of 1 h: ${stopped} ms`);
    await page.waitForTimeout(500);
    assert.equal(await clockMs(page), stopped, 'the clock moved after Stop');
    assert.equal(await page.getByRole('progressbar', { name: 'Run-to progress' }).count(), 0, 'the progress bar is gone');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the API console writes a record and reads it back', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openApp();
    await page.getByRole('tab', { name: 'API console' }).click();
    const operation = page.locator('select[aria-label=Operation]');
    const body = page.locator('textarea[aria-label="Request body"]');
    const send = page.locator('button[aria-label="Send request"]');
    const newest = page.locator('[data-testid=api-response]').first();

    // A stream made by hand in the console, as on AWS: CreateStream, then (once ACTIVE) PutRecord.
    await operation.selectOption('CreateStream');
    await body.fill('{"StreamName": "by-hand", "ShardCount": 1}');
    await send.click();
    await waitUntil('the stream to be created', () => page.locator('[data-testid=api-status]').first().textContent(), (t) => t === 'HTTP 200');
    await page.locator('button[aria-label=Step]').click();
    await operation.selectOption('PutRecord');
    await body.fill('{"StreamName": "by-hand", "PartitionKey": "a", "Data": "aGVsbG8="}');
    await send.click();
    await waitUntil('the PutRecord answer', () => newest.textContent(), (t) => t.includes('shardId-000000000000'));
    assert.equal(await page.locator('[data-testid=api-status]').first().textContent(), 'HTTP 200');

    await operation.selectOption('GetShardIterator');
    await body.fill('{"StreamName": "by-hand", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}');
    await send.click();
    const iterator = JSON.parse(
      await waitUntil('an iterator', () => newest.textContent(), (t) => t.includes('ShardIterator')),
    ).ShardIterator;
    // Records become readable 200 ms after their write: let one simulated second pass.
    await page.locator('button[aria-label=Step]').click();
    await operation.selectOption('GetRecords');
    await body.fill(JSON.stringify({ ShardIterator: iterator, Limit: 10 }));
    await send.click();
    // "aGVsbG8=" is base64 for "hello".
    const records = JSON.parse(await waitUntil('the records', () => newest.textContent(), (t) => t.includes('Records')));
    assert.ok(records.Records.some((r) => r.Data === 'aGVsbG8=' && r.PartitionKey === 'a'), JSON.stringify(records));

    // The same record in the record browser.
    await page.getByRole('tab', { name: 'Records' }).click();
    await page.locator('select[aria-label=Shard]').selectOption({ label: 'by-hand · shardId-000000000000' });
    await page.locator('button[aria-label="Read records"]').click();
    const row = page.locator('[data-testid=browse-records] tbody tr').first();
    await waitUntil('the record in the browser', () => row.textContent(), (t) => t.includes('hello'));
    assert.match(await row.textContent(), /^\d+a/);
    await page.locator('select[aria-label="Show data as"]').selectOption('base64');
    assert.equal(await row.getByTestId('record-data').textContent(), 'aGVsbG8=');
    await page.getByRole('tab', { name: 'API console' }).click();

    // Re-run sends the same PutRecord again: a second record, with a later sequence number.
    await operation.selectOption('PutRecord');
    await body.fill('{"StreamName": "by-hand", "PartitionKey": "a", "Data": "aGVsbG8="}');
    await send.click();
    const first = JSON.parse(await waitUntil('a put', () => newest.textContent(), (t) => t.includes('SequenceNumber'))).SequenceNumber;
    await page.getByRole('button', { name: 'Re-run PutRecord' }).first().click();
    const again = JSON.parse(await waitUntil('the re-run', () => newest.textContent(), (t) => !t.includes(first))).SequenceNumber;
    assert.ok(BigInt(again) > BigInt(first), `${again} after ${first}`);

    await body.fill('{not json');
    await send.click();
    await waitUntil('a SerializationException', () => newest.textContent(), (t) => t.includes('SerializationException'));

    // The AWS CLI form works too, and a command that cannot be read is explained, not sent.
    await body.fill('aws kinesis describe-stream-summary --stream-name clickstream');
    await send.click();
    await waitUntil('the stream summary', () => newest.textContent(), (t) => t.includes('"OpenShardCount": 2'));
    await body.fill('aws kinesis describe-stream-summary --stream clickstream');
    await send.click();
    const error = await waitUntil('the reason', () => page.locator('[data-testid=api-error]').textContent(), (t) => t.length > 0);
    assert.match(error, /has no option --stream/);
    await screenshot(page, 'api-console');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the cost meter counts shard hours and PUT payload units', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openApp();
    for (let i = 0; i < 3; i += 1) {
      await page.locator('button[aria-label=Step]').click();
    }
    await page.getByRole('tab', { name: 'Cost' }).click();
    const table = page.locator('[data-testid=cost] table');
    await waitUntil('the cost lines', () => table.textContent(), (t) => t.includes('Shard hours'));
    // `docs/aws-behaviour.md` §7: provisioned streams pay shard-hours and PUT payload units.
    assert.match(await table.textContent(), /PUT payload units/);
    assert.match(await page.locator('[data-testid=cost-total]').textContent(), /^\$0\.\d{6} so far$/);
    await screenshot(page, 'cost');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the record browser reads a shard from TRIM_HORIZON and pages on', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openApp();
    for (let i = 0; i < 2; i += 1) {
      await page.locator('button[aria-label=Step]').click();
    }
    await page.getByRole('tab', { name: 'Records' }).click();
    await page.locator('select[aria-label="Shard iterator type"]').selectOption('TRIM_HORIZON');
    await page.locator('button[aria-label="Read records"]').click();
    const rows = page.locator('[data-testid=browse-records] tbody tr');
    // 500 records/s over two shards for 2 s: the first page is a full 25 records.
    await waitUntil('a page of records', () => rows.count(), (n) => n === 25);
    const first = await rows.first().locator('td').first().textContent();
    await page.locator('button[aria-label="Next page"]').click();
    await waitUntil('the next page', () => rows.first().locator('td').first().textContent(), (t) => t !== first);
    assert.match(await page.locator('[data-testid=browse-summary]').textContent(), /NextShardIterator present/);
    await screenshot(page, 'records');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });
});
