// CSV snapshots of people for the import benchmarks, and the baseline they are measured against: how
// long a bare csv-parse takes to read the same text into objects, with no mapping and no engine.
const { parse } = require('csv-parse/sync');
const { random } = require('./engagement.bench');

const HEADER = [
  'External ID',
  'Email',
  'First Name',
  'Last Name',
  'Title',
  'Department',
  'Manager Email',
  'Start Date',
  'Location',
  'Level',
];
const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Émile',
  'Zoë',
  'Björn',
  'Siobhán',
  'Mateo',
  'Aiko',
  'Chloé',
  'Ravi',
  'Nia',
  'José',
];
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Durand',
  'Müller',
  "O'Brien",
  'García',
  'Nakamura',
  'Okafor',
  'Patel',
  'Smith',
];
// Some hold commas or quotes, as real titles and places do, so the file needs quoting here and there.
const TITLES = [
  'Engineer',
  'Senior Engineer',
  'VP, Sales',
  'Head of People',
  'Manager, Support',
  'Analyst',
  'Designer',
];
const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Operations', 'People', 'Finance', 'Support', 'Legal'];
const LOCATIONS = ['London', 'Berlin', 'New York, NY', 'Tel Aviv', 'São Paulo', 'Remote ("anywhere")'];
const LEVELS = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7'];
const DAY = 86_400_000;
const FIRST_START = Date.UTC(2010, 0, 1);
const START_DAYS = 6_000;

function quoted(value) {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Letters only, accents dropped: the local part of an address made from a name. */
function slug(name) {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/**
 * A CSV of `n` people as an HRIS exports it (a UTF-8 byte order mark, CRLF line ends): ids, names
 * with accents, managers chosen among the people before each one (the first has none), start dates
 * over 16 years, and two custom attribute columns, Location and Level (Level empty for one in ten).
 * The same seed gives the same text.
 */
function csvOfPeople(n, { seed = 1 } = {}) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const emails = [];
  const lines = [HEADER.join(',')];
  for (let i = 0; i < n; i += 1) {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const email = `${slug(first)}.${slug(last)}${i + 1}@example.com`;
    const manager = i === 0 ? '' : emails[Math.floor(next() * i)];
    const start = new Date(FIRST_START + Math.floor(next() * START_DAYS) * DAY).toISOString().slice(0, 10);
    const level = next() < 0.1 ? '' : pick(LEVELS);
    emails.push(email);
    const cells = [`E${String(i + 1).padStart(6, '0')}`, email, first, last, pick(TITLES), pick(DEPARTMENTS)];
    lines.push([...cells, manager, start, pick(LOCATIONS), level].map(quoted).join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** Milliseconds a bare csv-parse takes to read `csv` whole into one object per row: the median of `runs`. */
function bareParseMs(csv, { runs = 5 } = {}) {
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const records = parse(csv, { columns: true, bom: true });
    times.push(performance.now() - started);
    if (records.length === 0) throw new Error('the CSV has no rows to read');
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Milliseconds the first bare parse of `n` people takes in a fresh process: csv-parse not yet warmed up. */
function coldBareParseMs(n, seed) {
  const script = `const f = require(${JSON.stringify(__filename)}); const csv = f.csvOfPeople(${n}, { seed: ${seed} }); process.stdout.write(String(f.bareParseMs(csv, { runs: 1 })));`;
  return Number(require('node:child_process').execFileSync(process.execPath, ['-e', script]).toString());
}

module.exports = { csvOfPeople, bareParseMs, coldBareParseMs, HEADER };
