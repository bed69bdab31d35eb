// Webhook subscriptions: creating, changing and deleting them, and their signing secret and its
// rotation. Delivering to them is the dispatcher's work (worker/).
import type { Config } from '../config';
import { OPT_IN_EVENT_TYPES, type SubscribedEvent } from '../core/events';
import { checkHttpUrl } from '../core/http-url';
import { newId } from '../core/ids';
import { type FieldError, problems } from '../core/problem';
import { generateWebhookSecret } from '../core/signature';
import { recordAudit } from '../store/audit';
import {
  type Webhook,
  type WebhookFormat,
  type WebhookSecrets,
  type WebhookStatus,
  deleteWebhook as deleteWebhookRow,
  findWebhook,
  insertWebhook,
  resetFailureWindow,
  rotateWebhookSecret as rotateWebhookSecretRow,
  updateWebhook as updateWebhookRow,
  webhookSecrets,
} from '../store/webhooks';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';

/** How long the previous secret keeps signing after a rotation, so receivers can switch without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
export const DEFAULT_MAX_CONCURRENCY = 10;

/** A destination URL people can use: http(s), no credentials in it, https unless development allows http. */
export function checkWebhookUrl(config: Pick<Config, 'allowHttpWebhooks'>, url: string): string {
  return checkHttpUrl(url, { path: '/url', allowHttp: config.allowHttpWebhooks });
}

/** Why a webhook of `format` cannot have `type`, or null when it can. */
export function optInRefusal(type: string, format: WebhookFormat): string | null {
  if (format === 'json' || !(OPT_IN_EVENT_TYPES as readonly string[]).includes(type)) return null;
  return `${type} is for json webhooks only: its payload holds a personal link, which a ${format} webhook would post to a channel`;
}

/**
 * A chat, Slack or Teams webhook posts to a channel, so it cannot list an opt-in event type: such an
 * event holds a personal secret for one person (survey.invited: their answer link). Checked on the
 * webhook as it would be saved, so a change of format and a change of events are both caught.
 */
function refuseOptInInChannels(webhook: Pick<Webhook, 'events' | 'format'>): void {
  const errors = webhook.events.flatMap((type, i): FieldError[] => {
    const message = optInRefusal(type, webhook.format);
    return message === null ? [] : [{ location: 'body', path: `/events/${i}`, message }];
  });
  if (errors.length > 0) throw problems.validation(errors);
}

export interface WebhookSettings {
  name?: string;
  url?: string;
  events?: SubscribedEvent[];
  status?: Extract<WebhookStatus, 'active' | 'inactive'>;
  format?: WebhookFormat;
  signing?: boolean;
  verifySsl?: boolean;
  maxEventsPerRequest?: number;
  maxConcurrency?: number;
  errorRecipientEmails?: string[];
}

/** Creates a webhook; returns it with its signing secret (readable again through GET …/secret). */
export async function createWebhook(
  ctx: DomainContext,
  who: Principal,
  input: WebhookSettings & { name: string; url: string; events: SubscribedEvent[] },
): Promise<{ webhook: Webhook; secret: string }> {
  const now = ctx.clock.now();
  const webhook: Webhook = {
    id: newId('wh', now),
    organizationId: who.organizationId,
    name: input.name,
    url: checkWebhookUrl(ctx.config, input.url),
    events: input.events,
    status: input.status ?? 'active',
    format: input.format ?? 'json',
    signing: input.signing ?? true,
    verifySsl: input.verifySsl ?? true,
    maxEventsPerRequest: input.maxEventsPerRequest ?? 1,
    maxConcurrency: input.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    errorRecipientEmails: input.errorRecipientEmails ?? [],
    disabledReason: null,
    lastTriggeredAt: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  refuseOptInInChannels(webhook);
  const secret = generateWebhookSecret();
  await ctx.store.db.transaction().execute(async (trx) => {
    await insertWebhook(trx, ctx.masterKey, webhook, secret);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'webhook.created',
      targetType: 'webhook',
      targetId: webhook.id,
      at: now,
    });
  });
  return { webhook, secret };
}

/** Changes a webhook; setting a status clears why it was disabled, and re-enabling starts a fresh failure window. */
export async function updateWebhook(
  ctx: DomainContext,
  who: Principal,
  id: string,
  input: WebhookSettings,
): Promise<Webhook> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await findWebhook(trx, who.organizationId, id);
    if (!before) throw problems.notFound(`There is no webhook ${id}.`);
    const after: Webhook = {
      ...before,
      ...input,
      url: input.url === undefined ? before.url : checkWebhookUrl(ctx.config, input.url),
      disabledReason: input.status === undefined ? before.disabledReason : null,
      updatedAt: now.toISOString(),
    };
    refuseOptInInChannels(after);
    await updateWebhookRow(trx, after);
    // Otherwise the old failure window would disable it again at once.
    if (after.status === 'active' && before.status !== 'active') await resetFailureWindow(trx, after.id);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'webhook.updated',
      targetType: 'webhook',
      targetId: after.id,
      details: { changed: Object.keys(input) },
      at: now,
    });
    return after;
  });
}

export async function deleteWebhook(ctx: DomainContext, who: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await findWebhook(trx, who.organizationId, id))) throw problems.notFound(`There is no webhook ${id}.`);
    await deleteWebhookRow(trx, who.organizationId, id);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'webhook.deleted',
      targetType: 'webhook',
      targetId: id,
      at: now,
    });
  });
}

/** Issues a new signing secret; the previous one keeps signing for ROTATION_OVERLAP_MS. */
export async function rotateWebhookSecret(ctx: DomainContext, who: Principal, id: string): Promise<WebhookSecrets> {
  const now = ctx.clock.now();
  const fresh = generateWebhookSecret();
  return ctx.store.db.transaction().execute(async (trx) => {
    const webhook = await findWebhook(trx, who.organizationId, id);
    if (!webhook) throw problems.notFound(`There is no webhook ${id}.`);
    await rotateWebhookSecretRow(
      trx,
      ctx.masterKey,
      webhook,
      fresh,
      new Date(now.getTime() + ROTATION_OVERLAP_MS),
      now,
    );
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'webhook.secret_rotated',
      targetType: 'webhook',
      targetId: webhook.id,
      at: now,
    });
    return webhookSecrets(trx, ctx.masterKey, webhook, now);
  });
}
