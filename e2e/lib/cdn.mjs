// nginx from Debian as a caching reverse proxy (proxy_cache) in front of the origin, with the config in
// e2e/nginx-cdn.conf: every directive a real deployment needs, plus an X-Cache-Status header so the scenario can
// see hits and misses.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForHttp } from './processes.mjs';
import { ROOT } from './holdfast.mjs';

export const NGINX = process.env.E2E_NGINX || '/usr/sbin/nginx';

export async function startCdn(processes, dir, originUrl) {
  const port = await freePort();
  for (const sub of ['cache', 'tmp', 'logs']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  const template = readFileSync(join(ROOT, 'e2e', 'nginx-cdn.conf'), 'utf8');
  const conf = template
    .replaceAll('@DIR@', dir)
    .replaceAll('@PORT@', String(port))
    .replaceAll('@ORIGIN@', originUrl.replace(/^http:\/\//, ''))
    // Workers drop privileges only when nginx starts as root; the scenario's directories are root's then.
    .replaceAll('@USER@', process.getuid?.() === 0 ? 'user root;' : '');
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  const proc = processes.start('nginx', NGINX, ['-p', dir, '-c', file, '-e', join(dir, 'logs', 'error.log')]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/`, proc, { expect: (s) => s < 500 });
  return { proc, url, accessLog: join(dir, 'logs', 'access.log') };
}
