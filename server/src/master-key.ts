// The master key that encrypts secrets at rest: from PEOPLEHUB_MASTER_KEY, or DATA_DIR/master.key.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from './config';
import { SecretBoxError, openSecret, sealSecret } from './core/secret-box';
import { restrictToOwner } from './store/database';
import { initMeta, readMeta } from './store/meta';
import type { Database } from './store/schema';

const KEY_FILE = 'master.key';
const CHECK_KEY = 'master_key_check';
const CHECK_PURPOSE = 'master-key-check';

export class MasterKeyError extends Error {}

function readOrCreateKeyFile(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so two processes starting together never overwrite each other.
    fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  restrictToOwner(file);
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new MasterKeyError(`${file} does not hold a 64-hex-digit key`);
  return Buffer.from(text, 'hex');
}

/**
 * Returns the master key and proves it is the one this store was sealed with: a wrong key stops
 * start-up with one clear line instead of failing later on every secret.
 */
export async function resolveMasterKey(config: Config, db: Kysely<Database>): Promise<Buffer> {
  const key = config.masterKey ?? readOrCreateKeyFile(config.dataDir);
  const check = await readMeta(db, CHECK_KEY);
  if (check !== null) return verifyCheck(key, check);
  await initMeta(db, CHECK_KEY, sealSecret(key, 'peoplehub', CHECK_PURPOSE));
  // Another process starting at the same moment may have written its check first: verify whichever won.
  const written = await readMeta(db, CHECK_KEY);
  if (written === null) throw new Error('the master key check was not stored');
  return verifyCheck(key, written);
}

function verifyCheck(key: Buffer, sealed: string): Buffer {
  try {
    openSecret(key, sealed, CHECK_PURPOSE);
  } catch (error) {
    if (error instanceof SecretBoxError) {
      throw new MasterKeyError(
        'the master key does not match the one this store was created with (check PEOPLEHUB_MASTER_KEY or DATA_DIR/master.key)',
      );
    }
    throw error;
  }
  return key;
}
