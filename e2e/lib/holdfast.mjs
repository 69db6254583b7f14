// Runs the real `holdfast` command (cli/holdfast, the shaded jar) against one store, keeping a transcript.
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
// E2E_HOLDFAST: another launcher of the same command (a jar built elsewhere); cli/holdfast by default.
export const HOLDFAST = process.env.E2E_HOLDFAST || join(ROOT, 'cli', 'holdfast');

export class Holdfast {
  /**
   * @param store      the --store value (a directory or s3://bucket/prefix)
   * @param env        extra environment (the HOLDFAST_S3_* settings for an S3 store)
   * @param transcript file that gets every command line, its exit code and its output
   */
  constructor({ store, env = {}, transcript }) {
    this.store = store;
    this.env = env;
    this.transcript = transcript;
  }

  /** Runs `holdfast ARGS --store STORE`; resolves to stdout, rejects with the exit code and stderr. */
  async cli(...args) {
    const argv = [...args, '--store', this.store];
    const line = `holdfast ${argv.join(' ')}`;
    const started = Date.now();
    try {
      const { stdout, stderr } = await run(HOLDFAST, argv, {
        cwd: ROOT, env: { ...process.env, ...this.env }, timeout: 180000, maxBuffer: 16 << 20,
      });
      this.log(line, 0, Date.now() - started, stdout, stderr);
      return stdout;
    } catch (error) {
      const code = error.code ?? error.signal;
      this.log(line, code, Date.now() - started, error.stdout, error.stderr);
      throw new Error(`\`${line}\` exited ${code}: ${String(error.stderr || error.message).trim()}`);
    }
  }

  /** Runs a command expected to print one JSON document (--json). */
  async json(...args) {
    const out = await this.cli(...args, '--json');
    try {
      return JSON.parse(out);
    } catch (error) {
      throw new Error(`holdfast ${args.join(' ')} --json printed no JSON document: ${out.slice(0, 300)}`);
    }
  }

  /** The arguments and environment that start an origin on this store. */
  serveCommand(...args) {
    return { command: HOLDFAST, args: ['serve', '--store', this.store, ...args], env: this.env };
  }

  log(line, code, ms, stdout = '', stderr = '') {
    if (!this.transcript) {
      return;
    }
    const indent = (s) => String(s).trimEnd().split('\n').filter(Boolean).map((l) => `    ${l}`).join('\n');
    appendFileSync(this.transcript, `$ ${line}\n${indent(stdout)}${stdout ? '\n' : ''}${indent(stderr)}${stderr ? '\n' : ''}`
      + `  (exit ${code}, ${ms} ms)\n`);
  }
}
