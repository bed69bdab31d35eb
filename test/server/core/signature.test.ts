import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signatureHeader, signPayload } from '../../../server/src/core/signature';

describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify({ type: 'employee.created', data: { object: { id: 'emp_1' } } });
  const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const now = Math.floor(Date.UTC(2026, 10, 22, 10) / 1000);

  test('the public standardwebhooks library verifies what we sign', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(now),
      'webhook-signature': signPayload(secret, id, now, body),
    };
    const receiver = new Webhook(secret);
    jest.useFakeTimers({ now: now * 1000 });
    try {
      expect(receiver.verify(body, headers)).toEqual(JSON.parse(body));
      expect(() => receiver.verify(body.replace('emp_1', 'emp_2'), headers)).toThrow();
      expect(() => receiver.verify(body, { ...headers, 'webhook-timestamp': String(now - 3600) })).toThrow();
      expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    } finally {
      jest.useRealTimers();
    }
  });

  test('during a rotation both secrets sign, and a receiver with either one verifies', () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const header = signatureHeader([newSecret, oldSecret], id, now, body);
    expect(header.split(' ')).toHaveLength(2);
    jest.useFakeTimers({ now: now * 1000 });
    try {
      for (const secret of [oldSecret, newSecret]) {
        expect(() =>
          new Webhook(secret).verify(body, {
            'webhook-id': id,
            'webhook-timestamp': String(now),
            'webhook-signature': header,
          }),
        ).not.toThrow();
      }
    } finally {
      jest.useRealTimers();
    }
  });
});
