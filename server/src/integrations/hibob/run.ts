// A sync run as the API, the events and the chat messages show it.
import type { SyncRun } from '../../store/sync-runs';

export function presentRun(run: SyncRun) {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    phase: run.phase,
    processed: run.processed,
    total: run.total,
    created: run.created,
    updated: run.updated,
    deleted: run.deleted,
    unchanged: run.unchanged,
    skippedFields: run.report.skippedFields,
    skippedPeople: run.report.skippedPeople,
    addedOptions: run.report.addedOptions,
    warnings: run.report.warnings,
    error: run.error,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** Report lists keep this many entries; a run over 100,000 people must not write a 10 MB report. */
export const REPORT_LIMIT = 100;

export function addToReport<T>(list: T[], item: T): void {
  if (list.length < REPORT_LIMIT) list.push(item);
}
