// The check the domain runs before it saves HiBob credentials: one real request to HiBob with them.
import type { Config } from '../../config';
import { problems } from '../../core/problem';
import type { CredentialCheck } from '../../domain/hibob-connection';
import type { GuardedAgents } from '../../net/outbound';
import { HibobClient, HibobError } from './client';

/** Asks HiBob whether credentials work (it reads the field list); a refusal is a 422 saying why, and nothing is saved. */
export function hibobCredentialCheck(outbound: GuardedAgents, config: Pick<Config, 'hibobTimeoutMs'>): CredentialCheck {
  return async (credentials) => {
    try {
      await new HibobClient(credentials, outbound, { timeoutMs: config.hibobTimeoutMs, maxRetries: 1 }).fields();
    } catch (error) {
      if (error instanceof HibobError)
        throw problems.unprocessable(`HiBob did not accept the connection: ${error.message}. Nothing was saved.`, {
          hibobError: error.kind,
        });
      throw error;
    }
  };
}
