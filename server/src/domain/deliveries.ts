// Sending messages again: one delivery's message (with the same webhook-id), or every message of a
// webhook that failed since a time. The dispatcher takes them from the queue.
import { problems } from '../core/problem';
import { recordAudit } from '../store/audit';
import { findAttempt } from '../store/delivery-attempts';
import { failedMessageIdsSince, requeue } from '../store/messages';
import { findWebhook } from '../store/webhooks';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';

/** Queues the message of a delivery attempt again; returns the message's id. */
export async function resendDelivery(ctx: DomainContext, who: Principal, attemptId: string): Promise<string> {
  const now = ctx.clock.now();
  const attempt = await findAttempt(ctx.store.db, who.organizationId, attemptId);
  if (!attempt) throw problems.notFound(`There is no delivery ${attemptId}.`);
  await ctx.store.db.transaction().execute(async (trx) => {
    await requeue(trx, [attempt.messageId], now);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'delivery.resent',
      targetType: 'delivery',
      targetId: attempt.id,
      at: now,
    });
  });
  return attempt.messageId;
}

/** Queues again every message of the webhook that failed since `since`; returns how many. */
export async function recoverWebhook(
  ctx: DomainContext,
  who: Principal,
  webhookId: string,
  since: Date,
): Promise<number> {
  const now = ctx.clock.now();
  const webhook = await findWebhook(ctx.store.db, who.organizationId, webhookId);
  if (!webhook) throw problems.notFound(`There is no webhook ${webhookId}.`);
  const failed = await ctx.store.db.transaction().execute(async (trx) => {
    const ids = await failedMessageIdsSince(trx, webhook.id, since.toISOString());
    await requeue(trx, ids, now);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'webhook.recovered',
      targetType: 'webhook',
      targetId: webhook.id,
      details: { requeued: ids.length },
      at: now,
    });
    return ids;
  });
  return failed.length;
}
