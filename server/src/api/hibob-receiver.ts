// HiBob's webhooks arrive here: POST /v1/integrations/hibob/webhook/{receiverId}. The raw body must
// carry a valid Bob-Signature (base64 HMAC-SHA512 with the hook secret), checked in constant time
// before anything parses it; only HiBob's small unsigned ping is answered without one. A signed notice
// must be fresh and received once; it is then only queued, in the store, and answered at once: the
// worker re-reads the person from HiBob and applies them, so HiBob is never kept waiting and a crash
// loses nothing.
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { acceptNotice } from '../domain/hibob-connection';
import { parseJson, readBody } from '../http/body';
import { defineRoute } from '../http/route';
import {
  NOTICE_MAX_AGE_MS,
  NOTICE_MAX_AHEAD_MS,
  employeeOf,
  freshnessOf,
  isPing,
  receiptExpiry,
  receiptHash,
  verifiedSignature,
} from '../integrations/hibob/notice';
import { findIntegrationByReceiver, integrationSecrets } from '../store/integrations';
import { Problem } from './common';

/** HiBob's notices are small; anything bigger is not one of them. */
const RECEIVER_BODY_LIMIT = 64 * 1024;

const minutes = (ms: number) => `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;

export const receiverRoute = defineRoute({
  method: 'POST',
  url: '/v1/integrations/hibob/webhook/:receiverId',
  operationId: 'receiveHibobWebhook',
  summary: "HiBob's webhook endpoint (signed with Bob-Signature); paste the receiver URL into HiBob",
  tags: ['Integrations'],
  auth: { kind: 'none' },
  params: Type.Object({ receiverId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  responses: {
    200: {
      description: 'A ping, or a signed notice about nothing PeopleHub syncs.',
      schema: Type.Object({ data: Type.Object({ accepted: Type.Boolean() }) }),
    },
    202: {
      description: 'Queued: the person is re-read from HiBob and applied shortly.',
      schema: Type.Object({ data: Type.Object({ accepted: Type.Literal(true) }) }),
    },
    400: {
      description:
        'Signed, but not a notice PeopleHub can read (not JSON, nested too deep, an unreadable triggeredAt or employee id); nothing changed.',
      schema: Problem,
    },
    401: {
      description: `No hook secret is set, Bob-Signature is missing or wrong, or the notice's triggeredAt is more than ${minutes(NOTICE_MAX_AGE_MS)} old or ${minutes(NOTICE_MAX_AHEAD_MS)} ahead; nothing changed.`,
      schema: Problem,
    },
    404: { description: 'No such receiver.', schema: Problem },
    409: {
      description: 'A replay: a notice with this signature was already received; nothing changed.',
      schema: Problem,
    },
    413: { description: 'Larger than any HiBob notice.', schema: Problem },
  },
  async handler({ params, ctx, req }) {
    const integration = await findIntegrationByReceiver(ctx.store.db, params.receiverId);
    if (!integration) throw problems.notFound('There is no HiBob receiver at this address.');
    const raw = await readBody(req, RECEIVER_BODY_LIMIT);
    // The ping comes when the subscription is made in HiBob, before its secret can be pasted here.
    if (isPing(raw)) return { status: 200, body: { data: { accepted: false } } };
    const { hookSecret } = await integrationSecrets(ctx.store.db, ctx.masterKey, integration);
    if (hookSecret === null)
      throw problems.unauthorized(
        'No hook secret is set for this HiBob connection; paste the one HiBob shows into PATCH /v1/integrations/hibob.',
      );
    const header = req.headers['bob-signature'];
    const signature = verifiedSignature(hookSecret, raw, typeof header === 'string' ? header : undefined);
    if (signature === null)
      throw problems.unauthorized('The Bob-Signature header is missing or does not match the body.');

    // Signed by HiBob from here on, and still parsed behind the same depth cap as every body.
    const notice = parseJson(raw.toString('utf8'));
    const now = ctx.clock.now();
    const freshness = freshnessOf(notice, now);
    if (freshness.kind === 'unreadable')
      throw problems.badRequest("The notice's triggeredAt is not a timestamp such as 2026-11-22T10:00:00Z.");
    if (freshness.kind === 'stale') {
      throw problems.unauthorized(
        `The notice was triggered at ${freshness.triggeredAt.toISOString()}, more than ${minutes(NOTICE_MAX_AGE_MS)} before this server's time (${now.toISOString()}); an old notice is refused as a possible replay.`,
      );
    }
    if (freshness.kind === 'ahead') {
      throw problems.unauthorized(
        `The notice says it was triggered at ${freshness.triggeredAt.toISOString()}, more than ${minutes(NOTICE_MAX_AHEAD_MS)} ahead of this server's time (${now.toISOString()}); check the server's clock.`,
      );
    }
    const employee = employeeOf(notice);
    if (employee.kind === 'invalid')
      throw problems.badRequest(`The notice names no usable person: ${employee.reason}.`);

    const received = await acceptNotice(ctx, integration, {
      receiptHash: receiptHash(signature),
      receiptExpiresAt: receiptExpiry(freshness, now),
      receivedAt: now,
      externalId: employee.kind === 'id' ? employee.id : null,
    });
    if (!received)
      throw problems.conflict('This notice was already received (the same Bob-Signature); a notice is accepted once.');
    if (employee.kind === 'none') return { status: 200, body: { data: { accepted: false } } };
    return { status: 202, body: { data: { accepted: true } } };
  },
});
