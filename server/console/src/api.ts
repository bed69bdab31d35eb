// The console's one client for the public /v1 API: the signed-in key on every request, JSON in
// and out (a CSV snapshot goes up as it is), and RFC 9457 problems turned into an error a form can
// place next to its fields.

export interface FieldError {
  location: string;
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }

  /** The message for a body field (`url`, `events`, …), or null when the problem names none. */
  fieldMessage(field: string): string | null {
    const found = this.problem.errors?.find(
      (e) => e.location === 'body' && (e.path === `/${field}` || e.path.startsWith(`/${field}/`)),
    );
    return found ? found.message : null;
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Query parameters; a list repeats its parameter (`segment=a&segment=b`). */
export type Query = Record<string, string | number | boolean | string[] | undefined | null>;

export interface Api {
  get<T>(path: string, query?: Query): Promise<T>;
  list<T>(path: string, query?: Query): Promise<Page<T>>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** POSTs a body that is not JSON (a CSV snapshot) as it is, with its options in the query. */
  upload<T>(path: string, query: Query, contentType: string, text: string): Promise<T>;
}

/** Where the server says it is mounted (PUBLIC_URL's path), read from the page. */
export function basePath(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="peoplehub-base"]')?.content ?? '';
}

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value) params.append(name, item);
    else if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * A client for one key. `onUnauthorized` runs when the server no longer accepts the key (revoked,
 * rotated elsewhere), so the console can sign out instead of showing a page of errors.
 */
export function createApi(key: string, onUnauthorized: (problem: Problem) => void): Api {
  async function request<T>(method: string, path: string, body?: { type: string; text: string }): Promise<T> {
    const headers: Record<string, string> = { 'x-api-key': key, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = body.type;
    let response: Response;
    try {
      response = await fetch(`${basePath()}${path}`, { method, headers, body: body?.text });
    } catch {
      throw new ApiError({
        type: 'about:blank',
        title: 'Network error',
        status: 0,
        detail: 'PeopleHub did not answer. Check that the server is running.',
      });
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): reported below with the status.
    }
    if (!response.ok) {
      const problem: Problem =
        parsed && typeof parsed === 'object' && 'status' in parsed
          ? (parsed as Problem)
          : {
              type: 'about:blank',
              title: response.statusText,
              status: response.status,
              detail: `The server answered ${response.status}.`,
            };
      if (response.status === 401) onUnauthorized(problem);
      throw new ApiError(problem);
    }
    return parsed as T;
  }

  return {
    async get<T>(path: string, query?: Query) {
      return (await request<{ data: T }>('GET', withQuery(path, query))).data;
    },
    list<T>(path: string, query?: Query) {
      return request<Page<T>>('GET', withQuery(path, query));
    },
    async send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
      const json = body === undefined ? undefined : { type: 'application/json', text: JSON.stringify(body) };
      const answer = await request<{ data: T } | undefined>(method, path, json);
      return answer?.data as T;
    },
    async upload<T>(path: string, query: Query, contentType: string, text: string) {
      return (await request<{ data: T }>('POST', withQuery(path, query), { type: contentType, text })).data;
    },
  };
}

/** Checks a key before the console keeps it: who it belongs to, and whether they may use the console. */
export async function whoAmI(key: string): Promise<Me> {
  return createApi(key, () => undefined).get<Me>('/v1/users/me');
}

// The shapes the console reads, as the OpenAPI document describes them.

export interface Me {
  id: string;
  name: string | null;
  email: string;
  accessRight: 'owner' | 'admin' | 'member';
}

export interface App {
  id: string;
  name: string;
  permissions: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  token?: string;
}

