// Notifications about a webhook (disabled, error digests): always kept, e-mailed when SMTP is set.
import type { Kysely } from 'kysely';
import { newId } from '../core/ids';
import { type Keyset, type Page, pageBy, takePage } from './query';
import type { Database, NotificationsTable } from './schema';

export interface Notification {
  id: string;
  webhookId: string;
  kind: string;
  recipients: string[];
  subject: string;
  body: string;
  createdAt: string;
  sentAt: string | null;
  error: string | null;
}

const toNotification = (row: NotificationsTable): Notification => ({
  id: row.id,
  webhookId: row.webhook_id,
  kind: row.kind,
  recipients: JSON.parse(row.recipients) as string[],
  subject: row.subject,
  body: row.body,
  createdAt: row.created_at,
  sentAt: row.sent_at,
  error: row.error,
});

export async function insertNotification(
  db: Kysely<Database>,
  n: {
    organizationId: string;
    webhookId: string;
    kind: string;
    recipients: string[];
    subject: string;
    body: string;
    at: Date;
  },
): Promise<string> {
  const id = newId('ntf', n.at);
  await db
    .insertInto('notifications')
    .values({
      id,
      organization_id: n.organizationId,
      webhook_id: n.webhookId,
      kind: n.kind,
      recipients: JSON.stringify(n.recipients),
      subject: n.subject,
      body: n.body,
      created_at: n.at.toISOString(),
      sent_at: null,
      error: null,
    })
    .execute();
  return id;
}

export async function markNotification(
  db: Kysely<Database>,
  id: string,
  sentAt: Date | null,
  error: string | null,
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ sent_at: sentAt?.toISOString() ?? null, error })
    .where('id', '=', id)
    .execute();
}

export async function listNotifications(
  db: Kysely<Database>,
  webhookId: string,
  keyset: Keyset,
): Promise<Page<Notification>> {
  const rows = await pageBy(
    db.selectFrom('notifications').selectAll().where('webhook_id', '=', webhookId),
    keyset,
  ).execute();
  return takePage(rows.map(toNotification), keyset.limit);
}

export async function pruneNotifications(db: Kysely<Database>, before: string): Promise<void> {
  await db.deleteFrom('notifications').where('created_at', '<', before).execute();
}
