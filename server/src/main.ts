// The `peoplehub` command: serve, migrate, init, keys issue (break-glass for whoever holds the store),
// and rollups rebuild.
import { Command, InvalidArgumentError } from 'commander';
import { openReadyStore, startPeopleHub } from './app';
import { systemClock } from './clock';
import { type Config, ConfigError, loadConfig } from './config';
import { SYSTEM_ACTOR } from './core/actor';
import { createOrganizationWithOwner } from './domain/organization';
import { issueUserKey } from './domain/owner-access';
import { MasterKeyError } from './master-key';
import { rebuildEngagementRollups } from './store/engagement';
import { findOrganization, listOrganizationsWithOwners } from './store/organizations';
import { findUser, findUserIdByEmail } from './store/users';
import { SERVER_VERSION } from './version';

/** Prints one clear line and exits, for the failures a user can fix (configuration, master key). */
function fail(message: string): never {
  process.stderr.write(`peoplehub: ${message}\n`);
  process.exit(1);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
    throw error;
  }
}

async function explain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MasterKeyError) fail(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '3D000' || code === '28P01') {
      fail(`cannot reach the database in DATABASE_URL (${code}): ${(error as Error).message}`);
    }
    if (code === 'EADDRINUSE') fail(`the port is already in use: ${(error as Error).message} (set PORT)`);
    if (code === 'EACCES') fail(`permission denied: ${(error as Error).message}`);
    throw error;
  }
}

async function serve(): Promise<void> {
  const config = configOrExit();
  const hub = await explain(() => startPeopleHub(config));
  if (hub.demo) {
    const label = (right: string) => `${right.charAt(0).toUpperCase()}${right.slice(1)}`;
    process.stdout.write(
      [
        '',
        `Created the demo organization "Acme Demo" (${hub.demo.organizationId}). One key per access right, each shown once:`,
        `Owner key (shown once, keep it): ${hub.demo.ownerKey}`,
        ...hub.demo.userKeys.map((k) => `${label(k.accessRight)} key (shown once, keep it): ${k.key}   (${k.email})`),
        `Try: curl -H "X-Api-Key: ${hub.demo.ownerKey}" ${hub.url}/v1/users`,
        ...(hub.demo.surveyLink === null
          ? []
          : [
              `The round "Demo pulse" is open. One demo employee's personal answer link (a secret, shown once, like the keys):`,
              `  ${hub.demo.surveyLink}`,
            ]),
        '',
      ].join('\n') + '\n',
    );
  }
  if (config.dev) {
    process.stdout.write(
      'Development mode (PEOPLEHUB_DEV=true): webhooks may use http:// and reach loopback and private addresses.\n',
    );
  }
  process.stdout.write(
    `PeopleHub is listening on ${hub.url}\nAdmin console (sign in with a key): ${hub.url}/admin\nAPI docs (try every endpoint): ${hub.url}/v1/docs\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.context.logger.info({ signal }, 'shutting down');
    hub.close().then(
      () => process.exit(0),
      (error: unknown) => {
        hub.context.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function migrate(): Promise<void> {
  const config = configOrExit();
  await explain(async () => {
    const { store } = await openReadyStore(config);
    await store.close();
    process.stdout.write(`The store at ${store.describe} is up to date.\n`);
  });
}

function nonBlank(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value.trim();
}

function email(value: string): string {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new InvalidArgumentError('must be an email address');
  return value.trim();
}

async function init(options: { org: string; ownerEmail: string; ownerName?: string; json?: boolean }): Promise<void> {
  const config = configOrExit();
  await explain(async () => {
    const { store } = await openReadyStore(config);
    try {
      const created = await createOrganizationWithOwner(store, systemClock, {
        name: options.org,
        ownerEmail: options.ownerEmail,
        ownerName: options.ownerName,
      });
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ organizationId: created.organizationId, userId: created.userId, ownerKey: created.ownerKey })}\n`,
        );
      } else {
        process.stdout.write(
          `Created organization ${created.organizationId} with owner ${created.userId}.\nOwner key (shown once, keep it): ${created.ownerKey}\n`,
        );
      }
    } finally {
      await store.close();
    }
  });
}

