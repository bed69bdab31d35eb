// The HiBob connection: connecting (credentials checked against HiBob first), changing its settings,
// disconnecting, and accepting the change notices HiBob sends. Talking to HiBob is left to the
// caller, who hands in the check: the domain does not know the HiBob client.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { checkHttpUrl } from '../core/http-url';
import { newId } from '../core/ids';
import { problems } from '../core/problem';
import { recordAudit } from '../store/audit';
import { enqueueNotification, recordReceipt } from '../store/hibob-notices';
import {
  type Integration,
  deleteIntegration,
  findIntegration,
  integrationSecrets,
  saveIntegration,
} from '../store/integrations';
import { runningRun } from '../store/sync-runs';
import type { DomainContext } from './context';
import { type Principal, principalActor } from './principal';

export interface HibobCredentials {
  baseUrl: string;
  serviceUserId: string;
  token: string;
}

/** Asks HiBob whether credentials work; throws a problem (422) saying why not, and then nothing is saved. */
export type CredentialCheck = (credentials: HibobCredentials) => Promise<void>;

export interface HibobSettings {
  serviceUserId?: string;
  token?: string;
  /** HiBob's API address, without a query or fragment. */
  baseUrl?: string;
  /** The signing secret HiBob shows for its webhook subscription; null removes it. */
  hookSecret?: string | null;
  /** Minutes between automatic syncs; null turns them off. */
  autoSyncMinutes?: number | null;
}

/** A base URL as the HiBob client joins paths to it: parsed at the boundary, without trailing slashes. */
function checkBaseUrl(config: Pick<Config, 'allowHttpWebhooks'>, baseUrl: string): string {
  return checkHttpUrl(baseUrl, { path: '/baseUrl', allowHttp: config.allowHttpWebhooks, base: true }).replace(
    /\/+$/,
    '',
  );
}

function nextAutoSync(now: Date, minutes: number | null): string | null {
  return minutes === null ? null : new Date(now.getTime() + minutes * 60_000).toISOString();
}

/** The organization's connection; 404 when HiBob is not connected. */
export async function connectedIntegration(ctx: Pick<DomainContext, 'store'>, who: Principal): Promise<Integration> {
  const integration = await findIntegration(ctx.store.db, who.organizationId);
  if (!integration) throw problems.notFound('HiBob is not connected; connect it with PUT /v1/integrations/hibob.');
  return integration;
}

/**
 * Connects HiBob, or replaces its credentials. The receiver address stays the same across
 * replacements; an omitted hookSecret or autoSyncMinutes keeps its value.
 */
export async function connectHibob(
  ctx: DomainContext,
  who: Principal,
  input: HibobSettings & { serviceUserId: string; token: string },
  check: CredentialCheck,
): Promise<Integration> {
  const now = ctx.clock.now();
  const baseUrl = input.baseUrl === undefined ? ctx.config.hibobBaseUrl : checkBaseUrl(ctx.config, input.baseUrl);
  await check({ baseUrl, serviceUserId: input.serviceUserId, token: input.token });
  const before = await findIntegration(ctx.store.db, who.organizationId);
  const previousHook = before ? (await integrationSecrets(ctx.store.db, ctx.masterKey, before)).hookSecret : null;
  const autoSyncMinutes =
    input.autoSyncMinutes === undefined ? (before?.autoSyncMinutes ?? null) : input.autoSyncMinutes;
  const hookSecret = input.hookSecret === undefined ? previousHook : input.hookSecret;
  const integration: Integration = {
    id: before?.id ?? newId('int', now),
    organizationId: who.organizationId,
    kind: 'hibob',
    baseUrl,
    serviceUserId: input.serviceUserId,
    receiverId: before?.receiverId ?? randomBytes(16).toString('base64url'),
    hookSecretSet: hookSecret !== null,
    autoSyncMinutes,
    nextAutoSyncAt:
      autoSyncMinutes === before?.autoSyncMinutes
        ? (before?.nextAutoSyncAt ?? null)
        : nextAutoSync(ctx.clock.now(), autoSyncMinutes),
    createdAt: before?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await saveIntegration(trx, ctx.masterKey, integration, { token: input.token, hookSecret });
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: before ? 'integration.updated' : 'integration.connected',
      targetType: 'integration',
      targetId: integration.id,
      details: { kind: 'hibob', baseUrl },
      at: now,
    });
  });
  return integration;
}

