// Schema migrations, in code so they ship inside the build; applied on start and by `peoplehub migrate`.
import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  SqliteIntrospector,
  sql,
} from 'kysely';
import { PASSIVE_MIN, PROMOTER_MIN } from '../core/engagement';

// Migrations see an untyped database: they describe the schema, so they cannot rely on its types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const foundation: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('organizations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('name', 'text')
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_lower', 'text', (c) => c.notNull())
      .addColumn('phone', 'text')
      .addColumn('access_right', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('users_org_email')
      .unique()
      .on('users')
      .columns(['organization_id', 'email_lower'])
      .execute();
    await db.schema
      .createIndex('users_org_created')
      .on('users')
      .columns(['organization_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('user_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();

    await db.schema
      .createTable('apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_lower', 'text', (c) => c.notNull())
      .addColumn('permissions', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    // A revoked app frees its name, so "revoke and recreate" works as people expect.
    await db.schema
      .createIndex('apps_org_live_name')
      .unique()
      .on('apps')
      .columns(['organization_id', 'name_lower'])
      .where(sql.ref('revoked_at'), 'is', null)
      .execute();

    await db.schema
      .createTable('app_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('grant_type', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('app_sessions_app')
      .on('app_sessions')
      .columns(['app_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('details', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_org_created')
      .on('audit_log')
      .columns(['organization_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};

const orgColumn = (c: ColumnDefinitionBuilder) => c.notNull().references('organizations.id').onDelete('cascade');

const peopleData: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('events_org_created')
      .on('events')
      .columns(['organization_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('events_org_type_created')
      .on('events')
      .columns(['organization_id', 'type', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('attributes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_lower', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('attributes_org_name')
      .unique()
      .on('attributes')
      .columns(['organization_id', 'name_lower'])
      .execute();

    await db.schema
      .createTable('employees')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('external_id', 'text')
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_lower', 'text', (c) => c.notNull())
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('last_name', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('department', 'text')
      .addColumn('manager_id', 'text')
      .addColumn('phone', 'text')
      .addColumn('start_date', 'text')
      .addColumn('separation_date', 'text')
      .addColumn('separation_reason', 'text')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('employees_org_email')
      .unique()
      .on('employees')
      .columns(['organization_id', 'email_lower'])
      .execute();
    await db.schema
      .createIndex('employees_org_external')
      .unique()
      .on('employees')
      .columns(['organization_id', 'external_id'])
      .where(sql.ref('external_id'), 'is not', null)
      .execute();
    for (const column of ['created_at', 'last_name', 'first_name', 'department', 'start_date', 'manager_id']) {
      await db.schema
        .createIndex(`employees_org_${column}`)
        .on('employees')
        .columns(['organization_id', column, 'id'])
        .execute();
    }

    await db.schema
      .createTable('groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_lower', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text')
      .addColumn('parent_id', 'text')
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('groups_org_created')
      .on('groups')
      .columns(['organization_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('roles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_lower', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text')
      .addColumn('accountabilities', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('roles_org_group').on('roles').columns(['organization_id', 'group_id']).execute();

    await db.schema
      .createTable('role_assignments')
      .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addColumn('employee_id', 'text', (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('focus', 'text')
      .addColumn('percentage', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('role_assignments_pk', ['role_id', 'employee_id'])
      .execute();
    await db.schema.createIndex('role_assignments_employee').on('role_assignments').columns(['employee_id']).execute();

    await db.schema
      .createTable('programs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_lower', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('programs_org_name')
      .unique()
      .on('programs')
      .columns(['organization_id', 'name_lower'])
      .execute();

    await db.schema
      .createTable('recognitions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('giver_id', 'text', (c) => c.notNull())
      .addColumn('recipient_ids', 'text', (c) => c.notNull())
      .addColumn('points', 'integer', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('program_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('recognitions_org_created')
      .on('recognitions')
      .columns(['organization_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('engagement_answers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('employee_id', 'text', (c) => c.notNull())
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('answered_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('engagement_answers_org_question_time')
      .on('engagement_answers')
      // Covering: the overview reads only these columns, so it never touches the table rows.
      .columns(['organization_id', 'question', 'answered_at', 'score', 'employee_id'])
      .execute();
    await db.schema
      .createIndex('engagement_answers_employee')
      .on('engagement_answers')
      .columns(['employee_id'])
      .execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('credential_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('response', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['organization_id', 'credential_id', 'key'])
      .execute();
  },
};

const webhooks: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_lower', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('signing', 'integer', (c) => c.notNull())
      .addColumn('verify_ssl', 'integer', (c) => c.notNull())
      .addColumn('max_events_per_request', 'integer', (c) => c.notNull())
      .addColumn('error_recipient_emails', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('previous_secret', 'text')
      .addColumn('previous_secret_expires_at', 'text')
      .addColumn('disabled_reason', 'text')
      .addColumn('last_triggered_at', 'text')
      .addColumn('failing_since', 'text')
      .addColumn('last_digest_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhooks_org_created')
      .on('webhooks')
      .columns(['organization_id', 'created_at', 'id'])
      .execute();

    await db.schema.alterTable('events').addColumn('fanned_out_at', 'text').execute();
    await db.schema
      .createIndex('events_waiting')
      .on('events')
      .columns(['created_at', 'id'])
      .where(sql.ref('fanned_out_at'), 'is', null)
      .execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('event_ids', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('batch_open_until', 'text')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('reported_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema
      .createIndex('notifications_webhook')
      .on('notifications')
      .columns(['webhook_id', 'created_at', 'id'])
      .execute();
    await db.schema.createIndex('messages_due').on('messages').columns(['status', 'next_attempt_at']).execute();
    await db.schema
      .createIndex('messages_webhook')
      .on('messages')
      .columns(['webhook_id', 'status', 'created_at'])
      .execute();

    await db.schema
      .createTable('delivery_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('request_headers', 'text', (c) => c.notNull())
      .addColumn('request_body', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('response_headers', 'text', (c) => c.notNull())
      .addColumn('response_body', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('delivery_attempts_webhook_sent')
      .on('delivery_attempts')
      .columns(['webhook_id', 'sent_at', 'id'])
      .execute();
    await db.schema.createIndex('delivery_attempts_message').on('delivery_attempts').columns(['message_id']).execute();
  },
};

/**
 * Indexes for the retention jobs that prune expired sessions and idempotency records. Answers
 * stored before they were sealed could hold a token in clear: they go (a retry within the day then
 * simply runs again, keyed afresh).
 */
const hardening: Migration = {
  async up(db: AnyDb) {
    await db.deleteFrom('idempotency_keys').execute();
    await db.schema.createIndex('app_sessions_expires').on('app_sessions').columns(['expires_at']).execute();
    await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').columns(['created_at']).execute();
  },
};

/** HiBob: the connection, its sync runs, and the queue of real-time notifications. */
const hibob: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('integrations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('base_url', 'text', (c) => c.notNull())
      .addColumn('service_user_id', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('hook_secret', 'text')
      .addColumn('receiver_id', 'text', (c) => c.notNull().unique())
      .addColumn('auto_sync_minutes', 'integer')
      .addColumn('next_auto_sync_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('integrations_org_kind')
      .unique()
      .on('integrations')
      .columns(['organization_id', 'kind'])
      .execute();
    await db.schema.createIndex('integrations_auto_sync').on('integrations').columns(['next_auto_sync_at']).execute();

    await db.schema
      .createTable('sync_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('processed', 'integer', (c) => c.notNull())
      .addColumn('total', 'integer')
      .addColumn('created', 'integer', (c) => c.notNull())
      .addColumn('updated', 'integer', (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .addColumn('unchanged', 'integer', (c) => c.notNull())
      .addColumn('report', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('heartbeat_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    // One run at a time per organization, whichever process starts it.
    await db.schema
      .createIndex('sync_runs_one_running')
      .unique()
      .on('sync_runs')
      .columns(['organization_id'])
      .where(sql.ref('status'), '=', 'running')
      .execute();
    await db.schema
      .createIndex('sync_runs_org_started')
      .on('sync_runs')
      .columns(['organization_id', 'started_at', 'id'])
      .execute();

    await db.schema
      .createTable('hibob_notifications')
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('employee_external_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addPrimaryKeyConstraint('hibob_notifications_pk', ['organization_id', 'employee_external_id'])
      .execute();
    await db.schema
      .createIndex('hibob_notifications_due')
      .on('hibob_notifications')
      .columns(['next_attempt_at'])
      .execute();

    await db.schema.alterTable('employees').addColumn('sync_hash', 'text').execute();
  },
};

/** Per-webhook concurrency (1 = strictly in order), and an index for department pages sorted by name. */
const deliveryConcurrency: Migration = {
  async up(db) {
    await db.schema
      .alterTable('webhooks')
      .addColumn('max_concurrency', 'integer', (c) => c.notNull().defaultTo(10))
      .execute();
    // The ordered queue's head: a webhook's oldest pending message.
    await db.schema
      .createIndex('messages_webhook_pending')
      .on('messages')
      .columns(['webhook_id', 'status', 'created_at', 'id'])
      .execute();
    // The directory's usual page, one department sorted by last name, read in index order: its cost
    // no longer grows with the department's size.
    await db.schema
      .createIndex('employees_org_department_last_name')
      .on('employees')
      .columns(['organization_id', 'department', 'last_name', 'id'])
      .execute();
  },
};

/**
 * Engagement rollups: each employee's answers to a question in a UTC month, added up, so that the
 * overview's cost no longer grows with the answers (store/engagement keeps them current). Filled here
 * from the answers already stored. The statement is the one `rebuildEngagementRollups` runs, written
 * out rather than imported: a migration must keep describing this version's table when the store's
 * code has moved on.
 */
const engagementRollups: Migration = {
  async up(db: AnyDb) {
    const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
    await db.schema
      .createTable('engagement_monthly')
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('question', 'text', notNull)
      .addColumn('month', 'text', notNull)
      .addColumn('employee_id', 'text', notNull)
      .addColumn('answers', 'integer', notNull)
      .addColumn('score_sum', 'integer', notNull)
      .addColumn('promoters', 'integer', notNull)
      .addColumn('passives', 'integer', notNull)
      .addColumn('detractors', 'integer', notNull)
      // A period is a range of this key: its rows are read in month order.
      .addPrimaryKeyConstraint('engagement_monthly_pk', ['organization_id', 'question', 'month', 'employee_id'])
      // On SQLite the rows then live in the key's own B-tree, so that range holds the counts too:
      // measured, it halves the overview's scan.
      .$call((table) => (db.introspection instanceof SqliteIntrospector ? table.modifyEnd(sql`without rowid`) : table))
      .execute();
    // An employee's rows go with them (store/engagement deleteAnswersOf).
    await db.schema
      .createIndex('engagement_monthly_employee')
      .on('engagement_monthly')
      .columns(['employee_id'])
      .execute();
    const month = sql`substr(answered_at, 1, 7)`;
    await db
      .insertInto('engagement_monthly')
      .columns([
        'organization_id',
        'question',
        'month',
        'employee_id',
        'answers',
        'score_sum',
        'promoters',
        'passives',
        'detractors',
      ])
      .expression(
        db
          .selectFrom('engagement_answers')
          .select([
            'organization_id',
            'question',
            month.as('month'),
            'employee_id',
            sql`count(*)`.as('answers'),
            sql`sum(score)`.as('score_sum'),
            sql`sum(case when score >= ${PROMOTER_MIN} then 1 else 0 end)`.as('promoters'),
            sql`sum(case when score >= ${PASSIVE_MIN} and score < ${PROMOTER_MIN} then 1 else 0 end)`.as('passives'),
            sql`sum(case when score < ${PASSIVE_MIN} then 1 else 0 end)`.as('detractors'),
          ])
          .groupBy(['organization_id', 'question', month, 'employee_id']),
      )
      .execute();
  },
};

/**
 * Segments: tenure bands an organization may redefine (the boundaries in months as a JSON array, null
 * for the defaults; tenure itself is derived from the dates and never stored), and the rollups read
 * by month for every question at once (drivers, heatmap), holding the counts so the read never
 * leaves the index.
 */
const segments: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('organizations').addColumn('tenure_boundaries', 'text').execute();
    await db.schema
      .createIndex('engagement_monthly_org_month')
      .on('engagement_monthly')
      .columns([
        'organization_id',
        'month',
        'question',
        'employee_id',
        'answers',
        'score_sum',
        'promoters',
        'passives',
        'detractors',
      ])
      .execute();
  },
};

/**
 * Totals per department, question and month, as of each employee's current department, with each
 * month's respondents as a bitmap over respondent numbers (store/department-rollups keeps them
 * current). A department's figures over any window are then a few rows whatever the number of
 * answers, and distinct respondents stay exact: the union of the months' bitmaps. Filled here from
 * the employee rollups, numbering respondents in id order.
 */
const departmentRollups: Migration = {
  async up(db: AnyDb) {
    const sqlite = db.introspection instanceof SqliteIntrospector;
    const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
    await db.schema
      .alterTable('organizations')
      .addColumn('respondent_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('engagement_respondents')
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('employee_id', 'text', notNull)
      .addColumn('number', 'integer', notNull)
      .addPrimaryKeyConstraint('engagement_respondents_pk', ['organization_id', 'employee_id'])
      .addUniqueConstraint('engagement_respondents_number', ['organization_id', 'number'])
      .execute();
    await db.schema
      .createTable('engagement_departments')
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('question', 'text', notNull)
      .addColumn('month', 'text', notNull)
      .addColumn('department', 'text', notNull)
      .addColumn('answers', 'integer', notNull)
      .addColumn('score_sum', 'integer', notNull)
      .addColumn('promoters', 'integer', notNull)
      .addColumn('passives', 'integer', notNull)
      .addColumn('detractors', 'integer', notNull)
      .addColumn('respondents', sqlite ? 'blob' : 'bytea', notNull)
      .addPrimaryKeyConstraint('engagement_departments_pk', ['organization_id', 'month', 'question', 'department'])
      .execute();
    // Number every employee with rollups, per organization in id order, then add the rollups up.
    const people = await db
      .selectFrom('engagement_monthly')
      .select(['organization_id', 'employee_id'])
      .distinct()
      .orderBy('organization_id')
      .orderBy('employee_id')
      .execute();
    const numbers = new Map<string, number>();
    const counts = new Map<string, number>();
    for (const p of people) {
      const n = (counts.get(p.organization_id) ?? 0) + 1;
      counts.set(p.organization_id, n);
      numbers.set(`${p.organization_id} ${p.employee_id}`, n);
    }
    for (let i = 0; i < people.length; i += 500) {
      const rows = people.slice(i, i + 500).map((p) => ({
        organization_id: p.organization_id,
        employee_id: p.employee_id,
        number: numbers.get(`${p.organization_id} ${p.employee_id}`),
      }));
      await db.insertInto('engagement_respondents').values(rows).execute();
    }
    for (const [org, n] of counts)
      await db.updateTable('organizations').set({ respondent_count: n }).where('id', '=', org).execute();
    const rollups = await db
      .selectFrom('engagement_monthly as m')
      .leftJoin('employees as e', 'e.id', 'm.employee_id')
      .select([
        'm.organization_id',
        'm.question',
        'm.month',
        'm.employee_id',
        'e.department',
        'm.answers',
        'm.score_sum',
        'm.promoters',
        'm.passives',
        'm.detractors',
      ])
      .execute();
    const totals = new Map<string, Record<string, unknown> & { bits: number[] }>();
    for (const r of rollups) {
      const department = r.department ?? '';
      const key = JSON.stringify([r.organization_id, r.month, r.question, department]);
      let t = totals.get(key);
      if (!t)
        totals.set(
          key,
          (t = {
            organization_id: r.organization_id,
            question: r.question,
            month: r.month,
            department,
            answers: 0,
            score_sum: 0,
            promoters: 0,
            passives: 0,
            detractors: 0,
            bits: [],
          }),
        );
      for (const c of ['answers', 'score_sum', 'promoters', 'passives', 'detractors'] as const)
        t[c] = Number(t[c]) + Number(r[c]);
      t.bits.push(numbers.get(`${r.organization_id} ${r.employee_id}`) as number);
    }
    const rows = [...totals.values()].map(({ bits, ...t }) => {
      const bitmap = Buffer.alloc(Math.ceil((Math.max(0, ...bits) + 1) / 8));
      for (const n of bits) bitmap[n >> 3] |= 1 << (n & 7);
      return { ...t, respondents: bitmap };
    });
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto('engagement_departments')
        .values(rows.slice(i, i + 200))
        .execute();
  },
};

/**
 * Receipts of signed HiBob notices, one per verified signature (its hash) and integration, so that a
 * replay within the notice's freshness window is refused. Written in the transaction that queues the
 * notice; pruned by upkeep once expired.
 */
const hibobReceipts: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('hibob_receipts')
      .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
      .addColumn('signature_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hibob_receipts_pk', ['integration_id', 'signature_hash'])
      .execute();
    await db.schema.createIndex('hibob_receipts_expiry').on('hibob_receipts').columns(['expires_at']).execute();
  },
};

/**
 * Snapshot imports from any HRIS, and HiBob's runs as runs of the same engine: a run names its source
 * and its options; one runs at a time per organization and source. A preview's planned changes and
 * every note of a run (skipped fields and people, warnings, options added) get tables of their own,
 * so none is dropped and both can be paged.
 */
const imports: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .alterTable('sync_runs')
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('hibob'))
      .execute();
    await db.schema
      .alterTable('sync_runs')
      .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .alterTable('sync_runs')
      .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.dropIndex('sync_runs_one_running').execute();
    await db.schema
      .createIndex('sync_runs_one_running')
      .unique()
      .on('sync_runs')
      .columns(['organization_id', 'source'])
      .where(sql.ref('status'), '=', 'running')
      .execute();

    await db.schema
      .createTable('import_changes')
      .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('employee_id', 'text', (c) => c.notNull())
      .addColumn('base_updated_at', 'text')
      .addColumn('employee', 'text')
      .addColumn('changes', 'text')
      .addPrimaryKeyConstraint('import_changes_pk', ['run_id', 'seq'])
      .execute();

    await db.schema
      .createTable('import_notes')
      .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('import_notes_pk', ['run_id', 'seq'])
      .execute();
    await db.schema.createIndex('import_notes_kind').on('import_notes').columns(['run_id', 'kind', 'seq']).execute();
  },
};

/**
 * Engagement surveys: rounds, one invitation per person and round, the e-mails still to send, and
 * which answers came from which invitation (a new response replaces the last).
 */
const surveys: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('surveys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('questions', 'text', (c) => c.notNull())
      .addColumn('opens_at', 'text', (c) => c.notNull())
      .addColumn('closes_at', 'text', (c) => c.notNull())
      .addColumn('reminders', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('cadence', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('refreshed_on', 'text')
      .addColumn('link_key', 'text', (c) => c.notNull())
      .addColumn('previous_id', 'text')
      .addColumn('outcome', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('surveys_org').on('surveys').columns(['organization_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('surveys_due').on('surveys').columns(['status', 'opens_at']).execute();

    await db.schema
      .createTable('survey_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
      .addColumn('employee_id', 'text', (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('segments', 'text', (c) => c.notNull())
      .addColumn('invited_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('responded_at', 'text')
      .addUniqueConstraint('survey_invitations_once', ['survey_id', 'employee_id'])
      .execute();
    await db.schema
      .createIndex('survey_invitations_employee')
      .on('survey_invitations')
      .columns(['employee_id'])
      .execute();

    await db.schema
      .createTable('survey_mails')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', orgColumn)
      .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
      .addColumn('invitation_id', 'text', (c) => c.notNull().references('survey_invitations.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('survey_mails_due').on('survey_mails').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('survey_mails_invitation').on('survey_mails').columns(['invitation_id']).execute();

    await db.schema.alterTable('engagement_answers').addColumn('invitation_id', 'text').execute();
    await db.schema
      .createIndex('engagement_answers_invitation')
      .on('engagement_answers')
      .columns(['invitation_id'])
      .execute();
  },
};

/**
 * messages_webhook (webhook, status, created) is the leading part of messages_webhook_pending (the
 * same and id), which serves every query it did: keeping both cost an extra index write on every
 * message inserted and every status change, i.e. several per delivery.
 */
const leanMessageIndexes: Migration = {
  async up(db: AnyDb) {
    await db.schema.dropIndex('messages_webhook').execute();
  },
};

/**
 * The message indexes hold only what their queries look for. Both whole-table indexes kept an entry
 * for every message ever sent, and the one keyed by webhook put each delivery's entry on a page of
 * its own webhook: a fan-out to 100 webhooks and every batch of recorded attempts dirtied a page per
 * webhook, all written to the log at commit. Pending messages are a few hundred at most, so their
 * indexes stay a few pages; failed ones (for the digests and re-sends) are rare. Pruning and a
 * message's split parts go by id (time-ordered) instead.
 */
const pendingMessageIndexes: Migration = {
  async up(db: AnyDb) {
    await db.schema.dropIndex('messages_due').execute();
    await db.schema.dropIndex('messages_webhook_pending').execute();
    await db.schema
      .createIndex('messages_pending_due')
      .on('messages')
      .column('next_attempt_at')
      .where(sql.ref('status'), '=', sql.lit('pending'))
      .execute();
    await db.schema
      .createIndex('messages_pending_webhook')
      .on('messages')
      .columns(['webhook_id', 'created_at', 'id'])
      .where(sql.ref('status'), '=', sql.lit('pending'))
      .execute();
    await db.schema
      .createIndex('messages_failed_webhook')
      .on('messages')
      .columns(['webhook_id', 'created_at'])
      .where(sql.ref('status'), '=', sql.lit('failed'))
      .execute();
  },
};

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_people_data': peopleData,
  '0003_webhooks': webhooks,
  '0004_hardening': hardening,
  '0005_hibob': hibob,
  '0006_concurrency_and_pages': deliveryConcurrency,
  '0007_engagement_rollups': engagementRollups,
  '0008_segments': segments,
  '0009_department_rollups': departmentRollups,
  '0010_hibob_receipts': hibobReceipts,
  '0011_imports': imports,
  '0012_surveys': surveys,
  '0013_lean_message_indexes': leanMessageIndexes,
  '0014_pending_message_indexes': pendingMessageIndexes,
};

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

/**
 * Brings the schema up to date (or to `target`, for tests of upgrades); safe to run from several
 * processes at once (the migrator locks). Returns the migrations it applied.
 */
export async function migrateToLatest(db: AnyDb, schema: string | undefined, target?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  const { error, results } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
