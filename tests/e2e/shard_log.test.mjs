// End-to-end tests of the shard log view (each shard's records as a tape, consumers as markers; dragging a
// marker back is a replay) and of records in motion on the canvas. Run with
// `node --test tests/e2e/shard_log.test.mjs` after `cargo xtask dist`.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, useBrowser, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 90_000;
const PRESET = 'replay-after-consumer-bug';
const SHARD = 'shardId-000000000000';

describe('The shard log view', () => {
  const env = useBrowser({ before, after });

  /** Opens a preset at a viewport size, steps `seconds` simulated seconds and opens the shard log. */
  async function openLog({ width, height, seconds, reducedMotion = 'no-preference', preset = PRESET }) {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const { page } = opened;
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ reducedMotion });
    await page.goto(`${env.server.url}#preset=${preset}`, { waitUntil: 'load' });
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    for (let i = 0; i < seconds; i += 1) {
      await page.locator('button[aria-label=Step]').click();
    }
    await page.getByRole('button', { name: /Show the shard log/ }).click();
    await page.locator(`.shard-tape[data-shard=${SHARD}]`).waitFor({ state: 'attached' });
    return opened;
  }

  const marker = (page, consumer) =>
    page.locator(`.shard-tape[data-shard=${SHARD}] .log-marker[data-consumer=${consumer}]`);
  const position = async (page, consumer) => Number(await marker(page, consumer).getAttribute('data-position'));
  const readAgain = async (page, consumer) => {
    const text = await page.locator(`.shard-log-consumer[data-consumer=${consumer}]`).textContent();
    return Number(text.replace(/^.*read again /, '').replaceAll(',', ''));
  };

  test('dragging a consumer marker back replays exactly the records before it', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openLog({ width: 1440, height: 900, seconds: 6 });
    // ledger-replay reads from TRIM_HORIZON and has caught up: its next record is near the tip.
    const before = await position(page, 'ledger-replay');
    assert.ok(before > 100, `ledger-replay has read ${before - 1} records of ${SHARD}`);
    assert.equal(await readAgain(page, 'ledger-replay'), 0);

    // Drag its handle to 30 % of the tape (the tape is x 8 to 568 of a 640-wide drawing).
    const svg = page.locator(`.shard-tape[data-shard=${SHARD}] svg`);
    await svg.scrollIntoViewIfNeeded();
    const box = await svg.boundingBox();
    const handle = await marker(page, 'ledger-replay').locator('.handle').boundingBox();
    const targetX = box.x + ((8 + 0.3 * 560) / 640) * box.width;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(targetX, handle.y + handle.height / 2, { steps: 8 });
    await page.mouse.up();

    // The marker now stands about 30 % along the tape, before where it was.
    const moved = await waitUntil('the marker to move back', () => position(page, 'ledger-replay'), (p) => p < before);
    assert.ok(moved >= 1 && moved < before, `moved to #${moved}, was #${before}`);
    const log = page.getByRole('list', { name: 'Event log' });
    assert.match(
      await log.textContent(),
      new RegExp(`Replay: consumer ledger-replay moved on ${SHARD} to record #${moved} \\(AT_SEQUENCE_NUMBER\\); ` +
        `it reads records #${moved} to #${before - 1} again`),
    );

    // Two simulated seconds later it has read records #moved to #before - 1 a second time: exactly
    // before - moved records read again, no more (records after #before - 1 are new to it).
    for (let i = 0; i < 3; i += 1) {
      await page.locator('button[aria-label=Step]').click();
    }
    await waitUntil('the replay to be read', () => readAgain(page, 'ledger-replay'), (n) => n === before - moved);
    assert.ok((await position(page, 'ledger-replay')) > before, 'it caught up past where it was');
    await screenshot(page, 'shard-log-replayed');

    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
    assert.deepEqual(problems.consoleErrors, [], 'errors logged to the console');
  });

  test('a block opens its records in the record browser', { timeout: TEST_TIMEOUT_MS }, async () => {
    // One polling reader a second per shard: the browser's GetShardIterator and GetRecords fit in the
    // shard's shared read limits (a Lambda mapping with a backlog polls as fast as they allow).
    const { page, problems } = await openLog({ width: 1440, height: 900, seconds: 3, preset: 'hot-partition-key' });
    const block = page.locator(`.shard-tape[data-shard=${SHARD}] .log-block`).nth(2);
    const first = Number(await block.getAttribute('data-first'));
    assert.ok(first > 1, `the third block starts after the first record (#${first})`);
    await block.click();
    assert.equal(await page.getByRole('tab', { name: 'Records' }).getAttribute('aria-selected'), 'true');
    const rows = page.locator('[data-testid=browse-records] tbody tr');
    await waitUntil('records in the browser', () => rows.count(), (n) => n > 0);
    // The page starts at the block's first record: the shard's records before it are not on it, and the
    // table's oldest retained record (#1) is older than the first one shown.
    const shown = await rows.first().locator('td').first().textContent();
    const oldest = (await page.locator('.shard-log-table tbody tr').first().getByRole('cell').first().textContent())
      .match(/\((\d{56})\)/)[1];
    assert.ok(BigInt(shown) > BigInt(oldest), `${shown} comes after ${oldest}`);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('AT_TIMESTAMP in the replay control moves a consumer back to that instant', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openLog({ width: 1440, height: 900, seconds: 5 });
    const before = await position(page, 'ledger-replay');
    const form = page.getByRole('form', { name: 'Replay' });
    await form.getByLabel('Consumer').selectOption({ label: 'ledger-replay' });
    await form.getByLabel('Shard').selectOption({ label: SHARD });
    await form.getByLabel('From').selectOption('AT_TIMESTAMP');
    await form.getByLabel('Record number or simulated ms').fill('2000');
    await form.getByRole('button', { name: 'Replay' }).click();
    const moved = await waitUntil('the marker to move back', () => position(page, 'ledger-replay'), (p) => p < before);
    assert.match(
      await page.getByRole('list', { name: 'Event log' }).textContent(),
      new RegExp(`moved on ${SHARD} to record #${moved} \\(AT_TIMESTAMP 2,000 ms\\)`),
    );
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a marker moves back from the keyboard too', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await openLog({ width: 1440, height: 900, seconds: 4 });
    const before = await position(page, 'ledger-replay');
    const slider = page.getByRole('slider', { name: `ledger-replay on ${SHARD}: drag back to replay` });
    await slider.focus();
    // Each ArrowLeft moves the drop point back one block (1/32 of the tape).
    for (let i = 0; i < 8; i += 1) {
      await page.keyboard.press('ArrowLeft');
    }
    // Space replays too, and stays the slider's: it does not also start the run (the page's Space shortcut).
    await page.keyboard.press(' ');
    const moved = await waitUntil('the marker to move back', () => position(page, 'ledger-replay'), (p) => p < before);
    assert.equal(await page.locator('button[aria-label=Play]').count(), 1, 'still paused');
    assert.match(
      await page.getByRole('list', { name: 'Event log' }).textContent(),
      new RegExp(`ledger-replay moved on ${SHARD} to record #${moved} \\(AT_SEQUENCE_NUMBER\\)`),
    );
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the table tells the same for screen readers', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openLog({ width: 1440, height: 900, seconds: 3 });
    const table = page.getByRole('table', { name: /Shard log of payments/ });
    const headers = await table.getByRole('columnheader').allTextContents();
    assert.deepEqual(headers, ['Shard', 'Oldest retained', 'Newest', 'Records', 'ledger-lambda', 'ledger-replay']);
    const row = table.getByRole('row').filter({ hasText: SHARD });
    const cells = await row.getByRole('cell').allTextContents();
    // Oldest retained is the shard's first record, #1 (nothing has expired in 3 s of a 48 h retention).
    assert.match(cells[0], /^#1 at 00:00:00 \(\d{56}\)$/);
    const newest = Number(cells[1].match(/^#(\d+)/)[1]);
    assert.equal(Number(cells[2].replaceAll(',', '')), newest, 'records 1 to newest are retained');
    assert.match(cells[4], /^next #\d+, [\d,]+ records behind/);
  });

  test('on a phone the view scrolls inside its own box', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page } = await openLog({ width: 390, height: 844, seconds: 3 });
    const log = page.locator('.shard-log');
    const sizes = await log.evaluate((el) => {
      const tapes = el.querySelector('.shard-log-tapes');
      return { width: el.getBoundingClientRect().width, tapesScroll: tapes.scrollWidth, tapesClient: tapes.clientWidth };
    });
    assert.ok(sizes.width <= 390, `the box is ${sizes.width} px wide`);
    assert.ok(sizes.tapesScroll > sizes.tapesClient, 'the tapes scroll sideways inside the box');
    await log.scrollIntoViewIfNeeded();
    await screenshot(page, 'shard-log-phone');
  });

  test('records move along the connections on the compositor alone, and stand still with reduced motion', { timeout: TEST_TIMEOUT_MS }, async () => {
    for (const reducedMotion of ['no-preference', 'reduce']) {
      const { page } = await openLog({ width: 1440, height: 900, seconds: 2, reducedMotion });
      await page.locator('button[aria-label=Play]').click();
      // producer → stream and stream → each of the two consumers: each connection's dots, once per phase.
      const flows = page.locator('.flow-layer.phase-0 path.flow');
      await waitUntil('three flows', () => flows.count(), (n) => n === 3);
      const layers = page.locator('.flow-layer');
      assert.equal((await layers.count()) % 4, 0, 'four phases for each density level');
      // The layers lie exactly over the canvas.
      const canvas = await page.locator('.pipeline-canvas').boundingBox();
      for (const box of await layers.evaluateAll((ls) => ls.map((l) => l.getBoundingClientRect().toJSON()))) {
        assert.deepEqual([box.x, box.y, box.width, box.height], [canvas.x, canvas.y, canvas.width, canvas.height]);
      }
      // Whatever else moves on the page while it plays animates only opacity or transform: the compositor's work,
      // which repaints nothing (any other animation repainted the whole page every frame).
      const animated = await page.evaluate(() =>
        document.getAnimations().map((a) => ({
          name: a.animationName ?? a.transitionProperty,
          properties: a.effect.getKeyframes().flatMap((k) => Object.keys(k).filter((p) => !['offset', 'computedOffset', 'easing', 'composite'].includes(p))),
        })),
      );
      for (const { name, properties } of animated) {
        assert.ok(properties.every((p) => p === 'opacity' || p === 'transform'), `${name} animates ${properties.join()}`);
      }
      const chasing = animated.filter((a) => a.name === 'chase').length;
      if (reducedMotion === 'reduce') {
        assert.equal(chasing, 0, 'nothing moves with reduced motion');
      } else {
        assert.equal(chasing, await layers.count(), 'every flow layer takes its turn');
      }
    }
  });
});