/** Changes any of the connection's settings; new credentials are checked against HiBob first. */
export async function updateHibob(
  ctx: DomainContext,
  who: Principal,
  input: HibobSettings,
  check: CredentialCheck,
): Promise<Integration> {
  const now = ctx.clock.now();
  const before = await connectedIntegration(ctx, who);
  const secrets = await integrationSecrets(ctx.store.db, ctx.masterKey, before);
  const baseUrl = input.baseUrl === undefined ? before.baseUrl : checkBaseUrl(ctx.config, input.baseUrl);
  const serviceUserId = input.serviceUserId ?? before.serviceUserId;
  const token = input.token ?? secrets.token;
  if (input.baseUrl !== undefined || input.serviceUserId !== undefined || input.token !== undefined)
    await check({ baseUrl, serviceUserId, token });
  const hookSecret = input.hookSecret === undefined ? secrets.hookSecret : input.hookSecret;
  const autoSyncMinutes = input.autoSyncMinutes === undefined ? before.autoSyncMinutes : input.autoSyncMinutes;
  const integration: Integration = {
    ...before,
    baseUrl,
    serviceUserId,
    hookSecretSet: hookSecret !== null,
    autoSyncMinutes,
    nextAutoSyncAt:
      input.autoSyncMinutes === undefined ? before.nextAutoSyncAt : nextAutoSync(ctx.clock.now(), autoSyncMinutes),
    updatedAt: now.toISOString(),
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await saveIntegration(trx, ctx.masterKey, integration, { token, hookSecret });
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'integration.updated',
      targetType: 'integration',
      targetId: integration.id,
      details: { changed: Object.keys(input) },
      at: now,
    });
  });
  return integration;
}

/** Disconnects HiBob (employees and past runs stay); 409 while a sync is running. */
export async function disconnectHibob(ctx: DomainContext, who: Principal): Promise<void> {
  const now = ctx.clock.now();
  const integration = await connectedIntegration(ctx, who);
  const running = await runningRun(ctx.store.db, who.organizationId, 'hibob');
  if (running)
    throw problems.conflict(`A HiBob sync is running (${running.id}); wait for it to finish before disconnecting.`, {
      runId: running.id,
    });
  await ctx.store.db.transaction().execute(async (trx) => {
    await deleteIntegration(trx, who.organizationId);
    await recordAudit(trx, {
      organizationId: who.organizationId,
      actor: principalActor(who),
      action: 'integration.disconnected',
      targetType: 'integration',
      targetId: integration.id,
      details: { kind: 'hibob' },
      at: now,
    });
  });
}

/** A verified notice: the receipt that refuses its replay, and the person it names (null: nobody PeopleHub syncs). */
export interface VerifiedNotice {
  /** What the receipt keeps of the signature (never the signature itself). */
  receiptHash: string;
  receiptExpiresAt: Date;
  /** When it arrived: the time its freshness was judged at. */
  receivedAt: Date;
  externalId: string | null;
}

/**
 * Accepts a signed, fresh notice once: records its receipt and queues the person for the HiBob
 * worker, which re-reads them from HiBob. False when the notice was received before (a replay).
 */
export async function acceptNotice(
  ctx: DomainContext,
  integration: Integration,
  notice: VerifiedNotice,
): Promise<boolean> {
  const now = notice.receivedAt;
  const received = await ctx.store.db.transaction().execute(async (trx) => {
    if (
      !(await recordReceipt(
        trx,
        integration.id,
        notice.receiptHash,
        notice.receiptExpiresAt.toISOString(),
        now.toISOString(),
      ))
    )
      return false;
    if (notice.externalId !== null)
      await enqueueNotification(trx, integration.organizationId, notice.externalId, now.toISOString());
    return true;
  });
  if (received && notice.externalId !== null) ctx.signals.noticesQueued.emit();
  return received;
}
