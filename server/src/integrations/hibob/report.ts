// A run's report as the sync adds to it: each list kept bounded.

/** Report lists keep this many entries; a run over 100,000 people must not write a 10 MB report. */
export const REPORT_LIMIT = 100;

export function addToReport<T>(list: T[], item: T): void {
  if (list.length < REPORT_LIMIT) list.push(item);
}
