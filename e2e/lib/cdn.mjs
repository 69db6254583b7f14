// nginx from Debian as a caching reverse proxy (proxy_cache) in front of the origin. Its caching rules are the
// documented example, origin-server/deploy/cdn/nginx-proxy-cache.conf, adapted only where a test machine differs
// (cache directory, upstream address, loopback listener, no TLS); e2e/nginx-cdn.conf wraps it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForHttp } from './processes.mjs';
import { ROOT } from './holdfast.mjs';

export const NGINX = process.env.E2E_NGINX || '/usr/sbin/nginx';
export const DOCUMENTED = join(ROOT, 'origin-server', 'deploy', 'cdn', 'nginx-proxy-cache.conf');

/** The documented config with this machine's paths and addresses; fails loudly if its shape changed. */
export function adaptDocumentedConfig(text, { dir, port, origin }) {
  const replace = (from, to, what) => {
    if (!from.test(text)) {
      throw new Error(`${DOCUMENTED}: cannot find ${what} (${from}); adapt e2e/lib/cdn.mjs to its new shape`);
    }
    text = text.replace(from, to);
  };
  replace(/^(\s*proxy_cache_path\s+)\S+/m, `$1${join(dir, 'cache')}`, 'proxy_cache_path');
  replace(/(upstream\s+\w+\s*\{)[^}]*\}/, (m, head) => {
    const keepalive = m.match(/^\s*keepalive\s+\d+;/m)?.[0] ?? '';
    return `${head}\n    server ${origin};\n${keepalive}\n}`;
  }, 'the upstream block');
  replace(/^(\s*)listen\s+[^;]+;/m, `$1listen 127.0.0.1:${port};`, 'the listen directive');
  text = text.replace(/^\s*(server_name|ssl_[a-z_]+)\b[^;]*;\s*$/gm, '');
  return text;
}

export async function startCdn(processes, dir, originUrl) {
  const port = await freePort();
  for (const sub of ['cache', 'tmp', 'logs']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  const site = adaptDocumentedConfig(readFileSync(DOCUMENTED, 'utf8'), {
    dir, port, origin: originUrl.replace(/^http:\/\//, ''),
  });
  writeFileSync(join(dir, 'holdfast-cdn.conf'), site);
  const conf = readFileSync(join(ROOT, 'e2e', 'nginx-cdn.conf'), 'utf8')
    .replaceAll('@DIR@', dir)
    // Workers drop privileges only when nginx starts as root; the scenario's directories are root's then.
    .replaceAll('@USER@', process.getuid?.() === 0 ? 'user root;' : '');
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  const proc = processes.start('nginx', NGINX, ['-p', dir, '-c', file, '-e', join(dir, 'logs', 'error.log')]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/`, proc, { expect: (s) => s < 500 });
  return { proc, url, accessLog: join(dir, 'logs', 'access.log') };
}
