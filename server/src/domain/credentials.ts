// Changing credentials (keys, apps, sessions, permissions, access rights) so that the change counts
// from the next request on, in every process.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';
import type { DomainContext } from './context';

/**
 * Runs a transaction that revokes or changes credentials. Other processes hear of it when it
 * commits (the store announces it); this one is told right after, through credentialsChanged.
 */
export async function changeCredentials<T>(
  ctx: Pick<DomainContext, 'store' | 'signals'>,
  change: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  try {
    return await ctx.store.db.transaction().execute(async (trx) => {
      const result = await change(trx);
      await ctx.store.announceCredentialChange(trx);
      return result;
    });
  } finally {
    ctx.signals.credentialsChanged.emit();
  }
}
