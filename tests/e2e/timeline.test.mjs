// End-to-end test of the timeline of scheduled changes: a learner passes the resharding lesson by scheduling an
// UpdateShardCount on the timeline (typed in the form, moved with the keyboard and by dragging), runs it, and
// the lesson's checks pass. "Show me" is never pressed.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, useBrowser, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 120_000;

describe('Timeline in Chromium', () => {
  const env = useBrowser({ before, after });

  test('the resharding lesson passes by editing the timeline', { timeout: TEST_TIMEOUT_MS }, async () => {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const { page, problems } = opened;
    await page.goto(env.server.url + '#lesson=resharding', { waitUntil: 'load' });
    const lesson = page.getByRole('region', { name: 'Lesson' });
    await lesson.waitFor();
    const checks = lesson.getByTestId('checks').getByRole('listitem');
    const classes = () => checks.evaluateAll((items) => items.map((i) => i.className));

    // Nothing is scheduled yet, so the lesson's check fails.
    await lesson.getByRole('button', { name: 'Check my pipeline' }).click();
    await waitUntil('the first grade', classes, (c) => c.length > 0 && c.every((x) => x !== 'pending'));
    assert.ok((await classes()).includes('failed'), 'the starting pipeline schedules nothing');

    const timeline = page.getByRole('region', { name: 'Timeline of scheduled changes' });
    assert.match(await timeline.textContent(), /0 scheduled/);

    // The form: UpdateShardCount on "events", checked as typed with the scenario's rules.
    await timeline.getByRole('button', { name: '+ Add change' }).click();
    const form = timeline.getByRole('form', { name: 'Add a change' });
    await form.getByLabel('Change').selectOption('update_shard_count');
    assert.equal(await form.getByLabel('Component').evaluate((s) => s.selectedOptions[0].textContent), 'events');
    await form.getByLabel('At', { exact: true }).fill('30s');
    await form.getByLabel('Target shards').fill('0');
    await waitUntil('the error next to the field', () => form.textContent(), (t) => t.includes('allowed: 1 to 1,024 shards'));
    assert.ok(await form.getByRole('button', { name: 'Add', exact: true }).isDisabled(), '0 shards cannot be added');
    await form.getByLabel('Target shards').fill('4');
    await form.getByRole('button', { name: 'Add', exact: true }).click();

    const marker = timeline.getByRole('button', { name: /^UpdateShardCount of events to 4 shards/ });
    await marker.waitFor();
    assert.match(await marker.getAttribute('aria-label'), /at 00:00:30, pending/);
    assert.match(await marker.textContent(), /4 shards/);

    // The keyboard moves it: Shift+→ is 10 s later; the edit is an undo step like any other.
    await marker.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await waitUntil('the marker at 40 s', () => marker.getAttribute('aria-label'), (l) => l.includes('at 00:00:40'));
    await page.keyboard.press('ArrowLeft');
    await waitUntil('the marker at 39 s', () => marker.getAttribute('aria-label'), (l) => l.includes('at 00:00:39'));
    await page.getByRole('button', { name: 'Undo' }).click();
    await waitUntil('undo to 40 s', () => marker.getAttribute('aria-label'), (l) => l.includes('at 00:00:40'));

    // Dragging moves it too: to 20 s of the 10-minute track (within a second, one pixel is about half a second).
    const track = timeline.locator('.tl-track');
    const box = await track.boundingBox();
    const from = await marker.boundingBox();
    const startX = from.x + 6;
    const y = from.y + from.height / 2;
    await page.mouse.move(startX, y);
    await page.mouse.down();
    await page.mouse.move(startX - 20, y, { steps: 4 });
    await page.mouse.move(box.x + box.width * (20 / 600), y, { steps: 6 });
    await page.mouse.up();
    const moved = await waitUntil('the marker near 20 s', () => marker.getAttribute('aria-label'),
      (l) => /at 00:00:(19|20|21),/.test(l));
    assert.match(moved, /pending/);

    // A second change, removed with Delete while a component is selected: only the change goes.
    await timeline.getByRole('button', { name: '+ Add change' }).click();
    await form.getByLabel('Change').selectOption('set_producer_rate');
    await form.getByLabel('At', { exact: true }).fill('5m');
    await form.getByLabel('Rate').fill('2000');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const rate = timeline.getByRole('button', { name: /^game-events sends 2,000 records\/s at 00:05:00/ });
    await rate.waitFor();
    await page.getByRole('button', { name: /^Data stream events/ }).click();
    await rate.focus();
    await page.keyboard.press('Delete');
    await waitUntil('the rate change gone', () => rate.count(), (n) => n === 0);
    assert.ok(await page.getByRole('button', { name: /^Data stream events/ }).isVisible(), 'the stream stays');
    assert.match(await timeline.textContent(), /1 scheduled/);

    // Run past the step at 60 s: the change fires.
    await page.getByLabel('Run to', { exact: true }).fill('70');
    await page.getByRole('button', { name: 'Go' }).click();
    await waitUntil('the clock at 70 s', () => page.getByTestId('sim-clock').getAttribute('data-ms'), (ms) => Number(ms) >= 70_000);
    await waitUntil('the marker fired', () => marker.getAttribute('aria-label'), (l) => l.endsWith(', fired'));
    // UpdateShardCount from 2 to 4 splits both shards: the parents close and four children are open.
    const lineage = timeline.getByRole('group', { name: 'Stream status and shard lineage' });
    await waitUntil('the resharded stream', () => lineage.textContent(), (t) => t.includes('with 4 open shards'));
    assert.match(await lineage.textContent(), /shard 0 CLOSED, into shard \d+ \+ shard \d+/);
    assert.match(await lineage.textContent(), /shard 1 CLOSED, into shard \d+ \+ shard \d+/);
    await screenshot(page, 'timeline-resharded');

    // The lesson's check passes.
    await page.getByRole('tab', { name: 'Lesson' }).click();
    await lesson.getByRole('button', { name: 'Check my pipeline' }).click();
    await waitUntil('every check to pass', classes, (c) => c.length > 0 && c.every((x) => x === 'passed'));
    assert.match(await lesson.textContent(), /All checks pass/);

    // On a phone the timeline keeps to the screen: its track scrolls inside its own box.
    await page.setViewportSize({ width: 390, height: 844 });
    await waitUntil('the narrow layout', () => timeline.boundingBox(), (b) => b !== null && b.width <= 390);
    const { scrollWidth, clientWidth } = await timeline.evaluate((e) => ({ scrollWidth: e.scrollWidth, clientWidth: e.clientWidth }));
    assert.ok(scrollWidth <= clientWidth, `the timeline does not overflow its box (${scrollWidth} > ${clientWidth})`);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });
});

