// Decides once per run whether the PostgreSQL half of the suite runs; with PEOPLEHUB_REQUIRE_PG=1 it must.
import { TEST_DATABASE_URL, postgresAvailable } from './postgres';

export default async function globalSetup(): Promise<void> {
  const available = await postgresAvailable();
  if (!available && process.env.PEOPLEHUB_REQUIRE_PG === '1') {
    throw new Error(`PEOPLEHUB_REQUIRE_PG=1 but PostgreSQL does not answer at ${TEST_DATABASE_URL}`);
  }
  if (!available) process.stderr.write(`\nPostgreSQL is not reachable at ${TEST_DATABASE_URL}; the PostgreSQL half of the suite is skipped.\n`);
  process.env.PEOPLEHUB_TEST_PG = available ? '1' : '0';
}
