// The servers a scenario runs (origin, S3 server, nginx): started with their output in a log file, waited for
// over HTTP, stopped with SIGTERM (then SIGKILL), and always stopped when the run ends. Each one's process id is in
// <logDir>/<name>.pid while it runs, so e2e/run can stop exactly these if the test process itself is killed.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export class Processes {
  constructor(logDir) {
    this.logDir = logDir;
    this.running = new Map();
    mkdirSync(logDir, { recursive: true });
  }

  /** Starts {@code command}; its stdout and stderr go to {@code <logDir>/<name>.log}. */
  start(name, command, args, { env = {}, cwd } = {}) {
    const logFile = join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const pidFile = join(this.logDir, `${name}.pid`);
    const proc = { name, child, logFile, exit: null };
    const ended = (exit) => {
      proc.exit = exit;
      this.running.delete(name);
      rmSync(pidFile, { force: true });
    };
    proc.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        ended({ code, signal });
        resolve(proc.exit);
      });
      child.on('error', (error) => {
        ended({ code: null, signal: null, error: error.message });
        resolve(proc.exit);
      });
    });
    if (child.pid) {
      writeFileSync(pidFile, `${child.pid}\n`);
    }
    this.running.set(name, proc);
    return proc;
  }

  /** SIGTERM, then SIGKILL if it has not exited after {@code graceMs}; returns how it exited. */
  async stop(proc, graceMs = 10000) {
    if (proc.exit) {
      return proc.exit;
    }
    proc.child.kill('SIGTERM');
    const cancel = new AbortController();
    const timer = delay(graceMs, 'timeout', { signal: cancel.signal }).catch(() => null);
    const first = await Promise.race([proc.exited, timer]);
    cancel.abort();
    if (first === 'timeout') {
      proc.child.kill('SIGKILL');
      await proc.exited;
      proc.exit.forced = true;
    }
    return proc.exit;
  }

  async stopAll() {
    await Promise.all([...this.running.values()].reverse().map((p) => this.stop(p)));
  }
}

export function logTail(proc, lines = 30) {
  if (!existsSync(proc.logFile)) {
    return '';
  }
  return readFileSync(proc.logFile, 'utf8').split('\n').slice(-lines).join('\n');
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls {@code url} until it answers {@code expect} (a status predicate); fails with the process log when the
 * process exits first or the time is up.
 */
export async function waitForHttp(url, proc, { timeoutMs = 60000, expect = (s) => s === 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc?.exit) {
      throw new Error(`${proc.name} exited (${JSON.stringify(proc.exit)}) before ${url} answered; `
        + `last lines of ${proc.logFile}:\n${logTail(proc)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (expect(response.status)) {
        return;
      }
      last = `status ${response.status}`;
    } catch (error) {
      last = error.cause?.code || error.message;
    }
    await delay(200);
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms (last: ${last})`
    + (proc ? `; last lines of ${proc.logFile}:\n${logTail(proc)}` : ''));
}
