// The four versions of the sample site the scenario publishes: v1 and v2 as committed in sample/, v3 and v4
// rendered by sample/build. Each knows its background colour and the URLs its index.html references.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './holdfast.mjs';

const COMMITTED = new Set(['v1', 'v2']);

export function buildSites(outDir) {
  const table = readFileSync(join(ROOT, 'sample', 'versions'), 'utf8');
  const sites = {};
  for (const line of table.split('\n')) {
    const [version, background] = line.trim().split(/\s+/);
    if (!version || version.startsWith('#')) {
      continue;
    }
    let dir = join(ROOT, 'sample', version);
    if (!COMMITTED.has(version)) {
      dir = join(outDir, version);
      execFileSync(join(ROOT, 'sample', 'build'), [version, dir], { stdio: 'inherit' });
    }
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    sites[version] = { version, dir, background, refs };
  }
  return sites;
}

/** The served paths of a release's fingerprinted (non entry point) assets, from its manifest (`show --json`). */
export function fingerprintedPaths(manifest) {
  return manifest.assets.filter((a) => !a.entryPoint).map((a) => `/${a.servedPath.replace(/^\//, '')}`);
}
