// Test harness for the end-to-end tests: serves dist/ under a sub-path on 127.0.0.1 and drives
// Debian's Chromium through playwright-core. Every wait is bounded by TIMEOUT_MS, and everything
// started here is stopped by the tests' `after` hooks.

import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/// The site is served from here, not from the server root, to prove its asset URLs are relative.
export const SUB_PATH = '/sub/path/';
/// Upper bound for every single wait (page loads, selectors, polling).
export const TIMEOUT_MS = 20_000;
/// What is served: the release build, or another folder named by SHARDLAB_E2E_DIST.
export const DIST = path.resolve(process.env.SHARDLAB_E2E_DIST ?? path.join(here, '..', '..', 'dist'));
export const SCREENSHOTS = path.join(here, 'screenshots');
const CHROMIUM = process.env.SHARDLAB_E2E_CHROMIUM ?? '/usr/bin/chromium';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` at http://127.0.0.1:PORT/sub/path/ on a free port: /sub/path/x maps to root/x,
 * a path ending in / maps to its index.html, and anything else is a 404.
 * /favicon.ico at the server root gets an empty 204: browsers ask for it on their own when a page
 * names no icon, and a real host's root is not part of the app.
 * With `gzip`, answers gzip -9 compressed to clients that accept it, as a static host would.
 * With `isolated`, sends the two headers that make the page cross-origin isolated, which gives `performance.now()`
 * 5 µs resolution instead of 100 µs (the frame benchmark reads 16.67 ms display intervals with it).
 * Returns { url, notFound, close }: `notFound` lists every path answered with 404.
 */
export async function serveDist(root = DIST, { gzip = false, isolated = false } = {}) {
  const info = await stat(path.join(root, 'index.html')).catch(() => null);
  if (!info?.isFile()) {
    throw new Error(`${root}/index.html does not exist: build the site first (cargo xtask dist)`);
  }
  const notFound = [];
  const isolation = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const server = createServer(async (request, response) => {
    const reply = (status, body, headers = {}) => {
      response.writeHead(status, { 'cache-control': 'no-store', ...isolation, ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    const notFoundReply = (pathname) => {
      notFound.push(pathname);
      reply(404, 'not found\n', { 'content-type': 'text/plain; charset=utf-8' });
    };
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    } catch {
      return reply(400, 'bad request\n');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply(405, 'method not allowed\n', { allow: 'GET, HEAD' });
    }
    if (pathname === '/favicon.ico') {
      return reply(204, '');
    }
    if (pathname === SUB_PATH.slice(0, -1)) {
      return reply(301, '', { location: SUB_PATH });
    }
    if (!pathname.startsWith(SUB_PATH)) {
      return notFoundReply(pathname);
    }
    let relative = pathname.slice(SUB_PATH.length);
    if (relative === '' || relative.endsWith('/')) {
      relative += 'index.html';
    }
    const file = path.resolve(root, relative);
    if (!file.startsWith(root + path.sep)) {
      return notFoundReply(pathname);
    }
    try {
      const body = await readFile(file);
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      if (gzip && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '') && !type.startsWith('image/')) {
        const packed = gzipSync(body, { level: 9 });
        return reply(200, packed, { 'content-type': type, 'content-length': packed.length, 'content-encoding': 'gzip', vary: 'accept-encoding' });
      }
      reply(200, body, { 'content-type': type, 'content-length': body.length });
    } catch {
      notFoundReply(pathname);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${SUB_PATH}`,
    notFound,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Headless Debian Chromium (Playwright's own browsers cannot be downloaded here). */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: TIMEOUT_MS,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Where the page remembers that the first-visit tour was seen (web/src/tour.rs). */
export const TOUR_SEEN_KEY = 'shardlab.tour.v1';

/**
 * A fresh page in its own context (1280x720 unless `viewport` says otherwise), recording what went wrong on it:
 * { page, context, problems: { consoleErrors, pageErrors, failedRequests } }.
 * The first-visit tour is marked as seen, so it never covers what a test clicks, unless `firstVisit` is set.
 * `hasTouch` gives the page a touch screen; `colorScheme` is what the page's media queries see;
 * `serviceWorkers: 'block'` keeps the service worker out (so `page.route` sees every request).
 */
export async function openPage(browser, { viewport = { width: 1280, height: 720 }, firstVisit = false, hasTouch = false, colorScheme = 'light', serviceWorkers = 'allow' } = {}) {
  const context = await browser.newContext({ viewport, hasTouch, colorScheme, serviceWorkers });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  if (!firstVisit) {
    await context.addInitScript((key) => window.localStorage.setItem(key, '1'), TOUR_SEEN_KEY);
  }
  const page = await context.newPage();
  const problems = { consoleErrors: [], pageErrors: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const { url } = message.location();
      problems.consoleErrors.push(url ? `${message.text()} (${url})` : message.text());
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('requestfailed', (request) =>
    problems.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
    }
  });
  return { page, context, problems };
}

/** Saves a screenshot of the viewport to tests/e2e/screenshots/NAME.png. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, timeout: TIMEOUT_MS });
  return file;
}

/** Polls `read()` every 100 ms until `accept(value)` holds; fails after `timeoutMs`. */
export async function waitUntil(what, read, accept, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let value;
  for (;;) {
    value = await read();
    if (accept(value)) {
      return value;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last value: ${value})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The set-up every test file shares: inside a `describe`, serves dist/ and launches Chromium before the
 * tests, and closes every browser context the tests opened, the browser and the server after them.
 * Returns `{ server, browser, contexts }`, filled in once `before` has run.
 */
export function useBrowser({ before, after }) {
  const env = { server: null, browser: null, contexts: [] };
  before(async () => {
    env.server = await serveDist();
    env.browser = await launchChromium();
  });
  after(async () => {
    for (const context of env.contexts) {
      await context.close().catch(() => {});
    }
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** The simulated time the page's clock shows, in ms. */
export const clockMs = async (page) => Number(await page.getByTestId('sim-clock').getAttribute('data-ms'));
