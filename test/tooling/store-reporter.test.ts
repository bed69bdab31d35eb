// eslint-disable-next-line @typescript-eslint/no-require-imports
const StoreReporter = require('../helpers/store-reporter.js') as new () => {
  onRunComplete(contexts: unknown, results: unknown): void;
};

describe('the run summary', () => {
  const results = {
    testResults: [
      {
        testResults: [
          { fullName: 'users [sqlite] lists', ancestorTitles: ['users [sqlite]'], status: 'passed' },
          { fullName: 'users [postgres] lists', ancestorTitles: ['users [postgres]'], status: 'passed' },
          { fullName: 'users [postgres] pages', ancestorTitles: ['users [postgres]'], status: 'failed' },
          {
            fullName: 'docs in a real browser [sqlite] load',
            ancestorTitles: ['the interactive docs in a real browser [sqlite]'],
            status: 'pending',
          },
        ],
      },
    ],
  };
  const summary = (pg: string, browser: string): string => {
    const saved = [process.env.PEOPLEHUB_TEST_PG, process.env.PEOPLEHUB_TEST_BROWSER];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      process.env.PEOPLEHUB_TEST_PG = pg;
      process.env.PEOPLEHUB_TEST_BROWSER = browser;
      new StoreReporter().onRunComplete([], results);
      return write.mock.calls.map((call) => String(call[0])).join('');
    } finally {
      write.mockRestore();
      for (const [name, value] of [
        ['PEOPLEHUB_TEST_PG', saved[0]],
        ['PEOPLEHUB_TEST_BROWSER', saved[1]],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };

  test('says how many PostgreSQL and browser tests ran, or that they were skipped, and names every skipped test', () => {
    const skipped = 'Skipped: 1 test\n  docs in a real browser [sqlite] load\n';
    expect(summary('1', '1')).toBe(
      '\nPostgreSQL half: ran 2 tests (1 passed, 1 failed)\nBrowser tests: ran 0 tests (0 passed, 0 failed)\n' +
        skipped,
    );
    expect(summary('0', '0')).toBe(
      '\nPostgreSQL half: skipped (PostgreSQL was not reachable)\nBrowser tests: skipped (no Chromium)\n' + skipped,
    );
  });
});
