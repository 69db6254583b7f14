// Loads pages of the sample site in Debian's Chromium (headless, driven by playwright-core) and reports what a
// person would see: did the script run, did the stylesheet apply, did the font and image load, which requests
// failed and why.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

// --no-sandbox comes from chromiumSandbox:false; playwright-core gives every launch a fresh --user-data-dir.
const FLAGS = [
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, chromiumSandbox: false, args: FLAGS });
}

/** "#dbe6fb" -> "rgb(219, 230, 251)", the form getComputedStyle reports. */
export function cssRgb(hex) {
  const n = parseInt(hex.replace('#', ''), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/**
 * Loads {@code url} in a fresh browser context (empty cache, like a first visit) and observes the page.
 *
 * @param options.document  {body, headers}: answer the page's own request with these saved bytes instead of asking
 *                          the server (an old tab: its HTML is from the past, every subresource is fetched now)
 * @param options.screenshot path of a PNG to write
 * @param options.caption    a line drawn at the bottom of the screenshot saying what it shows
 */
export async function observePage(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 960, height: 600 } });
  const page = await context.newPage();
  const requests = [];
  const byRequest = new Map();
  const errors = [];
  page.on('request', (request) => {
    const entry = { method: request.method(), url: request.url(), type: request.resourceType() };
    byRequest.set(request, entry);
    requests.push(entry);
  });
  page.on('response', (response) => {
    const entry = byRequest.get(response.request());
    if (entry) {
      entry.status = response.status();
      entry.statusText = response.statusText();
      entry.cache = response.headers()['x-cache-status'];
    }
  });
  page.on('requestfailed', (request) => {
    const entry = byRequest.get(request);
    if (entry) {
      entry.failure = request.failure()?.errorText || 'failed';
    }
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location()?.url;
      errors.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
    }
  });

  if (options.document) {
    const { body, headers } = options.document;
    await page.route(url, (route) => route.fulfill({ status: 200, headers, body }));
  }

  let served = null;
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout: 15000 });
    if (response) {
      served = { status: response.status(), headers: response.headers(), body: await response.text() };
    }
    // The module script runs after parsing; give it a moment but never hang on a page whose script is gone.
    await page.waitForFunction(() => document.getElementById('marker')?.dataset.release, null, { timeout: 3000 })
      .catch(() => {});
    const seen = await page.evaluate(async () => {
      const marker = document.getElementById('marker');
      const logo = document.getElementById('logo');
      const brand = document.querySelector('.brand');
      const faces = [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Holdfast Sample');
      await Promise.allSettled(faces.map((f) => f.load()));
      await document.fonts.ready;
      return {
        release: marker?.dataset.release ?? null,
        markerText: marker?.textContent ?? null,
        background: getComputedStyle(document.body).backgroundColor,
        headingFont: brand ? getComputedStyle(brand).fontFamily : null,
        fontFaces: faces.map((f) => f.status),
        fontCheck: faces.length > 0 && document.fonts.check('48px "Holdfast Sample"'),
        imageComplete: Boolean(logo?.complete),
        imageWidth: logo?.naturalWidth ?? 0,
      };
    });
    if (options.screenshot) {
      if (options.caption) {
        await page.evaluate((text) => {
          const bar = document.createElement('div');
          bar.textContent = text;
          bar.style.cssText = 'position:fixed;left:0;right:0;bottom:0;padding:8px 14px;background:#1d2a30;'
            + 'color:#fff;font:14px/1.4 "DejaVu Sans Mono",monospace;';
          document.body.appendChild(bar);
        }, options.caption);
      }
      mkdirSync(dirname(options.screenshot), { recursive: true });
      await page.screenshot({ path: options.screenshot });
    }
    await askAgain(requests);
    return { url, ...seen, document: served, requests, errors };
  } finally {
    await context.close();
  }
}

/**
 * A request the browser gave up on without a status (blocked by a MIME check, aborted) is asked again over plain
 * HTTP, so the report can say what the server answers.
 */
async function askAgain(requests) {
  for (const r of requests) {
    if (r.failure && r.status === undefined && r.url.startsWith('http')) {
      try {
        const response = await fetch(r.url, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        const h = (name) => response.headers.get(name) || '-';
        r.askedAgainStatus = response.status;
        r.askedAgain = `${response.status}, Content-Type: ${h('content-type')}, Cache-Control: ${h('cache-control')}`;
      } catch (error) {
        r.askedAgain = `no answer (${error.cause?.code || error.message})`;
      }
    }
  }
}

/** A failed request, said the way a person debugging it needs it: what, where, and what came back. */
export function describeRequest(r) {
  const cache = r.cache ? ` (X-Cache-Status: ${r.cache})` : '';
  if (r.failure) {
    return `${r.method} ${r.url} [${r.type}] failed: ${r.failure}${r.status ? `, status ${r.status}` : ''}${cache}`
      + (r.askedAgain ? `; asked again, the server answers ${r.askedAgain}` : '');
  }
  if (r.status === undefined) {
    return `${r.method} ${r.url} [${r.type}] got no response`;
  }
  return `${r.method} ${r.url} [${r.type}] answered ${r.status} ${r.statusText || ''}`.trimEnd() + cache;
}

export function failedRequests(observation) {
  return observation.requests.filter((r) => r.failure || (r.status !== undefined && r.status >= 400)
    || r.status === undefined);
}

/**
 * Everything wrong with a page that should render release {@code release} fully: an empty list means the script
 * ran, the stylesheet applied, the font and the image loaded and no request failed.
 */
export function problemsRenderingFully(observation, { version: release, background }) {
  const problems = [];
  if (observation.release !== release) {
    problems.push(`script: marker shows ${JSON.stringify(observation.markerText)}, expected "release ${release}"`);
  }
  if (observation.background !== cssRgb(background)) {
    problems.push(`stylesheet: body background is ${observation.background}, expected ${cssRgb(background)} (${background})`);
  }
  if (!observation.fontCheck || !observation.fontFaces.every((s) => s === 'loaded')) {
    problems.push(`font: "Holdfast Sample" faces ${JSON.stringify(observation.fontFaces)}, document.fonts.check=${observation.fontCheck}`);
  }
  if (!observation.imageComplete || observation.imageWidth <= 0) {
    problems.push(`image: #logo complete=${observation.imageComplete} naturalWidth=${observation.imageWidth}`);
  }
  for (const r of failedRequests(observation)) {
    problems.push(`request: ${describeRequest(r)}`);
  }
  for (const e of observation.errors) {
    problems.push(e);
  }
  return problems;
}

export function summarize(observation) {
  const lines = [`page ${observation.url}: marker=${JSON.stringify(observation.markerText)} background=${observation.background}`
    + ` font=${JSON.stringify(observation.fontFaces)} image=${observation.imageWidth}px`];
  for (const r of observation.requests) {
    lines.push(`  ${describeRequest(r)}`);
  }
  return lines.join('\n');
}
