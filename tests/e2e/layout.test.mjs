// End-to-end tests of the page on any screen: a phone (390x844), a tablet (820x1180) and a wide screen
// (1440x900) in both themes, with screenshots in tests/e2e/screenshots/ and checks that nothing overflows the
// viewport, no text is cut and the main controls do not overlap; the hot-key preset on a phone; the
// first-visit tour; the composer from the keyboard alone; and axe-core over the main views.

import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SCREENSHOTS, TIMEOUT_MS, clockMs, openPage, useBrowser, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 820, height: 1180 },
  { name: 'wide', width: 1440, height: 900 },
];
const THEMES = ['light', 'dark'];

/** Canvas units an arrow key moves a box, and with Shift (web/src/components/pipeline_canvas.rs). */
const ARROW_STEP = 10;
const ARROW_STEP_FAR = 40;

/** Saves a screenshot of the whole page to tests/e2e/screenshots/NAME.png. */
async function fullScreenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, timeout: TIMEOUT_MS });
}

/**
 * What is wrong with the layout as drawn: a page wider than the viewport, text cut by an element that hides its
 * overflow (deliberate scroll boxes scroll instead, and an ellipsis with the full text in a title is deliberate),
 * main regions or controls overlapping each other.
 */
function layoutProblems() {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.canvas-scroll, .tabs, [style*="overflow"]'))
      .filter((e) => getComputedStyle(e).position !== 'fixed')
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`);
    problems.push(`the page is ${doc.scrollWidth} px wide in a ${window.innerWidth} px viewport: ${wide.join(', ')}`);
  }
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  for (const e of document.querySelectorAll('body *')) {
    const style = getComputedStyle(e);
    // Cut on an axis that hides its overflow; an axis that scrolls is a deliberate scroll box.
    const hidesX = ['hidden', 'clip'].includes(style.overflowX);
    const hidesY = ['hidden', 'clip'].includes(style.overflowY);
    if (!(hidesX || hidesY) || !visible(e) || !(e.innerText ?? '').trim()) continue;
    if (style.textOverflow === 'ellipsis' && e.title) continue;
    if ((hidesX && e.scrollWidth > e.clientWidth + 1) || (hidesY && e.scrollHeight > e.clientHeight + 1)) {
      problems.push(`text cut in ${e.tagName.toLowerCase()}.${[...e.classList].join('.')}: "${e.innerText.trim().slice(0, 40)}"`);
    }
  }
  const boxes = (selector) =>
    [...document.querySelectorAll(selector)].filter(visible).map((e) => ({ e, r: e.getBoundingClientRect() }));
  const overlap = (a, b) =>
    Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left) > 1 &&
    Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top) > 1;
  const name = (e) => `${e.tagName.toLowerCase()}${e.getAttribute('aria-label') ? `[${e.getAttribute('aria-label')}]` : ''}"${(e.innerText ?? '').trim().slice(0, 20)}"`;
  const check = (list, what) => {
    for (let i = 0; i < list.length; i += 1) {
      for (let j = i + 1; j < list.length; j += 1) {
        const [a, b] = [list[i], list[j]];
        if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
        if (overlap(a, b)) problems.push(`${what} overlap: ${name(a.e)} and ${name(b.e)}`);
      }
    }
  };
  check(boxes('.topbar, .palette, .stage, .inspector, .bottom'), 'regions');
  check(boxes('.topbar button, .topbar select, .topbar input, .palette button, .canvas-tools button, .tabs button, .stage-panels-bar button'), 'controls');
  return problems;
}

describe('Any screen, in Chromium', () => {
  const env = useBrowser({ before, after });

  /** Opens the page (or `hash`) at `viewport` in `theme`, and waits for the canvas. */
  async function open(viewport, { theme = 'light', hash = '', ...options } = {}) {
    const opened = await openPage(env.browser, { viewport, colorScheme: theme, ...options });
    env.contexts.push(opened.context);
    await opened.context.addInitScript((t) => window.localStorage.setItem('shardlab.theme', t), theme);
    await opened.page.goto(env.server.url + hash, { waitUntil: 'load' });
    await opened.page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    return opened;
  }


  for (const viewport of VIEWPORTS) {
    for (const theme of THEMES) {
      test(`${viewport.name} ${viewport.width}x${viewport.height}, ${theme}: nothing overflows, is cut or overlaps`, { timeout: TEST_TIMEOUT_MS }, async () => {
        const { page, problems } = await open(viewport, { theme });
        assert.equal(await page.locator('html').getAttribute('data-theme'), theme);
        // Two simulated seconds, so the charts and shards have something to draw.
        await page.locator('button[aria-label=Step]').click();
        await page.locator('button[aria-label=Step]').click();
        await waitUntil('two simulated seconds', () => clockMs(page), (ms) => ms >= 2_000);
        await fullScreenshot(page, `layout-${viewport.name}-${theme}`);
        assert.deepEqual(await page.evaluate(layoutProblems), []);
        // The canvas and the shards get most of the width, never a strip.
        for (const selector of ['.canvas-wrap', '.shards-region']) {
          const box = await page.locator(selector).first().boundingBox();
          assert.ok(box.width >= Math.min(viewport.width * 0.5, 560), `${selector} is ${box.width} px wide at ${viewport.width} px`);
        }
        // The course is in the top bar, with the learner's progress.
        assert.match(await page.locator('#course-button').textContent(), /^Course 0\/\d+ lessons passed$/);
        assert.ok(await page.locator('#course-button').isVisible());
        assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
      });
    }
  }

  test('Firehose and Analytics panels are tabs right under the canvas, and stacking them is remembered', { timeout: TEST_TIMEOUT_MS }, async () => {
    const viewport = VIEWPORTS[2];
    const { page, problems } = await open(viewport, { hash: '#preset=two-stream-pipeline' });
    const tabs = page.getByRole('tablist', { name: 'Panels' }).getByRole('tab');
    // A pipeline with Firehose and Analytics runs in the full module, which the first visit's lite one hands over to.
    await tabs.filter({ hasText: /^Analytics/ }).first().waitFor();
    const labels = await tabs.allTextContents();
    assert.ok(labels.some((l) => l.startsWith('Firehose')), labels.join(', '));
    assert.ok(labels.some((l) => l.startsWith('Analytics')), labels.join(', '));
    for (const kind of ['Firehose', 'Analytics']) {
      await tabs.filter({ hasText: kind }).first().click();
      const panel = page.getByRole('tabpanel', { name: new RegExp(`^${kind} `) });
      const box = await panel.boundingBox();
      assert.ok(box.y < viewport.height, `the ${kind} panel starts above the fold (at ${box.y} px)`);
    }
    await fullScreenshot(page, 'layout-wide-firehose-tab');
    // Selecting a component on the canvas opens its panel.
    await page.locator('.canvas-node.stream').first().click();
    assert.equal(await tabs.filter({ hasText: 'Data stream' }).getAttribute('aria-selected'), 'true');

    await page.getByRole('button', { name: 'Show all panels' }).click();
    assert.equal(await page.getByRole('tablist', { name: 'Panels' }).count(), 0);
    assert.equal(await page.locator('.stage-panel').count(), labels.length);
    await page.reload({ waitUntil: 'load' });
    await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
    await waitUntil('every panel, once the full module has taken over', () => page.locator('.stage-panel').count(), (n) => n === labels.length);
    assert.equal(await page.getByRole('button', { name: 'Show all panels' }).getAttribute('aria-pressed'), 'true', 'the choice survives a reload');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('on a phone, the hot-key preset plays and the throttled shard is found', { timeout: TEST_TIMEOUT_MS }, async () => {
    const viewport = VIEWPORTS[0];
    const { page, problems } = await open(viewport, { hash: '#preset=hot-partition-key', hasTouch: true });
    await page.getByRole('button', { name: 'Play' }).tap();
    // 60 % of 2,000 records/s is one key's 1,200 records/s on one shard of 1,000 records/s: that one throttles.
    const states = page.locator('[data-testid=shard-state]');
    await waitUntil('one shard to throttle', () => states.allTextContents(),
      (s) => s.length === 4 && s.filter((t) => t.includes('throttled')).length === 1);
    await page.getByRole('button', { name: 'Pause' }).tap();
    const throttled = page.getByRole('region', { name: 'Shards' }).getByRole('listitem').filter({ hasText: 'throttled' });
    await throttled.scrollIntoViewIfNeeded();
    const box = await throttled.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `the throttled shard fits across the screen (${box.x}, ${box.width})`);
    assert.ok(box.width >= 300, `the throttled shard is ${box.width} px wide`);
    assert.match(await throttled.textContent(), /shardId-\d{12}/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'layout-phone-hot-key.png'), timeout: TIMEOUT_MS });
    assert.deepEqual(await page.evaluate(layoutProblems), []);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('on a touch screen, a finger drags a component and two fingers pinch the canvas', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, context, problems } = await open(VIEWPORTS[0], { hasTouch: true });
    const cdp = await context.newCDPSession(page);
    const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
    const producer = page.locator('.canvas-node.producer');
    const before = await producer.getAttribute('transform');
    const box = await producer.locator('rect.body').boundingBox();
    const [x, y] = [box.x + box.width / 3, box.y + box.height / 2];
    await touch('touchStart', [[x, y]]);
    for (let i = 1; i <= 5; i += 1) await touch('touchMove', [[x + 6 * i, y + 8 * i]]);
    await touch('touchEnd', []);
    await waitUntil('the producer to move', () => producer.getAttribute('transform'), (t) => t !== before);

    // Two fingers on the background, moving apart: the canvas zooms in.
    const canvas = await page.locator('.pipeline-canvas').boundingBox();
    const width = async () => (await page.locator('.pipeline-canvas').boundingBox()).width;
    const fitted = await width();
    // Under the boxes (they end 100 canvas units down; the canvas is at least 150 tall).
    const [cx, cy] = [canvas.x + 40, canvas.y + canvas.height - 8];
    await touch('touchStart', [[cx, cy]]);
    await touch('touchStart', [[cx, cy], [cx + 40, cy]]);
    for (let i = 1; i <= 5; i += 1) await touch('touchMove', [[cx, cy], [cx + 40 + 16 * i, cy]]);
    await touch('touchEnd', []);
    // The fingers end three times as far apart (40 px, then 120 px): the canvas is drawn three times as wide.
    await waitUntil('the canvas to zoom in three times', width, (w) => Math.abs(w - 3 * fitted) < 2);
    // Let the page handle the lifted fingers (pointer events are dispatched with animation frames) before the
    // next tap, as a person lifts both fingers before tapping again.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    assert.equal(await page.getByRole('button', { name: 'Fit to width' }).getAttribute('aria-pressed'), 'false');
    await page.getByRole('button', { name: 'Fit to width' }).click();
    await waitUntil('the canvas to fit again', width, (w) => Math.abs(w - fitted) < 2);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  for (const viewport of [VIEWPORTS[0], VIEWPORTS[2]]) {
    test(`${viewport.name}: a first visit takes the tour from the keyboard and lands in the presets`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const { page, problems } = await open(viewport, { firstVisit: true });
      await page.getByRole('dialog', { name: 'A producer' }).waitFor();
      const tour = page.getByTestId('tour');
      const titles = [];
      const pointed = [];
      for (let i = 0; i < 4; i += 1) {
        const title = tour.getByRole('heading');
        await waitUntil('focus on the step', () => page.evaluate(() => document.activeElement?.id), (id) => id === 'tour-title');
        titles.push(await title.textContent());
        const ring = await page.locator('.tour-ring').boundingBox();
        const target = ['.canvas-node.producer', '.canvas-node.stream', '.shards-region', '.canvas-node.consumer'][i];
        const box = await page.locator(target).first().boundingBox();
        pointed.push(ring.x <= box.x && ring.y <= box.y && ring.x + ring.width >= box.x + box.width - 1);
        await fullScreenshot(page, `tour-${viewport.name}-${i + 1}`);
        // Tab from the heading reaches Skip, then Back (disabled on the first step), then Next.
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip tour');
        await tour.getByRole('button', { name: 'Next' }).focus();
        await page.keyboard.press('Enter');
      }
      assert.deepEqual(titles, ['A producer', 'A data stream', 'Its shards', 'A consumer']);
      assert.deepEqual(pointed, [true, true, true, true], 'each step rings its component');
      assert.match(await tour.textContent(), /What next\?/);
      await tour.getByRole('button', { name: 'Back' }).press('Enter');
      await waitUntil('the last step again', () => tour.getByRole('heading').textContent(), (t) => t === 'A consumer');
      await tour.getByRole('button', { name: 'Next' }).press('Enter');
      await fullScreenshot(page, `tour-${viewport.name}-choice`);
      await tour.getByRole('button', { name: /^Explore a preset/ }).press('Enter');
      await waitUntil('the tour to close', () => page.getByTestId('tour').count(), (n) => n === 0);
      assert.equal(await page.getByRole('tab', { name: 'Presets' }).getAttribute('aria-selected'), 'true');
      await waitUntil('focus on the Presets tab', () => page.evaluate(() => document.activeElement?.textContent), (t) => t === 'Presets');
      await page.reload({ waitUntil: 'load' });
      await page.locator('.pipeline-canvas').first().waitFor({ state: 'attached' });
      assert.equal(await page.getByTestId('tour').count(), 0, 'the tour is seen once');
      assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
    });
  }

  test('the tour can start the course, and Escape skips it', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await open(VIEWPORTS[2], { firstVisit: true });
    const tour = page.getByTestId('tour');
    for (let i = 0; i < 4; i += 1) await tour.getByRole('button', { name: 'Next' }).click();
    await tour.getByRole('button', { name: /^Start the course/ }).click();
    const lesson = page.getByRole('region', { name: 'Lesson' });
    await lesson.waitFor();
    assert.match(await lesson.textContent(), /Your task/);

    const other = await open(VIEWPORTS[2], { firstVisit: true });
    await other.page.getByTestId('tour').waitFor();
    await other.page.keyboard.press('Escape');
    await waitUntil('Escape to close the tour', () => other.page.getByTestId('tour').count(), (n) => n === 0);
    await waitUntil('focus on the course button', () => other.page.evaluate(() => document.activeElement?.id), (id) => id === 'course-button');
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('the composer works from the keyboard alone: add, connect, select, edit, move and delete', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, problems } = await open(VIEWPORTS[2]);
    const press = async (locator, key = 'Enter') => {
      await locator.focus();
      await page.keyboard.press(key);
    };
    await press(page.getByRole('button', { name: 'New empty pipeline' }));
    await waitUntil('an empty canvas', () => page.locator('.canvas-node').count(), (n) => n === 0);
    await press(page.getByRole('button', { name: 'Add producer' }));
    await press(page.getByRole('button', { name: 'Add data stream' }));
    await waitUntil('two components', () => page.locator('.canvas-node').count(), (n) => n === 2);

    // Select the producer from the keyboard and connect it to the stream in the inspector.
    const producer = page.getByRole('button', { name: /^Producer producer-1/ });
    await press(producer);
    assert.equal(await producer.getAttribute('aria-pressed'), 'true');
    await page.getByRole('combobox', { name: 'Connect to' }).selectOption({ label: 'stream-1 (a data stream)' });
    await press(page.getByRole('button', { name: 'Connect', exact: true }));
    await waitUntil('a connection', () => page.locator('path.edge').count(), (n) => n === 1);

    // Edit its rate from the keyboard.
    const rate = page.getByLabel('Rate', { exact: true });
    await rate.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('1500');
    await page.keyboard.press('Enter');
    await waitUntil('the new rate on the canvas', () => producer.getAttribute('aria-label'), (l) => l.includes('1,500 rec/s'));

    // Arrow keys move the focused box: right twice, then down with Shift.
    const at = async () => (await producer.getAttribute('transform')).match(/translate\((-?\d+),(-?\d+)\)/).slice(1).map(Number);
    const [x0, y0] = await at();
    await producer.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await waitUntil('the box to move', at, ([x, y]) => x === x0 + 2 * ARROW_STEP && y === y0 + ARROW_STEP_FAR);

    // Delete removes the selected component with its connection.
    await producer.focus();
    await page.keyboard.press('Delete');
    await waitUntil('the producer to go', () => page.locator('.canvas-node').count(), (n) => n === 1);
    assert.equal(await page.locator('path.edge').count(), 0);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  /** Runs axe-core over the page and returns its serious and critical violations, one line each. */
  async function seriousViolations(page, where) {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
      await page.addScriptTag({ path: AXE_SCRIPT });
    }
    const found = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 8).map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`).join(' | ')}`);
    });
    return found.map((line) => `${where}: ${line}`);
  }

  for (const theme of THEMES) {
    test(`axe-core finds no serious or critical violations in the main views (${theme})`, { timeout: 3 * TEST_TIMEOUT_MS }, async () => {
      const { page, problems } = await open(VIEWPORTS[2], { theme, hash: '#preset=two-stream-pipeline' });
      const found = [];
      await page.locator('button[aria-label=Step]').click();
      await page.locator('button[aria-label=Step]').click();
      found.push(...(await seriousViolations(page, 'composer')));
      await page.locator('.canvas-node.producer').first().click();
      await page.locator('.inspector-panel').waitFor();
      found.push(...(await seriousViolations(page, 'inspector')));
      const panelTabs = page.getByRole('tablist', { name: 'Panels' }).getByRole('tab');
      for (const label of await panelTabs.allTextContents()) {
        await panelTabs.filter({ hasText: label }).click();
        found.push(...(await seriousViolations(page, `panel ${label}`)));
      }
      const bottomTabs = page.locator('.bottom [role=tab]');
      for (const label of await bottomTabs.allTextContents()) {
        await page.locator(`.bottom [data-tab="${label}"]`).click();
        found.push(...(await seriousViolations(page, `tab ${label}`)));
      }
      await page.getByRole('button', { name: 'Help', exact: true }).click();
      found.push(...(await seriousViolations(page, 'help')));
      await page.getByRole('button', { name: 'Help', exact: true }).click();

      const lesson = await open(VIEWPORTS[2], { theme, hash: '#lesson=shards-and-write-limits' });
      await lesson.page.getByRole('region', { name: 'Lesson' }).waitFor();
      found.push(...(await seriousViolations(lesson.page, 'lesson')));

      const first = await open(VIEWPORTS[0], { theme, firstVisit: true });
      await first.page.getByTestId('tour').waitFor();
      found.push(...(await seriousViolations(first.page, 'tour on a phone')));
      assert.deepEqual(found, []);
      assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
    });
  }
});