describe('Timeline stream changes in Chromium', () => {
  const env = useBrowser({ before, after });

  test('a split, a retention change and a mode switch fire and show on the page', { timeout: TEST_TIMEOUT_MS }, async () => {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const { page, problems } = opened;
    // A fresh page opens the first-minute scenario: stream "clickstream" with shards 0 and 1.
    await page.goto(env.server.url, { waitUntil: 'load' });
    const timeline = page.getByRole('region', { name: 'Timeline of scheduled changes' });
    await timeline.waitFor();
    const form = timeline.getByRole('form', { name: 'Add a change' });
    const add = async (kind, at, fields) => {
      await timeline.getByRole('button', { name: '+ Add change' }).click();
      await form.getByLabel('Change').selectOption(kind);
      await form.getByLabel('At', { exact: true }).fill(at);
      for (const [label, value] of fields) {
        const field = form.getByLabel(label, { exact: true });
        if (await field.evaluate((e) => e.tagName === 'SELECT')) {
          await field.selectOption(value);
        } else {
          await field.fill(value);
        }
      }
      await form.getByRole('button', { name: 'Add', exact: true }).click();
      await waitUntil('the form to close', () => form.count(), (n) => n === 0);
    };
    await add('split_shard', '5s', [['Shard', '1']]);
    await add('set_retention', '40s', [['Retention', '48']]);
    await add('switch_capacity_mode', '50s', [['Capacity mode', 'on_demand']]);
    assert.match(await timeline.textContent(), /3 scheduled/);

    await page.getByLabel('Run to', { exact: true }).fill('60');
    await page.getByRole('button', { name: 'Go' }).click();
    await waitUntil('the clock at 60 s', () => page.getByTestId('sim-clock').getAttribute('data-ms'), (ms) => Number(ms) >= 60_000);
    const markers = timeline.locator('button.tl-marker');
    const labels = await markers.evaluateAll((items) => items.map((i) => i.getAttribute('aria-label')));
    assert.deepEqual(labels.map((l) => l.split(', ').pop()), ['fired', 'fired', 'fired'], labels.join(' | '));
    // SplitShard closes the parent; its two children take the next shard ids.
    const lineage = await timeline.getByRole('group', { name: 'Stream status and shard lineage' }).textContent();
    assert.match(lineage, /shard 1 CLOSED, into shard 2 \+ shard 3/);
    assert.match(lineage, /shard 2 OPEN, from shard 1/);
    const log = await page.getByRole('tab', { name: 'Event log' }).click().then(() => page.locator('.bottom').textContent());
    assert.match(log, /SplitShard/);
    assert.match(log, /48 hours/);
    assert.match(log, /Scheduled UpdateStreamMode to ON_DEMAND of stream clickstream: accepted/);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });
});
