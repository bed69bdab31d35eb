// Decides once per run whether the PostgreSQL half of the suite and the browser tests run; with
// PEOPLEHUB_REQUIRE_PG=1 and PEOPLEHUB_REQUIRE_BROWSER=1 (as CI sets them) they must.
import { CHROMIUM, chromiumInstalled } from './browser';
import { TEST_DATABASE_URL, postgresAvailable } from './postgres';

export default async function globalSetup(): Promise<void> {
  const available = await postgresAvailable();
  if (!available && process.env.PEOPLEHUB_REQUIRE_PG === '1') {
    throw new Error(`PEOPLEHUB_REQUIRE_PG=1 but PostgreSQL does not answer at ${TEST_DATABASE_URL}`);
  }
  if (!available)
    process.stderr.write(
      `\nPostgreSQL is not reachable at ${TEST_DATABASE_URL}; the PostgreSQL half of the suite is skipped.\n`,
    );
  process.env.PEOPLEHUB_TEST_PG = available ? '1' : '0';

  const browser = chromiumInstalled();
  if (!browser && process.env.PEOPLEHUB_REQUIRE_BROWSER === '1') {
    throw new Error(`PEOPLEHUB_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  }
  if (!browser)
    process.stderr.write(
      `\nThere is no Chromium at ${CHROMIUM}; the browser tests are skipped (apt-get install chromium to run them).\n`,
    );
  process.env.PEOPLEHUB_TEST_BROWSER = browser ? '1' : '0';
}
