// What the page benchmarks share. Issue 18's load in the page: the default scenario's stream given 100 shards and its producer
// 100,000 records/s of 1 KiB through PutRecords. Returns once the page shows the 100 shards.

export async function setUpFullLoad(page) {
  await page.getByRole('button', { name: /^Data stream clickstream/ }).click();
  await page.getByRole('textbox', { name: 'Shards', exact: true }).fill('100');
  await page.getByRole('textbox', { name: 'Shards', exact: true }).press('Enter');
  await page.getByRole('button', { name: /^Producer web-shop/ }).click();
  await page.getByLabel('Client').selectOption('put_records');
  await page.getByLabel('Rate', { exact: true }).fill('100000');
  const listitems = await page.getByRole('region', { name: 'Shards' }).getByRole('listitem').count();
  if (listitems !== 100) throw new Error(`expected 100 shards on the page, found ${listitems}`);
}

/** The `p`th percentile of `sorted` (ascending). */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** The percentage of `frames` (ms) longer than `ms`. */
export const overPercent = (frames, ms) => (100 * frames.filter((f) => f > ms).length) / frames.length;

/** The intervals between the page's animation frames (ms) for `measureMs`, read in the page. */
export const frameIntervals = (page, measureMs) =>
  page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const deltas = [];
        let last = performance.now();
        const start = last;
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          if (now - start < ms) requestAnimationFrame(tick);
          else resolve(deltas);
        };
        requestAnimationFrame(tick);
      }),
    measureMs,
  );
