// A real S3 server in its own process: S3Proxy (org.gaul:s3proxy, the server the Java tests run in-process) with
// its filesystem backend, on a free loopback port, checking AWS signatures. e2e/run resolves its classpath from
// Maven Central once (e2e/s3proxy/pom.xml) and passes it in E2E_S3PROXY_CLASSPATH.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForHttp } from './processes.mjs';
import { ROOT } from './holdfast.mjs';

export const BUCKET = 'holdfast-e2e';
const ACCESS_KEY = 'e2e-access';
const SECRET_KEY = 'e2e-secret';

export async function startS3Server(processes, dir) {
  const classpathFile = process.env.E2E_S3PROXY_CLASSPATH;
  if (!classpathFile) {
    throw new Error('E2E_S3PROXY_CLASSPATH is not set: run the scenario through e2e/run, which resolves S3Proxy');
  }
  const port = await freePort();
  const data = join(dir, 'data');
  mkdirSync(join(data, BUCKET), { recursive: true });   // a bucket of the filesystem backend is a directory
  const conf = join(dir, 's3proxy.conf');
  writeFileSync(conf, [
    `s3proxy.endpoint=http://127.0.0.1:${port}`,
    's3proxy.authorization=aws-v2-or-v4',
    `s3proxy.identity=${ACCESS_KEY}`,
    `s3proxy.credential=${SECRET_KEY}`,
    'jclouds.provider=filesystem',
    `jclouds.filesystem.basedir=${data}`,
    '',
  ].join('\n'));
  const proc = processes.start('s3proxy', 'java', [
    '-Xmx256m', `-Dlogback.configurationFile=${join(ROOT, 'e2e', 's3proxy', 'logback.xml')}`,
    '-cp', readFileSync(classpathFile, 'utf8').trim(), 'org.gaul.s3proxy.Main', '--properties', conf,
  ]);
  const endpoint = `http://127.0.0.1:${port}`;
  // Unsigned requests are refused (403): that answer is enough to know it listens.
  await waitForHttp(`${endpoint}/`, proc, { expect: (s) => s === 403 || s === 200 });
  return {
    proc,
    endpoint,
    store: `s3://${BUCKET}/site`,
    env: {
      HOLDFAST_S3_ENDPOINT: endpoint,
      HOLDFAST_S3_REGION: 'us-east-1',
      HOLDFAST_S3_PATH_STYLE: 'true',
      HOLDFAST_S3_ACCESS_KEY: ACCESS_KEY,
      HOLDFAST_S3_SECRET_KEY: SECRET_KEY,
    },
  };
}
