// The end-to-end scenario: old pages keep working across deploys, as a browser sees it. Run by e2e/run (make e2e)
// once per configuration: the filesystem store, the S3 store (S3Proxy in its own process), and the filesystem
// store behind nginx proxy_cache. Every step drives the real `holdfast` command and a real origin process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeRequest, failedRequests, launchBrowser, observePage, problemsRenderingFully, summarize,
} from './lib/browser.mjs';
import { startCdn } from './lib/cdn.mjs';
import { Holdfast, ROOT } from './lib/holdfast.mjs';
import { request, requestUntil } from './lib/http.mjs';
import { Processes, freePort, logTail, waitForHttp } from './lib/processes.mjs';
import { startS3Server } from './lib/s3server.mjs';
import { buildSites, fingerprintedPaths } from './lib/sites.mjs';

const OUT = process.env.E2E_OUT || join(ROOT, 'e2e', 'out');
const DOCS = join(ROOT, 'docs', 'walkthrough');
const CHANNEL = 'production';
const CONFIGS = (process.env.E2E_CONFIGS || 'fs,s3,cdn').split(',').map((s) => s.trim()).filter(Boolean);
// Extra flags for `holdfast serve` (e.g. a shorter index refresh while debugging).
const SERVE_ARGS = (process.env.E2E_SERVE_ARGS || '').split(' ').filter(Boolean);
// How long a change in the store (a retired release) may take to reach the origin's answers.
const ORIGIN_REFRESH_MS = Number(process.env.E2E_ORIGIN_REFRESH_MS || 20000);
// A promote or rollback must be visible on the entry page "at once": within this bound.
const ENTRY_PAGE_MS = Number(process.env.E2E_ENTRY_PAGE_MS || 5000);
const STEP_TIMEOUT_MS = 180000;

// Retention policies. Step 2 keeps the two newest (v1, v2). Step 3 keeps only the three newest (v2, v3, v4) and
// the channel's current release: nothing else (no age window, no recently-served window, no history) keeps v1.
// Grace and retirement 0 so that a few runs in a row really delete the blobs that only v1 referenced.
const KEEP_V1 = ['--keep-last', '2'];
const DROP_V1 = ['--keep-last', '3', '--keep-within', '0s', '--keep-channel-history', '1',
  '--keep-served-within', '0s', '--retire-for', '0s', '--grace', '0s'];

// The screenshots docs/WALKTHROUGH.md shows, by configuration (e2e/run --update-docs copies them).
const DOC_SHOTS = {
  fs: ['1-v1-current.png', '2-v1-old-tab.png', '2-v2-current.png', '3-v4-current.png', '3-v1-old-tab-after-gc.png',
    '4-v3-after-rollback.png'],
  cdn: ['3-v1-old-tab-after-gc-via-cdn.png'],
};

const CONFIG_TITLES = {
  fs: 'filesystem store',
  s3: 'S3 store (S3Proxy in its own process)',
  cdn: 'filesystem store behind nginx proxy_cache',
};

