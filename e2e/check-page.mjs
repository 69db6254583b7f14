#!/usr/bin/env node
// Loads one page of the sample site in headless Chromium and says whether it renders fully: script ran, stylesheet
// applied, font and image loaded, no request failed. For a person checking `make run` by hand:
//
//   node e2e/check-page.mjs http://127.0.0.1:8080/ v2 [--screenshot page.png]
//   node e2e/check-page.mjs http://127.0.0.1:8080/_releases/v1/ v1
//
// VERSION is a line of sample/versions (it gives the expected marker and background). Exit 0 when the page
// renders fully, 1 with every problem listed otherwise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, observePage, problemsRenderingFully, summarize } from './lib/browser.mjs';
import { ROOT } from './lib/holdfast.mjs';

const args = process.argv.slice(2);
const shotAt = args.indexOf('--screenshot');
const screenshot = shotAt >= 0 ? args.splice(shotAt, 2)[1] : undefined;
const [url, version] = args;
if (!url || !version) {
  console.error('usage: node e2e/check-page.mjs URL VERSION [--screenshot FILE.png]');
  process.exit(2);
}
const line = readFileSync(join(ROOT, 'sample', 'versions'), 'utf8').split('\n')
  .map((l) => l.trim().split(/\s+/)).find(([v]) => v === version);
if (!line) {
  console.error(`check-page: unknown version '${version}' (see sample/versions)`);
  process.exit(2);
}

const browser = await launchBrowser();
try {
  const seen = await observePage(browser, url, { screenshot });
  console.log(summarize(seen));
  const problems = problemsRenderingFully(seen, { version, background: line[1] });
  if (problems.length > 0) {
    console.log(`\n${url} does not render release ${version} fully:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`\n${url} renders release ${version} fully${screenshot ? `; screenshot: ${screenshot}` : ''}`);
  }
} finally {
  await browser.close();
}
