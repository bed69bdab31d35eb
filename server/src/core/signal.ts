// A tiny typed signal: one side says that something happened, and whoever app.ts wired to it acts.
// It lets a lower floor (a domain operation, the HTTP adapter) wake a worker it must not know about.

export type Listener<T> = (value: T) => void;

export class Signal<T = void> {
  private readonly listeners = new Set<Listener<T>>();

  /** Calls `listener` on every emit from now on; returns what stops it. */
  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tells every listener, synchronously and in the order they were added. Listeners only take note
   * (a nudge, a cache cleared, a run handed to a worker): they must not throw, and do not block.
   */
  emit(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}
