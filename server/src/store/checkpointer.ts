// Folds SQLite's write-ahead log into the database file from a worker thread, off the event loop.
//
// A checkpoint copies every page the log holds into the database file and syncs it: under a steady
// write load, SQLite's own (inline) checkpoint stalled the commit that triggered it, and with it every
// request, for 60–75 ms every few seconds. Here a second connection, in a thread of its own, runs a
// PASSIVE checkpoint (it never blocks a writer or a reader) once the log has grown past
// THRESHOLD_BYTES, so the log is reset long before the main connection's own checkpoint would run.
// That one stays as it was (wal_autocheckpoint), as the fallback should this thread fall behind or
// fail; SQLite's checkpoint is crash-safe from any connection, so a kill -9 mid-copy loses nothing.
// The log file keeps its size when it starts over (cutting it back cost the busiest commits a third
// more), so from then on the thread folds in whatever was written within 50 ms: at most 20
// checkpoints a second, each syncing only what it copied. Waiting longer while writes were light let
// a burst reach the main connection's own checkpoint before the thread looked again.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** A checkpoint's outcome, as `PRAGMA wal_checkpoint` reports it: frames in the log, and copied. */
export interface CheckpointResult {
  /** Another checkpoint held the lock (the main connection's own): nothing was done this time. */
  busy: boolean;
  log: number;
  checkpointed: number;
}

export interface CheckpointListener {
  checkpointed?(result: CheckpointResult): void;
  failed?(error: Error): void;
}

/** SQLite's own default checkpoint point (1,000 pages of 4 KB). */
const THRESHOLD_BYTES = 4 * 1024 * 1024;
/** How often the thread looks at the log. A busy server writes tens of MB a second to it. */
const THREAD_INTERVAL_MS = 50;
/** How often this thread looks for a log worth a thread: most stores (a CLI command, a test) never need one. */
const START_INTERVAL_MS = 1_000;
/** Looks skipped after a thread died, before another is started (a minute). */
const RESTART_AFTER_LOOKS = 60;

/**
 * The thread, as plain JavaScript so it runs the same from the build and under the test runner
 * (which compiles TypeScript in process, not in threads). It looks at the log on its own timer, so a
 * busy event loop here does not delay it, and never waits for a lock: busy means another checkpoint
 * is running, and the next tick tries again. A log it found fully copied is not checkpointed again
 * until it is written to.
 */
const WORKER_SOURCE = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { file, thresholdBytes, intervalMs } = workerData;
// The driver's errors lose their message on the way to the main thread: only text is sent.
const describe = (error) => (error instanceof Error ? error.message : String(error));
let db;
try {
  db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
} catch (error) {
  parentPort.postMessage({ error: 'cannot open the database: ' + describe(error) });
  process.exit(1);
}
let settledAt = -1;
let failing = null;
const timer = setInterval(() => {
  try {
    const log = fs.statSync(file + '-wal', { throwIfNoEntry: false });
    if (log === undefined || log.size < thresholdBytes || log.mtimeMs === settledAt) return;
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    const result = { busy: row.busy === 1, log: row.log, checkpointed: row.checkpointed };
    settledAt = !result.busy && result.checkpointed === result.log ? log.mtimeMs : -1;
    failing = null;
    parentPort.postMessage(result);
  } catch (error) {
    // Told once, not at every tick, while the same failure lasts.
    const message = describe(error);
    if (message !== failing) parentPort.postMessage({ error: message });
    failing = message;
  }
}, intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

type Report = CheckpointResult | { error: string };

/**
 * The checkpoint thread of one database file, started once the log first passes THRESHOLD_BYTES (and
 * again should it die), stopped by stop().
 */
export class Checkpointer {
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private looking = false;
  private stopped = false;
  /** Looks left to skip after a thread died, so a lasting failure is not retried every second. */
  private restartIn = 0;

  constructor(
    private readonly file: string,
    private readonly listener: CheckpointListener = {},
  ) {
    this.timer = setInterval(() => void this.look(), START_INTERVAL_MS);
    this.timer.unref();
  }

  private async look(): Promise<void> {
    if (this.worker !== null || this.looking || this.stopped) return;
    if (this.restartIn > 0) {
      this.restartIn -= 1;
      return;
    }
    this.looking = true;
    try {
      const log = await fs.promises.stat(`${this.file}-wal`).catch(() => null);
      if (log !== null && log.size >= THRESHOLD_BYTES && !this.stopped) this.spawn();
    } finally {
      this.looking = false;
    }
  }

  private spawn(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: this.file,
        driver: require.resolve('better-sqlite3'),
        thresholdBytes: THRESHOLD_BYTES,
        intervalMs: THREAD_INTERVAL_MS,
      },
    });
    worker.on('message', (report: Report) => {
      if ('error' in report) this.listener.failed?.(new Error(`checkpoint failed: ${report.error}`));
      else this.listener.checkpointed?.(report);
    });
    worker.on('error', (error: unknown) =>
      this.listener.failed?.(
        error instanceof Error && error.message !== '' ? error : new Error(`checkpoint thread: ${String(error)}`),
      ),
    );
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        // A thread that died (an error above) is started afresh a minute later.
        if (this.worker === worker) this.worker = null;
        if (!this.stopped) this.restartIn = RESTART_AFTER_LOOKS;
        resolve();
      }),
    );
    // The thread never keeps the process alive; stop() ends it in order. Only after the listeners:
    // a 'message' listener refs the worker's port again.
    worker.unref();
    this.worker = worker;
  }

  /** Stops looking and ends the thread (after a checkpoint in progress), before the store closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.worker?.postMessage('stop');
    await this.exited;
  }
}
