// End-to-end tests of lessons: a learner fixes the pipeline on their own (no "Show me"), the checks turn green, and
// progress survives a reload; and a lesson solved with "Show me", or opened from a link carrying its solution,
// counts as shown, not passed.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, useBrowser, waitUntil } from './harness.mjs';

const TEST_TIMEOUT_MS = 90_000;

describe('Lessons in Chromium', () => {
  const env = useBrowser({ before, after });

  test('a learner completes "Shards and their limits" and the progress is kept', { timeout: TEST_TIMEOUT_MS }, async () => {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const { page, problems } = opened;
    await page.goto(env.server.url + '#lesson=shards-and-write-limits', { waitUntil: 'load' });
    const lesson = page.getByRole('region', { name: 'Lesson' });
    await lesson.waitFor();
    assert.match(await lesson.textContent(), /Your task: Keep the stream provisioned and get all 3,000 records\/s written/);
    // The goal is shown beside "Check my pipeline", with its numbers.
    assert.match(await lesson.getByTestId('goal').textContent(), /at most 4 shards.*write throttles at most 0 records in the last 30 s/);
    // Beside the throttle target, a sketch of the passing chart: throttles falling to the target line at 0.
    const sketch = lesson.getByTestId('goal').getByRole('img', { name: /write throttles falls to at most 0 records/ });
    assert.equal(await sketch.count(), 1);
    const checks = lesson.getByTestId('checks').getByRole('listitem');

    // The starting pipeline fails: 3,000 records/s into 2 shards throttles.
    await lesson.getByRole('button', { name: 'Check my pipeline' }).click();
    await waitUntil('the first grade', () => checks.evaluateAll((items) => items.map((i) => i.className)),
      (classes) => classes.every((c) => c !== 'pending'));
    assert.ok((await checks.evaluateAll((items) => items.map((i) => i.className))).includes('failed'));
    assert.match(await lesson.getByTestId('checks').textContent(), /write throttles reached [\d,]+ records/);

    // A hint opens; then the learner gives the stream 4 shards in the inspector.
    await lesson.getByRole('button', { name: /^Show hint 1 of/ }).click();
    assert.equal(await lesson.locator('.hints li').count(), 1);
    await page.getByRole('button', { name: /^Data stream clickstream/ }).click();
    await page.getByRole('textbox', { name: 'Shards', exact: true }).fill('4');
    await page.getByRole('textbox', { name: 'Shards', exact: true }).press('Enter');
    await page.getByRole('tab', { name: 'Lesson' }).click();
    await lesson.getByRole('button', { name: 'Check my pipeline' }).click();
    await waitUntil('every check to pass', () => checks.evaluateAll((items) => items.map((i) => i.className)),
      (classes) => classes.length > 0 && classes.every((c) => c === 'passed'));
    assert.match(await lesson.textContent(), /All checks pass/);

    // A quiz answer is checked and explained.
    await lesson.getByRole('button', { name: '1,000 records or 1 MiB, whichever comes first' }).click();
    assert.match(await lesson.locator('.quiz-right').first().textContent(), /Right/);
    await screenshot(page, 'lesson-passed');

    // Progress survives a reload: the outline marks the lesson passed.
    await page.reload({ waitUntil: 'load' });
    await page.getByRole('tab', { name: 'Course' }).click();
    const outline = page.getByTestId('course');
    await waitUntil('the outline', () => outline.textContent(), (t) => t.includes('1 of'));
    assert.ok(await outline.getByRole('button', { name: /Shards and their limits \(passed\)/ }).isVisible());
    assert.match(await outline.textContent(), /1 of \d+ lessons passed · 0 shown by "Show me" \(not counted\) · 1 hint used/);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a lesson solved with "Show me" counts as shown, not passed', { timeout: TEST_TIMEOUT_MS }, async () => {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const { page, problems } = opened;
    await page.goto(env.server.url + '#lesson=partition-keys', { waitUntil: 'load' });
    const lesson = page.getByRole('region', { name: 'Lesson' });
    await lesson.waitFor();
    const checks = lesson.getByTestId('checks').getByRole('listitem');

    // "Show me" puts the reference solution on the canvas; its grade passes every check...
    await lesson.getByRole('button', { name: 'Show me' }).click();
    await page.getByRole('tab', { name: 'Lesson' }).click();
    await lesson.getByRole('button', { name: 'Check my pipeline' }).click();
    await waitUntil('every check to pass', () => checks.evaluateAll((items) => items.map((i) => i.className)),
      (classes) => classes.length > 0 && classes.every((c) => c === 'passed'));
    // ...but the lesson is shown, not passed, here and in the course outline.
    assert.match(await lesson.getByTestId('lesson-status').textContent(), /shown by "Show me": not passed yet/);
    await page.getByRole('tab', { name: 'Course' }).click();
    const outline = page.getByTestId('course');
    await waitUntil('the outline', () => outline.textContent(), (t) => t.includes('lessons passed'));
    assert.match(await outline.textContent(), /0 of \d+ lessons passed · 1 shown by "Show me" \(not counted\)/);
    assert.ok(await outline.getByRole('button', { name: /Partition keys, hashing and ordering \(shown, not passed\)/ }).isVisible());
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a shared link carrying a lesson\'s solution counts as shown, not passed', { timeout: TEST_TIMEOUT_MS }, async () => {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const { page } = opened;
    await page.goto(env.server.url + '#lesson=partition-keys', { waitUntil: 'load' });
    await page.getByRole('region', { name: 'Lesson' }).getByRole('button', { name: 'Show me' }).click();
    // The solution on the canvas, shared as the learner's attempt at the lesson...
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    assert.match(link, /&lesson=partition-keys/);

    // ...opened in a fresh browser: its grade passes every check, but it counts as shown.
    const other = await openPage(env.browser);
    env.contexts.push(other.context);
    await other.page.goto(link, { waitUntil: 'load' });
    const lesson = other.page.getByRole('region', { name: 'Lesson' });
    await lesson.waitFor();
    const checks = lesson.getByTestId('checks').getByRole('listitem');
    await lesson.getByRole('button', { name: 'Check my pipeline' }).click();
    await waitUntil('every check to pass', () => checks.evaluateAll((items) => items.map((i) => i.className)),
      (classes) => classes.length > 0 && classes.every((c) => c === 'passed'));
    assert.match(await lesson.getByTestId('lesson-status').textContent(), /shown by "Show me": not passed yet/);
    await other.page.getByRole('tab', { name: 'Course' }).click();
    const outline = other.page.getByTestId('course');
    await waitUntil('the outline', () => outline.textContent(), (t) => t.includes('lessons passed'));
    assert.match(await outline.textContent(), /0 of \d+ lessons passed · 1 shown by "Show me" \(not counted\)/);
    assert.deepEqual(other.problems.pageErrors, [], 'uncaught errors in the page');
  });

  test('a practice exam draws 20 questions, scores them and reviews each', { timeout: TEST_TIMEOUT_MS }, async () => {
    const opened = await openPage(env.browser);
    env.contexts.push(opened.context);
    const { page, problems } = opened;
    await page.goto(env.server.url, { waitUntil: 'load' });
    await page.getByRole('tab', { name: 'Course' }).click();
    const exam = page.getByRole('region', { name: 'Practice exam' });
    await exam.getByRole('button', { name: 'Start a practice exam' }).click();
    assert.match(await exam.textContent(), /question 1 of 20/);
    await exam.locator('fieldset button').first().click();
    assert.match(await exam.textContent(), /1 answered/);
    await exam.getByRole('button', { name: 'Next →' }).click();
    assert.match(await exam.textContent(), /question 2 of 20/);
    await exam.getByRole('button', { name: 'Finish and score' }).click();
    assert.match(await exam.getByTestId('exam-score').textContent(), /^Score: [01] of 20 \(\d+ %\)$/);
    assert.equal(await exam.locator('.exam-review li').count(), 20);
    assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  });
});