/** Issues a fresh key for an owner, straight through the store: the way back in when no owner can sign in. */
async function issueKey(options: { org: string; email: string; json?: boolean }): Promise<void> {
  const config = configOrExit();
  await explain(async () => {
    const { store } = await openReadyStore(config);
    try {
      const userId = await findUserIdByEmail(store.db, options.org, options.email);
      const user = userId === null ? null : await findUser(store.db, options.org, userId);
      if (user === null) fail(`there is no user ${options.email} in organization ${options.org}`);
      if (user.accessRight !== 'owner')
        fail(
          `${options.email} is ${user.accessRight === 'admin' ? 'an admin' : 'a member'}, not an owner; keys issued here are for owners`,
        );
      // No cap on live keys here: this is the way back in, also when many keys must be replaced at once.
      const issued = await store.db
        .transaction()
        .execute((trx) => issueUserKey(trx, user, SYSTEM_ACTOR, systemClock.now(), { enforceLimit: false }));
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ organizationId: options.org, userId: user.id, keyId: issued.id, key: issued.key })}\n`,
        );
      } else {
        process.stdout.write(
          `Issued key ${issued.id} for ${user.email} (owner).\nKey (shown once, keep it): ${issued.key}\n`,
        );
      }
    } finally {
      await store.close();
    }
  });
}

/** Lists the organizations with their ids and owners, for `keys issue` when every key is lost. */
async function listOrgs(options: { json?: boolean }): Promise<void> {
  const config = configOrExit();
  await explain(async () => {
    const { store } = await openReadyStore(config);
    try {
      const orgs = await listOrganizationsWithOwners(store.db);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(orgs)}\n`);
      } else if (orgs.length === 0) {
        process.stdout.write('There is no organization yet: `peoplehub init` creates one.\n');
      } else {
        const lines = orgs.map(
          (org) =>
            `${org.id}  ${org.name}  (owners: ${org.ownerEmails.length > 0 ? org.ownerEmails.join(', ') : 'none'})`,
        );
        process.stdout.write(`${lines.join('\n')}\n`);
      }
    } finally {
      await store.close();
    }
  });
}

/**
 * Recomputes the engagement rollups from the answers. They are kept current as answers are written;
 * this is for when they may not be: restored from a partial backup, or edited by hand.
 */
async function rebuildRollups(options: { org?: string }): Promise<void> {
  const config = configOrExit();
  await explain(async () => {
    const { store } = await openReadyStore(config);
    try {
      if (options.org !== undefined && (await findOrganization(store.db, options.org)) === null)
        fail(`there is no organization ${options.org}`);
      const rows = await rebuildEngagementRollups(store.db, store.dialect, options.org);
      process.stdout.write(
        `Rebuilt the engagement rollups of ${options.org ?? 'every organization'}: ${rows} rows written.\n`,
      );
    } finally {
      await store.close();
    }
  });
}

export function buildCli(): Command {
  const program = new Command('peoplehub')
    .description('PeopleHub: a self-hosted people platform with a REST API, signed webhooks and HiBob sync.')
    .version(SERVER_VERSION)
    .showHelpAfterError()
    .allowExcessArguments(true)
    // Without a command the server runs; an unknown one is an error, not a silent `serve`.
    .action(() => (program.args.length === 0 ? serve() : program.error(`error: unknown command '${program.args[0]}'`)));
  program
    .command('serve')
    .description('Run the server (creates a demo organization on an empty store unless PEOPLEHUB_DEMO=false).')
    .action(serve);
  program.command('migrate').description('Bring the store schema up to date, then exit.').action(migrate);
  program
    .command('init')
    .description('Create an organization and its owner; prints the owner key once.')
    .requiredOption('--org <name>', 'organization name', nonBlank)
    .requiredOption('--owner-email <email>', "owner's email", email)
    .option('--owner-name <name>', "owner's name", nonBlank)
    .option('--json', 'print {"organizationId", "userId", "ownerKey"} as JSON')
    .action(init);
  program
    .command('orgs')
    .description('List the organizations with their ids and owners (for keys issue), straight from the store.')
    .option('--json', 'print [{"id", "name", "ownerEmails"}] as JSON')
    .action(listOrgs);
  program
    .command('keys')
    .description('Manage personal keys straight in the store (for whoever runs the server).')
    .command('issue')
    .description("Issue a fresh personal key for an organization's owner and print it once (break-glass).")
    .requiredOption('--org <id>', 'organization id (org_…)', nonBlank)
    .requiredOption('--email <email>', "the owner's email", email)
    .option('--json', 'print {"organizationId", "userId", "keyId", "key"} as JSON')
    .action(issueKey);
  program
    .command('rollups')
    .description('Maintain derived data straight in the store.')
    .command('rebuild')
    .description('Recompute the engagement rollups (what the overview reads) from the answers, in one transaction.')
    .option('--org <id>', 'only this organization (org_…)', nonBlank)
    .action(rebuildRollups);
  return program;
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`peoplehub: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
}