export interface AppSession {
  id: string;
  grant: string;
  userAgent: string | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type WebhookFormat = 'json' | 'chat' | 'slack' | 'teams';

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  status: 'active' | 'inactive' | 'disabled';
  format: WebhookFormat;
  signing: boolean;
  verifySsl: boolean;
  maxEventsPerRequest: number;
  maxConcurrency: number;
  errorRecipientEmails: string[];
  disabledReason: string | null;
  lastTriggeredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EventType {
  type: string;
  description: string;
  /** Delivered only to json webhooks that list it by name; `*` leaves it out. */
  optIn: boolean;
}

/** What a webhook lists for every event type, now and future, except the opt-in ones. */
export const ALL_EVENTS = '*';

export interface TestResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

export interface Delivery {
  id: string;
  messageId: string;
  messageStatus: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  nextAttemptAt: string | null;
  attemptsLeft: number;
  url: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  trigger: string;
  sentAt: string;
  request: { headers: Record<string, string>; body: string };
  response: { headers: Record<string, string>; body: string };
}

export type RunStatus = 'running' | 'previewed' | 'needs_confirmation' | 'completed' | 'failed';

/** A run of the import engine: a snapshot import from any HRIS, or a HiBob sync (source `hibob`). */
export interface ImportRun {
  id: string;
  source: string;
  status: RunStatus;
  trigger: 'manual' | 'automatic';
  mode: 'full' | 'partial';
  match: 'externalId' | 'email';
  dryRun: boolean;
  adopt: boolean;
  maxDeletePercent: number;
  /** Set when the run stopped because it would delete more than maxDeletePercent of its source. */
  deletionGuard: { wouldDelete: number; of: number } | null;
  phase: 'starting' | 'downloading' | 'applying' | 'done';
  processed: number;
  total: number | null;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  /** The run's lists keep the first 100 of each kind; /v1/imports/{id}/notes has every one. */
  skippedFields: { field: string; hibobType?: string; reason: string }[];
  skippedPeople: { externalId: string | null; reason: string }[];
  addedOptions: { attribute: string; option: string }[];
  warnings: { externalId: string; warning: string }[];
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** HiBob's syncs are runs of the import engine, listed at /v1/imports too. */
export type SyncRun = ImportRun;

export type NoteKind = 'skippedField' | 'skippedPerson' | 'warning' | 'addedOption';

/** One entry of a diff: old and new for a value, added and removed for a list. */
export type FieldChange =
  | { field: string; label: string; old: unknown; new: unknown }
  | { field: string; label: string; added: unknown[]; removed: unknown[] };

/** A change a preview (or a run stopped at the deletion guard) would make when applied. */
export interface PlannedChange {
  action: 'create' | 'update' | 'delete';
  employeeId: string;
  /** The employee as the change leaves them; null for a deletion. */
  employee: Employee | null;
  changes: FieldChange[] | null;
}

export interface Hibob {
  connected: boolean;
  baseUrl: string;
  serviceUserId: string;
  receiverUrl: string;
  hookSecretSet: boolean;
  autoSyncMinutes: number | null;
  nextAutoSyncAt: string | null;
  connectedAt: string;
  lastRun: SyncRun | null;
}

export interface Employee {
  id: string;
  externalId: string | null;
  email: string;
  displayName: string;
  title: string | null;
  department: string | null;
  status: 'pending' | 'active' | 'leaving' | 'left';
  startDate: string | null;
  source: string;
}

export interface PeriodResult {
  period: string;
  start: string;
  end: string;
  hidden: boolean;
  hiddenReason: string | null;
  score: number | null;
  nps: { score: number; promoters: number; passives: number; detractors: number } | null;
  /** The head counts are null in a hidden result for a caller without employees:read (never a console user). */
  participation: { responded: number | null; invited: number | null; rate: number | null };
}

export interface HeatmapCell {
  question: string;
  hidden: boolean;
  hiddenReason: string | null;
  score: number | null;
  n: number | null;
  change: number | null;
}

export interface HeatmapRow {
  segment: string | null;
  label: string;
  cells: HeatmapCell[];
}

export interface Heatmap {
  period: string;
  by: string;
  segments: string[];
  anonymityThreshold: number;
  columns: string[];
  total: HeatmapRow;
  everyoneElse: HeatmapRow | null;
  rows: HeatmapRow[];
}

export interface Attribute {
  name: string;
  type: string;
}

export interface Overview extends PeriodResult {
  interval: string;
  question: string;
  anonymityThreshold: number;
  change: { score: number | null; nps: number | null } | null;
  trend: PeriodResult[];
}

/** Invited, answered and the rate; all null, and `hidden` true, where anonymity withholds them. */
export interface SurveyCounts {
  invited: number | null;
  responded: number | null;
  rate: number | null;
  hidden: boolean;
  hiddenReason: 'belowThreshold' | 'protectsAnother' | null;
}

export type SurveyStatus = 'scheduled' | 'open' | 'closed';

export interface Survey {
  id: string;
  name: string;
  status: SurveyStatus;
  questions: { key: string; text: string }[];
  opensAt: string;
  closesAt: string;
  reminders: number[];
  audience: string[];
  cadence: 'none' | 'monthly' | 'quarterly';
  openedAt: string | null;
  closedAt: string | null;
  remindersSent: number;
  previousId: string | null;
  nextId: string | null;
  participation: SurveyCounts & { segments: (SurveyCounts & { segment: string })[] };
  results: { score: number | null; enps: number | null; hidden: boolean } | null;
  createdAt: string;
  updatedAt: string;
}

/** GET /v1/engagement/drivers: every question besides engagement answered in the window. */
export interface Drivers {
  period: string;
  anonymityThreshold: number;
  drivers: { question: string }[];
}
