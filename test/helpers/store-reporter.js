// A jest reporter that ends every run with what it covered: whether the PostgreSQL half and the
// browser tests ran, and how many tests each had. A skipped half is easy to miss otherwise.
class StoreReporter {
  onRunComplete(_contexts, results) {
    const tests = results.testResults.flatMap((file) => file.testResults);
    const count = (match) => {
      const chosen = tests.filter(match);
      const passed = chosen.filter((t) => t.status === 'passed').length;
      const failed = chosen.filter((t) => t.status === 'failed').length;
      return { ran: passed + failed, passed, failed };
    };
    const describe = (label, enabled, why, stats) =>
      enabled
        ? `${label}: ran ${stats.ran} test${stats.ran === 1 ? '' : 's'} (${stats.passed} passed, ${stats.failed} failed)`
        : `${label}: skipped (${why})`;
    const postgres = count((t) => t.fullName.includes('[postgres]'));
    const browser = count((t) => t.ancestorTitles.some((title) => title.includes('real browser')));
    // A test that does not apply to a store is skipped there, not passed: name each one.
    const skipped = tests.filter((t) => t.status === 'pending' || t.status === 'skipped').map((t) => t.fullName);
    const listed = skipped.length > 20 ? [...skipped.slice(0, 20), `… and ${skipped.length - 20} more`] : skipped;
    process.stdout.write(
      `\n${describe('PostgreSQL half', process.env.PEOPLEHUB_TEST_PG === '1', 'PostgreSQL was not reachable', postgres)}\n` +
        `${describe('Browser tests', process.env.PEOPLEHUB_TEST_BROWSER === '1', 'no Chromium', browser)}\n` +
        `Skipped: ${skipped.length} test${skipped.length === 1 ? '' : 's'}${listed.map((name) => `\n  ${name}`).join('')}\n`,
    );
  }
}

module.exports = StoreReporter;
