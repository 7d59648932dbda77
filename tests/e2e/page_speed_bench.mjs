// Playing-speed benchmark (not a test: it reports numbers and asserts nothing about speed), issue 18's page goals:
// - the 100-shard scenario (100,000 records/s of 1 KiB through PutRecords) played at the highest speed, 1000x:
//   simulated seconds per wall second, and the animation frames' p50 and p95 intervals meanwhile;
// - "Run to 1h" on it: the wall time until the clock shows 1:00:00, or how far it got when the wait is capped;
// - the 2-shard default scenario (the first minute) played at 1000x: the same figures.
// Run by `cargo xtask bench` after `cargo xtask dist`. Each line ends with the machine's load average, since
// other work on the machine slows the page.

import { loadavg } from 'node:os';
import { frameIntervals, overPercent, percentile, setUpFullLoad } from './full_load.mjs';
import { clockMs, launchChromium, openPage, serveDist } from './harness.mjs';

const WARM_UP_MS = 1_500;
const MEASURE_MS = 10_000;
/// The speed select's value for 1000x (the page counts speeds in tenths of real time).
const SPEED_1000X_TENTHS = '10000';
const HOUR_MS = 3_600_000;
/// The longest "Run to 1h" is waited for, in wall seconds (SHARDLAB_RUN_TO_CAP_S overrides it).
const RUN_TO_CAP_S = Number(process.env.SHARDLAB_RUN_TO_CAP_S ?? 300);
const POLL_MS = 250;

const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays at 1000x and returns simulated seconds per wall second and the frame intervals over MEASURE_MS, after
 * WARM_UP_MS. */
async function playingSpeed(page) {
  await page.getByLabel('Speed').selectOption(SPEED_1000X_TENTHS);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await sleep(WARM_UP_MS);
  const simStartMs = await clockMs(page);
  const wallStartMs = performance.now();
  const frames = (await frameIntervals(page, MEASURE_MS)).sort((a, b) => a - b);
  const simEndMs = await clockMs(page);
  const wallMs = performance.now() - wallStartMs;
  const behind = await page.getByRole('status').filter({ hasText: 'slower than asked' }).count();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  return { perWallSecond: (simEndMs - simStartMs) / wallMs, behind: behind > 0, frames };
}

const describe = ({ perWallSecond, behind, frames }) =>
  `${perWallSecond.toFixed(1)} simulated s per wall s (asked 1000)${behind ? ', the page says "slower than asked"' : ''}` +
  `, frames p50 ${percentile(frames, 50).toFixed(1)} ms, p95 ${percentile(frames, 95).toFixed(1)} ms ` +
  `(${overPercent(frames, 17).toFixed(1)} % over 17 ms)`;

const server = await serveDist();
const browser = await launchChromium();
try {
  const { page } = await openPage(browser);
  await page.goto(server.url, { waitUntil: 'load' });
  await page.locator('.pipeline-canvas').waitFor();
  await setUpFullLoad(page);
  console.log('page (headless Chromium, 1280x720, the release dist):');
  console.log(`  100 shards, 100,000 records/s of 1 KiB (PutRecords), playing at 1000x: ${describe(await playingSpeed(page))}; ${load()}`);

  // Run to 1h from t = 0 on the same scenario.
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await page.locator('#run-to').fill('1h');
  const runStartMs = performance.now();
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  let reachedMs = 0;
  while (performance.now() - runStartMs < RUN_TO_CAP_S * 1_000) {
    reachedMs = await clockMs(page);
    if (reachedMs >= HOUR_MS) break;
    await sleep(POLL_MS);
  }
  const runWallS = (performance.now() - runStartMs) / 1_000;
  if (reachedMs >= HOUR_MS) {
    console.log(`  100 shards, Run to 1h: finished in ${runWallS.toFixed(1)} s wall; ${load()}`);
  } else {
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    const reachedS = reachedMs / 1_000;
    console.log(
      `  100 shards, Run to 1h: not finished in ${RUN_TO_CAP_S} s (reached ${reachedS.toFixed(0)} simulated s, ` +
        `${(reachedS / runWallS).toFixed(1)} simulated s per wall s); ${load()}`,
    );
  }

  // The default scenario (2 shards, 1,500 records/s) in a fresh page.
  const fresh = await openPage(browser);
  await fresh.page.goto(server.url, { waitUntil: 'load' });
  await fresh.page.locator('.pipeline-canvas').waitFor();
  console.log(`  2 shards (the default first-minute scenario), playing at 1000x: ${describe(await playingSpeed(fresh.page))}; ${load()}`);
} finally {
  await browser.close();
  await server.close();
}
