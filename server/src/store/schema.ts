// Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC text in both dialects: one query
// layer, and text order equals time order because toISOString() always has the same width.
import type { Generated } from 'kysely';

export interface OrganizationsTable {
  id: string;
  name: string;
  /** JSON array of tenure band boundaries in months; null: the defaults. */
  tenure_boundaries: string | null;
  /** Respondent numbers given so far (store/department-rollups). */
  respondent_count: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  organization_id: string;
  name: string | null;
  email: string;
  email_lower: string;
  phone: string | null;
  access_right: string;
  created_at: string;
  updated_at: string;
}

export interface UserKeysTable {
  id: string;
  organization_id: string;
  user_id: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AppsTable {
  id: string;
  organization_id: string;
  name: string;
  name_lower: string;
  /** JSON array of scopes. */
  permissions: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AppSessionsTable {
  id: string;
  organization_id: string;
  app_id: string;
  grant_type: string;
  user_agent: string | null;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SigningKeysTable {
  id: string;
  algorithm: string;
  public_jwk: string;
  /** Sealed with the master key (core/secret-box). */
  private_jwk: string;
  created_at: string;
}

export interface AuditLogTable {
  id: string;
  organization_id: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string;
  target_id: string;
  /** JSON object, or null. */
  details: string | null;
  created_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface EventsTable {
  id: string;
  organization_id: string;
  type: string;
  /** JSON: the event actor, or null for system changes. */
  actor: string | null;
  /** JSON: `{object, changes?}`. */
  data: string;
  created_at: string;
  /** When the dispatcher turned this event into webhook messages; null while it waits. */
  fanned_out_at: string | null;
}

export interface AttributesTable {
  id: string;
  organization_id: string;
  name: string;
  name_lower: string;
  type: string;
  /** JSON array of allowed values (option types), else `[]`. */
  options: string;
  created_at: string;
  updated_at: string;
}

export interface EmployeesTable {
  id: string;
  organization_id: string;
  external_id: string | null;
  email: string;
  email_lower: string;
  first_name: string;
  last_name: string;
  display_name: string;
  /** lower(first name + last name + display name + email + title), for `q`. */
  search_text: string;
  title: string | null;
  department: string | null;
  manager_id: string | null;
  phone: string | null;
  start_date: string | null;
  separation_date: string | null;
  separation_reason: string | null;
  /** JSON object: attribute name → value. */
  attributes: string;
  source: string;
  /**
   * A fingerprint of the HRIS record this row was last written from, by the sync; any other write
   * clears it. A resync whose record has the same fingerprint knows the row is unchanged without reading it.
   */
  sync_hash: string | null;
  created_at: string;
  updated_at: string;
}

export interface GroupsTable {
  id: string;
  organization_id: string;
  name: string;
  name_lower: string;
  purpose: string | null;
  parent_id: string | null;
  /** JSON object of custom fields. */
  fields: string;
  created_at: string;
  updated_at: string;
}

export interface RolesTable {
  id: string;
  organization_id: string;
  name: string;
  name_lower: string;
  purpose: string | null;
  /** JSON array of strings. */
  accountabilities: string;
  group_id: string;
  created_at: string;
  updated_at: string;
}

export interface RoleAssignmentsTable {
  role_id: string;
  employee_id: string;
  organization_id: string;
  focus: string | null;
  percentage: number | null;
  created_at: string;
}

export interface ProgramsTable {
  id: string;
  organization_id: string;
  name: string;
  name_lower: string;
  description: string | null;
  created_at: string;
}

export interface RecognitionsTable {
  id: string;
  organization_id: string;
  giver_id: string;
  /** JSON array of employee ids. */
  recipient_ids: string;
  points: number;
  note: string | null;
  program_id: string | null;
  created_at: string;
}

export interface EngagementAnswersTable {
  id: string;
  organization_id: string;
  employee_id: string;
  question: string;
  score: number;
  answered_at: string;
  created_at: string;
  /** The survey invitation whose response this answer is part of; null for answers posted through the API. */
  invitation_id: string | null;
}

/**
 * One employee's answers to one question in one UTC month, added up (see store/engagement): what the
 * overview reads, so its cost is bounded by employees × months, not by answers.
 */
export interface EngagementMonthlyTable {
  organization_id: string;
  question: string;
  /** `YYYY-MM`, the first seven characters of answered_at. */
  month: string;
  employee_id: string;
  answers: number;
  score_sum: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** An employee's respondent number: their bit in the department rollups' bitmaps. */
export interface EngagementRespondentsTable {
  organization_id: string;
  employee_id: string;
  number: number;
}

/** One department's answers to one question in one month, with its respondents as a bitmap. */
export interface EngagementDepartmentsTable {
  organization_id: string;
  month: string;
  question: string;
  /** '' for people without a department. */
  department: string;
  answers: number;
  score_sum: number;
  promoters: number;
  passives: number;
  detractors: number;
  respondents: Buffer;
}

export interface IdempotencyKeysTable {
  organization_id: string;
  credential_id: string;
  key: string;
  request_hash: string;
  status: number | null;
  response: string | null;
  created_at: string;
}

export interface WebhooksTable {
  id: string;
  organization_id: string;
  name: string;
  name_lower: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  /** active | inactive | disabled */
  status: string;
  format: string;
  /** 1 or 0 (portable booleans). */
  signing: number;
  verify_ssl: number;
  max_events_per_request: number;
  max_concurrency: number;
  /** JSON array of addresses. */
  error_recipient_emails: string;
  /** Sealed with the master key. */
  secret: string;
  /** The secret before the last rotation, sealed; still signs until previous_secret_expires_at. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  disabled_reason: string | null;
  last_triggered_at: string | null;
  /** Since when every attempt has failed; null after a success. */
  failing_since: string | null;
  last_digest_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MessagesTable {
  id: string;
  organization_id: string;
  webhook_id: string;
  /** JSON array of event ids: one, or a batch. */
  event_ids: string;
  /** pending | succeeded | failed | cancelled */
  status: string;
  attempts: number;
  next_attempt_at: string;
  /** A worker holds the message until then; an expired lease means the worker died. */
  lease_until: string | null;
  /** Events may still join this batch until then. */
  batch_open_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  /** When an exhausted message went into an error digest. */
  reported_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NotificationsTable {
  id: string;
  organization_id: string;
  webhook_id: string;
  kind: string;
  /** JSON array of addresses. */
  recipients: string;
  subject: string;
  body: string;
  created_at: string;
  /** When SMTP accepted it; null when there is no SMTP_URL (or it failed, see error). */
  sent_at: string | null;
  error: string | null;
}

export interface DeliveryAttemptsTable {
  id: string;
  organization_id: string;
  webhook_id: string;
  message_id: string;
  url: string;
  request_headers: string;
  request_body: string;
  status_code: number | null;
  response_headers: string;
  response_body: string;
  error: string | null;
  duration_ms: number;
  trigger: string;
  sent_at: string;
}

export interface IntegrationsTable {
  id: string;
  organization_id: string;
  /** hibob (one per organization) */
  kind: string;
  base_url: string;
  service_user_id: string;
  /** Sealed with the master key. */
  token: string;
  /** Sealed with the master key; null until an admin pastes HiBob's webhook secret. */
  hook_secret: string | null;
  /** The unguessable part of the receiver URL. */
  receiver_id: string;
  auto_sync_minutes: number | null;
  next_auto_sync_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SyncRunsTable {
  id: string;
  organization_id: string;
  /** manual | automatic */
  trigger: string;
  /** running | previewed | needs_confirmation | completed | failed */
  status: string;
  /** starting | downloading | applying | done */
  phase: string;
  processed: number;
  total: number | null;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** JSON: skipped fields, skipped people, options added, warnings. */
  report: string;
  error: string | null;
  started_at: string;
  /** A running run refreshes this; one that stops refreshing was interrupted. */
  heartbeat_at: string;
  finished_at: string | null;
  /** `hibob`, or an import's source slug. */
  source: string;
  /** JSON: the run's options (mode, match, dry run, adopt, deletion guard). */
  options: string;
  skipped: number;
}

/** A preview's planned change, in the order a run would make it. */
export interface ImportChangesTable {
  run_id: string;
  seq: number;
  /** create | update | delete */
  action: string;
  employee_id: string;
  /** The employee's updated_at when the plan was made (null for a create): a different one means they changed since. */
  base_updated_at: string | null;
  /** JSON: the employee as the change leaves them (null for a delete). */
  employee: string | null;
  /** JSON: the change's diff as the event would show it. */
  changes: string | null;
}

/** One note of a run: a skipped field or person, a warning, an option added. */
export interface ImportNotesTable {
  run_id: string;
  seq: number;
  /** skippedField | skippedPerson | warning | addedOption */
  kind: string;
  /** JSON */
  note: string;
}

export interface HibobNotificationsTable {
  organization_id: string;
  employee_external_id: string;
  /** When the newest notification for this person came. */
  received_at: string;
  /** Random, new with every notification: one that arrives while the last is applied means "apply again". */
  token: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}

/** Signed HiBob notices recently received, so a replay of one is refused (see integrations/hibob/notice). */
export interface HibobReceiptsTable {
  integration_id: string;
  /** SHA-256 of the notice's verified signature: never the signature or the body itself. */
  signature_hash: string;
  /** When the notice could no longer be accepted anyway; upkeep deletes the receipt after that. */
  expires_at: string;
}

/** A survey round (see core/surveys). */
export interface SurveysTable {
  id: string;
  organization_id: string;
  name: string;
  /** JSON: [{key, text}] */
  questions: string;
  opens_at: string;
  closes_at: string;
  /** JSON: days after opening. */
  reminders: string;
  /** JSON: segment strings; [] is the whole organization. */
  audience: string;
  cadence: string;
  /** scheduled | open | closed */
  status: string;
  opened_at: string | null;
  closed_at: string | null;
  /** How many of the reminders have gone out. */
  reminders_sent: number;
  /** The UTC day invitations were last brought in line with start and separation dates. */
  refreshed_on: string | null;
  /** The key the round's links are MACs under, sealed with the master key. */
  link_key: string;
  /** The round before this one, when a cadence scheduled it. */
  previous_id: string | null;
  /** JSON: participation and results as the round closed (the survey.closed event's figures). */
  outcome: string | null;
  created_at: string;
  updated_at: string;
}

/** One employee's invitation to one round: their link is derived from its id, never stored. */
export interface SurveyInvitationsTable {
  id: string;
  organization_id: string;
  survey_id: string;
  employee_id: string;
  /** active | revoked */
  status: string;
  /** JSON: the audience segments the person was in when invited. */
  segments: string;
  invited_at: string;
  revoked_at: string | null;
  /** When the latest response came; null until one does. */
  responded_at: string | null;
}

/**
 * A survey e-mail to send: the invitation or a reminder. It holds no body: the text and the link are
 * made when it is sent, so neither rests in the store.
 */
export interface SurveyMailsTable {
  id: string;
  organization_id: string;
  survey_id: string;
  invitation_id: string;
  /** invitation | reminder */
  kind: string;
  /** pending | sent | kept (no SMTP_URL) | failed | cancelled */
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  sent_at: string | null;
  error: string | null;
  created_at: string;
}

export interface Database {
  surveys: SurveysTable;
  survey_invitations: SurveyInvitationsTable;
  survey_mails: SurveyMailsTable;
  integrations: IntegrationsTable;
  sync_runs: SyncRunsTable;
  import_changes: ImportChangesTable;
  import_notes: ImportNotesTable;
  hibob_notifications: HibobNotificationsTable;
  hibob_receipts: HibobReceiptsTable;
  messages: MessagesTable;
  notifications: NotificationsTable;
  delivery_attempts: DeliveryAttemptsTable;
  webhooks: WebhooksTable;
  events: EventsTable;
  attributes: AttributesTable;
  employees: EmployeesTable;
  groups: GroupsTable;
  roles: RolesTable;
  role_assignments: RoleAssignmentsTable;
  programs: ProgramsTable;
  recognitions: RecognitionsTable;
  engagement_answers: EngagementAnswersTable;
  engagement_monthly: EngagementMonthlyTable;
  engagement_respondents: EngagementRespondentsTable;
  engagement_departments: EngagementDepartmentsTable;
  idempotency_keys: IdempotencyKeysTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  user_keys: UserKeysTable;
  apps: AppsTable;
  app_sessions: AppSessionsTable;
  signing_keys: SigningKeysTable;
  audit_log: AuditLogTable;
  meta: MetaTable;
}
