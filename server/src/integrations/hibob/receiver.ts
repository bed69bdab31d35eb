// HiBob's webhooks arrive here: POST /v1/integrations/hibob/webhook/{receiverId}. The body must carry
// a valid Bob-Signature (base64 HMAC-SHA512 of the raw body with the hook secret), checked in
// constant time; anything else is a 401 and changes nothing. A valid notice is only queued, in the
// store, and answered at once: the worker re-reads the person from HiBob and applies them, so HiBob
// is never kept waiting and a crash loses nothing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { Problem } from '../../api/common';
import { readBody } from '../../http/body';
import { problems } from '../../http/problem';
import { defineRoute } from '../../http/route';
import { enqueueNotification, findIntegrationByReceiver, integrationSecrets } from '../../store/integrations';

/** HiBob's notices are small; anything bigger is not one of them. */
const RECEIVER_BODY_LIMIT = 64 * 1024;

/** HiBob checks a new subscription with "Ping test" (or, on a retry, {"text": "Ping test"}). */
function isPing(raw: string): boolean {
  const text = raw.trim();
  if (text === 'Ping test' || text === '"Ping test"') return true;
  try {
    return (JSON.parse(text) as { text?: unknown }).text === 'Ping test';
  } catch {
    return false;
  }
}

/** Compares the signature HiBob sent with the one the body should have, in constant time. */
export function signatureMatches(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (header === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(header.trim())) return false;
  const expected = createHmac('sha512', secret).update(raw).digest();
  const given = Buffer.from(header.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The HiBob id of the person a notice is about (v2: data.employeeId; older payloads: data.employee.id). */
function employeeIdOf(notice: unknown): string | null {
  const data = (notice as { data?: { employeeId?: unknown; employee?: { id?: unknown } } } | null)?.data;
  const id = data?.employeeId ?? data?.employee?.id;
  return (typeof id === 'string' && id.trim() !== '') || typeof id === 'number' ? String(id).trim().slice(0, 64) : null;
}

export const receiverRoute = defineRoute({
  method: 'POST',
  url: '/v1/integrations/hibob/webhook/:receiverId',
  operationId: 'receiveHibobWebhook',
  summary: "HiBob's webhook endpoint (signed with Bob-Signature); paste the receiver URL into HiBob",
  tags: ['Integrations'],
  auth: { kind: 'none' },
  params: Type.Object({ receiverId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  responses: {
    200: { description: 'A ping, or a signed notice about nothing PeopleHub syncs.', schema: Type.Object({ data: Type.Object({ accepted: Type.Boolean() }) }) },
    202: { description: 'Queued: the person is re-read from HiBob and applied shortly.', schema: Type.Object({ data: Type.Object({ accepted: Type.Literal(true) }) }) },
    401: { description: 'No hook secret is set, or Bob-Signature is missing or wrong; nothing changed.', schema: Problem },
    404: { description: 'No such receiver.', schema: Problem },
    413: { description: 'Larger than any HiBob notice.', schema: Problem },
  },
  async handler({ params, services, req }) {
    const integration = await findIntegrationByReceiver(services.store.db, params.receiverId);
    if (!integration) throw problems.notFound('There is no HiBob receiver at this address.');
    const raw = await readBody(req, RECEIVER_BODY_LIMIT);
    // The ping comes when the subscription is made in HiBob, before its secret can be pasted here.
    if (isPing(raw.toString('utf8'))) return { status: 200, body: { data: { accepted: false } } };
    const { hookSecret } = await integrationSecrets(services.store.db, services.masterKey, integration);
    if (hookSecret === null) throw problems.unauthorized('No hook secret is set for this HiBob connection; paste the one HiBob shows into PATCH /v1/integrations/hibob.');
    const header = req.headers['bob-signature'];
    if (!signatureMatches(hookSecret, raw, typeof header === 'string' ? header : undefined)) {
      throw problems.unauthorized('The Bob-Signature header is missing or does not match the body.');
    }
    let notice: unknown;
    try {
      notice = JSON.parse(raw.toString('utf8'));
    } catch {
      throw problems.badRequest('The notice is not JSON.');
    }
    const externalId = employeeIdOf(notice);
    if (externalId === null) return { status: 200, body: { data: { accepted: false } } };
    await enqueueNotification(services.store.db, integration.organizationId, externalId, services.clock.now().toISOString());
    services.hibob.nudge();
    return { status: 202, body: { data: { accepted: true } } };
  },
});
