// Running the real `peoplehub` command as a child process, for CLI and lifecycle tests.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(REPO_ROOT, 'server/bin/peoplehub.js');

export interface Running {
  child: ChildProcess;
  output(): string;
  errors(): string;
  /** Resolves with the first match of the pattern in stdout; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

export function run(command: string, args: string[], env: Record<string, string | undefined>): Running {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(stdout);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => stdout,
    errors: () => stderr,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void exited.then((code) =>
          reject(new Error(`exited with ${code} before printing ${pattern}:\n${stdout}\n${stderr}`)),
        );
      }),
  };
}

export function cli(args: string[], env: Record<string, string | undefined>): Running {
  return run(process.execPath, [CLI, ...args], env);
}

/** Stops a process group started by run(), and waits for it. */
export async function stop(running: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (running.child.exitCode === null && running.child.pid !== undefined) {
    try {
      process.kill(-running.child.pid, signal);
    } catch {
      // Already gone.
    }
  }
  return running.exited;
}