let browser;
let sites;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  sites = buildSites(join(OUT, 'sites'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

for (const name of CONFIGS) {
  if (!CONFIG_TITLES[name]) {
    throw new Error(`unknown E2E_CONFIGS entry '${name}': use fs, s3 or cdn`);
  }
  scenario(name);
}

function scenario(name) {
  describe(`old pages keep working across deploys: ${CONFIG_TITLES[name]}`, () => {
    const dir = join(OUT, name);
    const shots = join(dir, 'screenshots');
    const viaCdn = name === 'cdn';
    let processes;
    let holdfast;
    let origin;
    let cdn;
    let base;            // what the browser talks to: the origin, or nginx in front of it
    const manifests = {};
    let oldTabV1;        // v1's entry page as the browser received it in step 1
    let failed = false;

    // Steps build on each other: after a failed one the rest are reported as skipped, not as more failures.
    // A step that hangs fails after STEP_TIMEOUT_MS.
    const step = (title, fn) => test(title, { timeout: STEP_TIMEOUT_MS }, async (t) => {
      if (failed) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn(t);
      } catch (error) {
        failed = true;
        if (origin) {
          t.diagnostic(`last lines of the origin's log (${origin.logFile}):\n${logTail(origin, 20)}`);
        }
        throw error;
      }
    });

    before(async () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      processes = new Processes(join(dir, 'logs'));
      const transcript = join(dir, 'commands.log');
      if (name === 's3') {
        const s3 = await startS3Server(processes, join(dir, 's3'));
        holdfast = new Holdfast({ store: s3.store, env: s3.env, transcript });
      } else {
        holdfast = new Holdfast({ store: join(dir, 'store'), transcript });
      }
    });

    after(async () => {
      await processes?.stopAll();
    });

    async function publish(version) {
      await holdfast.cli('publish', sites[version].dir, '--release', version);
      manifests[version] = await holdfast.json('show', version);
      // The page references its assets by the names the bundler gave them: publish must serve them under those.
      const served = new Set(fingerprintedPaths(manifests[version]));
      const lost = sites[version].refs.filter((ref) => !served.has(ref));
      assert.deepEqual(lost, [], `release ${version}: index.html references these URLs, but publish serves no asset `
        + `under them (served: ${[...served].join(', ')})`);
    }

    async function startOrigin() {
      const port = await freePort();
      const adminPort = await freePort();
      const { command, args, env } = holdfast.serveCommand('--bind', '127.0.0.1', '--port', String(port),
        '--admin-port', String(adminPort), '--channel', CHANNEL, '--origin-id', `e2e-${name}`, ...SERVE_ARGS);
      origin = processes.start('origin', command, args, { env });
      origin.url = `http://127.0.0.1:${port}`;
      origin.admin = `http://127.0.0.1:${adminPort}`;
      await waitForHttp(`${origin.admin}/readyz`, origin);
      base = origin.url;
      if (viaCdn) {
        cdn = await startCdn(processes, join(dir, 'nginx'), origin.url);
        base = cdn.url;
      }
    }

    /** Loads a page and fails, listing every problem and every request, unless release VERSION renders fully. */
    async function expectRenders(url, version, { document, shot, caption } = {}) {
      const seen = await observePage(browser, url, {
        document, screenshot: shot && join(shots, shot), caption,
      });
      const problems = problemsRenderingFully(seen, sites[version]);
      assert.deepEqual(problems, [], `${url} should render release ${version} fully, but:\n  `
        + `${problems.join('\n  ')}\n${summarize(seen)}`);
      return seen;
    }

    /** The entry page at {@code base}/ names release VERSION's script: the channel points at VERSION. */
    async function expectEntryPageShows(version) {
      const script = sites[version].refs.find((r) => r.endsWith('.js'));
      const { response, ms } = await requestUntil(`${base}/`, (r) => r.status === 200 && r.body.includes(script), {
        timeoutMs: ENTRY_PAGE_MS, what: `release ${version}'s page (referencing ${script})`,
      });
      if (viaCdn) {
        assert.notEqual(response.headers['x-cache-status'], 'HIT',
          `the entry page must be revalidated, never answered from the CDN cache alone: ${response.describe()}`);
      }
      return ms;
    }

    /** The sum of every series of a counter on the origin's /metrics (Prometheus text format). */
    async function metric(name, labels = '') {
      const response = await request(`${origin.admin}/metrics`);
      assert.equal(response.status, 200, response.describe());
      let sum = 0;
      for (const line of response.body.split('\n')) {
        const m = line.match(/^([a-z_]+)(\{[^}]*\})? ([0-9.eE+-]+)$/);
        if (m && m[1] === name && (m[2] || '').includes(labels)) {
          sum += Number(m[3]);
        }
      }
      return sum;
    }
    const NOT_FOUND = 'holdfast_origin_fingerprinted_not_found_total';

    step('1. publish v1 (A) and promote it: the page runs its script, applies its stylesheet, loads its font and image',
      async (t) => {
        await publish('v1');
        await holdfast.cli('promote', 'v1', '--channel', CHANNEL);
        await startOrigin();
        t.diagnostic(`origin ${origin.url}, metrics ${origin.admin}/metrics${viaCdn ? `, nginx ${cdn.url}` : ''}`);
        const seen = await expectRenders(`${base}/`, 'v1', {
          shot: '1-v1-current.png', caption: `step 1: ${base}/ → production = v1`,
        });
        // The old tab of step 2: this HTML exactly as the browser received it.
        oldTabV1 = { body: seen.document.body, headers: seen.document.headers };
        writeFileSync(join(dir, 'old-tab-v1.html'), seen.document.body);
        if (viaCdn) {
          const again = await expectRenders(`${base}/`, 'v1');
          const assets = again.requests.filter((r) => r.type !== 'document');
          assert.ok(assets.length >= 4, `expected script, stylesheet, image and font requests:\n${summarize(again)}`);
          const notHits = assets.filter((r) => r.cache !== 'HIT');
          assert.deepEqual(notHits.map(describeRequest), [],
            'every fingerprinted asset should be a cache hit on the second load');
          const page = again.requests.find((r) => r.type === 'document');
          assert.notEqual(page.cache, 'HIT', `the entry page must go to the origin: ${describeRequest(page)}`);
        }
      });

    step('2. publish v2 (B), promote it, GC keeping v1: the old tab of v1 and the page of v2 both render fully',
      async (t) => {
        await publish('v2');
        await holdfast.cli('promote', 'v2', '--channel', CHANNEL);
        t.diagnostic(`promote v2 visible on ${base}/ after ${await expectEntryPageShows('v2')} ms`);
        const gc = await holdfast.json('gc', ...KEEP_V1);
        const v1 = gc.releases.find((r) => r.id === 'v1');
        assert.equal(v1?.action, 'keep', `GC with ${KEEP_V1.join(' ')} should keep v1: ${JSON.stringify(gc.releases)}`);
        t.diagnostic(`gc kept v1: ${v1.reasons.join('; ')}`);
        const v1Hits = await metric('holdfast_origin_release_hits_total', 'release="v1"');
        await expectRenders(`${base}/`, 'v1', {
          document: oldTabV1, shot: '2-v1-old-tab.png',
          caption: 'step 2: old tab of v1 (its HTML from step 1), after v2 was promoted and GC ran',
        });
        if (!viaCdn) {
          // The origin sees old pages being used: what GC's --keep-served-within relies on.
          assert.ok(await metric('holdfast_origin_release_hits_total', 'release="v1"') > v1Hits,
            'the origin should count the old tab\'s requests as hits of release v1');
        }
        await expectRenders(`${base}/`, 'v2', { shot: '2-v2-current.png', caption: `step 2: ${base}/ → production = v2` });
        await expectRenders(`${base}/_releases/v1/`, 'v1');
        assert.equal(await metric(NOT_FOUND), 0, 'no page so far asked for a fingerprinted asset the origin lacks');
      });

    step('3. publish v3 (C) and v4 (D), promote v4, GC dropping v1: v1\'s own assets answer 404; v2, v3, v4 render; verify is clean',
      async (t) => {
        if (viaCdn) {
          // Asked before it exists, an asset must not leave a 404 in the cache.
          const script = sites.v3.refs.find((r) => r.endsWith('.js'));
          const before = await request(`${base}${script}`);
          assert.equal(before.status, 404, `before v3 is published: ${before.describe()}`);
          await publish('v3');
          const afterPublish = await request(`${base}${script}`);
          assert.equal(afterPublish.status, 200,
            `v3 was just published, yet the CDN still answers: ${afterPublish.describe()} (was: ${before.describe()})`);
        } else {
          await publish('v3');
        }
        await publish('v4');
        await holdfast.cli('promote', 'v4', '--channel', CHANNEL);
        await expectEntryPageShows('v4');

        // GC retires v1, then deletes its tombstone, then deletes the blobs only v1 referenced once they have been
        // candidates in an earlier run (two phases): run it until it has nothing left to do.
        const runs = [];
        for (let i = 0; i < 5; i++) {
          const run = await holdfast.json('gc', ...DROP_V1);
          runs.push(run);
          const a = run.releaseActions;
          if (a.retire === 0 && a.delete === 0 && run.blobs.candidates === 0 && run.blobs.waiting === 0) {
            break;
          }
        }
        const actions = runs.map((r) => r.releases.find((x) => x.id === 'v1')?.action ?? '-');
        assert.equal(actions[0], 'retire', `the first GC run should retire v1: ${JSON.stringify(runs[0].releases)}`);
        const digestsOf = (v) => [...new Set(manifests[v].assets.flatMap((a) => [a.digest,
          ...Object.values(a.variants || {}).map((x) => x.digest)]))];
        const kept = new Set(['v2', 'v3', 'v4'].flatMap(digestsOf));
        const onlyV1Blobs = digestsOf('v1').filter((d) => !kept.has(d));
        const deleted = runs.reduce((n, r) => n + r.blobs.deleted, 0);
        assert.equal(deleted, onlyV1Blobs.length, `GC should delete exactly the ${onlyV1Blobs.length} blobs only v1 `
          + `referenced; runs: ${JSON.stringify(runs.map((r) => ({ releases: r.releaseActions, blobs: r.blobs })))}`);
        t.diagnostic(`gc: v1 ${actions.join(' → ')}; ${deleted} blobs deleted in ${runs.length} runs`);

        const retained = new Set(['v2', 'v3', 'v4'].flatMap((v) => fingerprintedPaths(manifests[v])));
        const onlyV1 = fingerprintedPaths(manifests.v1).filter((p) => !retained.has(p));
        assert.ok(onlyV1.length >= 2, `v1 should have its own script and stylesheet: ${onlyV1}`);
        // Asked of the origin itself: a CDN may keep serving what it cached (see docs/WALKTHROUGH.md).
        for (const path of onlyV1) {
          const { response, ms } = await requestUntil(`${origin.url}${path}`, (r) => r.status === 404, {
            timeoutMs: ORIGIN_REFRESH_MS, what: '404 for an asset only the retired v1 referenced',
          });
          assert.doesNotMatch(response.headers['cache-control'] || '', /immutable|max-age=31536000/,
            `a 404 must not be cacheable for long: ${response.describe()}`);
          t.diagnostic(`${path}: 404 after ${ms} ms`);
        }
        for (const path of [...retained]) {
          const r = await request(`${origin.url}${path}`, { method: 'HEAD' });
          assert.equal(r.status, 200, `an asset of a retained release: ${r.describe()}`);
        }

        await expectRenders(`${base}/_releases/v2/`, 'v2');
        await expectRenders(`${base}/_releases/v3/`, 'v3');
        await expectRenders(`${base}/`, 'v4', { shot: '3-v4-current.png', caption: `step 3: ${base}/ → production = v4` });

        if (viaCdn) {
          // The edge still holds v1's assets (cached for a year as immutable): the old tab keeps working there.
          const seen = await expectRenders(`${base}/`, 'v1', {
            document: oldTabV1, shot: '3-v1-old-tab-after-gc-via-cdn.png',
            caption: 'step 3: old tab of v1 after GC, through nginx: its assets come from the cache',
          });
          const misses = seen.requests.filter((r) => r.type !== 'document' && r.cache !== 'HIT');
          assert.deepEqual(misses.map(describeRequest), [], 'v1\'s assets should all come from the nginx cache');
        } else {
          // The old tab of v1 now: exactly v1's own assets fail, with 404, and the origin's metrics show it.
          const notFoundBefore = await metric(NOT_FOUND);
          const seen = await observePage(browser, `${base}/`, {
            document: oldTabV1, screenshot: join(shots, '3-v1-old-tab-after-gc.png'),
            caption: 'step 3: old tab of v1 after GC dropped v1: its own script and stylesheet are gone (404)',
          });
          const failures = failedRequests(seen);
          // A set: under load Chromium may ask twice for one stylesheet (preload scanner and parser); each ask is
          // still checked below, and counted against the metric.
          const failedPaths = [...new Set(failures.map((r) => new URL(r.url).pathname))].sort();
          assert.deepEqual(failedPaths, [...onlyV1].sort(),
            `the old tab of v1 should miss exactly v1's own assets:\n${summarize(seen)}`);
          for (const r of failures) {
            assert.equal(r.status ?? r.askedAgainStatus, 404, `should be a 404: ${describeRequest(r)}`);
          }
          // Each failed request of the page, plus each time the report asked again, is one fingerprinted 404.
          const asked = failures.length + failures.filter((r) => r.askedAgain).length;
          assert.equal(await metric(NOT_FOUND) - notFoundBefore, asked,
            `${NOT_FOUND} should count the old tab's ${asked} fingerprinted 404s`);
        }

        await holdfast.cli('verify');
      });

    step('4. roll back to v3 (C): the entry page shows v3 at once, and every retained release still resolves',
      async (t) => {
        await holdfast.cli('rollback', '--channel', CHANNEL, '--to', 'v3');
        t.diagnostic(`rollback to v3 visible on ${base}/ after ${await expectEntryPageShows('v3')} ms`);
        await expectRenders(`${base}/`, 'v3', { shot: '4-v3-after-rollback.png', caption: `step 4: ${base}/ → rolled back to v3` });
        await expectRenders(`${base}/_releases/v2/`, 'v2');
        await expectRenders(`${base}/_releases/v4/`, 'v4');
        const exit = await processes.stop(origin);
        assert.equal(exit.forced, undefined, `the origin did not stop within 10 s of SIGTERM: ${JSON.stringify(exit)}`);
        if (process.env.E2E_UPDATE_DOCS && DOC_SHOTS[name]) {
          mkdirSync(DOCS, { recursive: true });
          for (const shot of DOC_SHOTS[name]) {
            copyFileSync(join(shots, shot), join(DOCS, shot));
          }
        }
      });
  });
}
