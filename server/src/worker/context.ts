// What the delivery worker (dispatcher and upkeep) is given: the domain's context, and what sending
// and telling people takes: the webhook client, the mailer, the metrics and the address links use.
import type { DomainContext } from '../domain/context';
import type { Metrics } from '../http/metrics';
import type { WebhookClient } from '../net/http-client';
import type { Mailer } from './mailer';

export interface DeliveryContext extends DomainContext {
  /** PUBLIC_URL, or the bound address when it is not set: links in payloads and mails point there. */
  publicUrl: string;
  webhookClient: WebhookClient;
  mailer: Mailer;
  metrics: Metrics;
}
