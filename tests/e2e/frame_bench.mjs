// Frame-time benchmark (not a test: it reports numbers and asserts nothing about speed).
// 100 shards at full write load (100,000 records/s of 1 KiB), played at 100x in headless Chromium:
// how long do the page's animation frames take? Run by `cargo xtask bench` after `cargo xtask dist`.

import { frameIntervals, overPercent, percentile, setUpFullLoad } from './full_load.mjs';
import { launchChromium, openPage, serveDist } from './harness.mjs';

const WARM_UP_MS = 1_500;
const MEASURE_MS = 6_000;

// With SHARDLAB_FRAME_TRACE=1 the measured seconds are also traced (Chromium's timeline), and the main thread's
// CPU time is reported by kind of work: where a frame's time goes, whatever the machine's load.
const TRACE = Boolean(process.env.SHARDLAB_FRAME_TRACE);
const TRACE_KINDS = {
  script_raf: ['FireAnimationFrame'],
  script_microtasks: ['RunMicrotasks'],
  script_timers_events: ['TimerFire', 'EventDispatch'],
  style: ['UpdateLayoutTree'],
  layout: ['Layout'],
  paint: ['PrePaint', 'Paint', 'Layerize', 'UpdateLayer', 'UpdateLayerTree'],
};

/** Main-thread CPU ms per second of measurement for each kind, and the slowest single event of each. */
function traceSummary(buffer, measureMs) {
  const events = JSON.parse(buffer.toString()).traceEvents ?? [];
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const summary = {};
  for (const [kind, names] of Object.entries(TRACE_KINDS)) {
    const mine = events.filter((e) => e.ph === 'X' && names.includes(e.name) && (!main || (e.pid === main.pid && e.tid === main.tid)));
    const cpuMs = mine.map((e) => (e.tdur ?? e.dur ?? 0) / 1_000);
    summary[kind] = {
      cpu_ms_per_s: Number(((1_000 * cpuMs.reduce((a, b) => a + b, 0)) / measureMs).toFixed(1)),
      cpu_ms_max: Number(Math.max(0, ...cpuMs).toFixed(1)),
    };
  }
  return summary;
}

// Cross-origin isolated, so frame intervals are read to 5 µs rather than Chromium's coarsened 100 µs.
const server = await serveDist(undefined, { isolated: true });
const browser = await launchChromium();
try {
  const { page } = await openPage(browser);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(server.url, { waitUntil: 'load' });
  await page.locator('.pipeline-canvas').waitFor();

  await setUpFullLoad(page);
  await page.getByLabel('Speed').selectOption('1000');

  // The shard log view open too (its work per frame is bounded: one page of shards, a fixed number of blocks).
  await page.getByRole('button', { name: /Show the shard log/ }).click();
  await page.locator('.shard-log .shard-tape').first().waitFor();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForTimeout(WARM_UP_MS);
  const clock = page.locator('[data-testid=sim-clock]');
  const simStartMs = Number(await clock.getAttribute('data-ms'));
  if (TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const frames = await frameIntervals(page, MEASURE_MS);
  const trace = TRACE ? traceSummary(await browser.stopTracing(), MEASURE_MS) : undefined;
  const simEndMs = Number(await clock.getAttribute('data-ms'));
  const sorted = [...frames].sort((a, b) => a - b);
  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  const result = {
    timer_resolution: isolated ? '5 µs (cross-origin isolated)' : '100 µs (not isolated)',
    scenario: '100 shards, 100,000 records/s of 1 KiB (PutRecords), 100x, shard log open',
    frames: frames.length,
    frame_ms_p50: Number(percentile(sorted, 50).toFixed(2)),
    frame_ms_p90: Number(percentile(sorted, 90).toFixed(2)),
    frame_ms_p95: Number(percentile(sorted, 95).toFixed(2)),
    frames_over_17_ms_percent: Number(overPercent(frames, 17).toFixed(1)),
    frame_ms_max: Number(sorted[sorted.length - 1].toFixed(1)),
    simulated_seconds_per_wall_second: Number(((simEndMs - simStartMs) / MEASURE_MS).toFixed(2)),
    ...(trace ? { main_thread_cpu: trace } : {}),
  };
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
}
