// A worker's loop: a pass, then a wait of `pollMs` that a nudge cuts short. A nudge that comes during
// a pass is kept, so the change it announces is looked at right after, not a poll later; a pass that
// says it left work behind is followed by the next at once.
export class PollLoop {
  private stopping = false;
  private nudged = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    /** One pass; true when there is more to do at once. */
    private readonly pass: () => Promise<boolean | void>,
    private readonly pollMs: number,
    private readonly failed: (error: unknown) => void,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  get stopped(): boolean {
    return this.stopping;
  }

  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Ends the loop after the pass in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.nudged = false;
      let busy = false;
      try {
        busy = (await this.pass()) === true;
      } catch (error) {
        this.failed(error);
      }
      if (this.stopping) break;
      if (busy || this.nudged) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}
