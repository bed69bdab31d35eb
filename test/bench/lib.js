// Shared pieces of the benchmarks: start processes, drive load with autocannon, read RSS, print tables.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const ROOT = path.resolve(__dirname, '../..');

/** Starts a process and resolves once its output (written to a file, not a pipe) matches `pattern`. */
async function startProcess(args, env, pattern) {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-bench-log-')), 'out.log');
  const fd = fs.openSync(logFile, 'w');
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the processes under test.
  const extra = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...extra, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  for (let i = 0; i < 300; i += 1) {
    const text = fs.readFileSync(logFile, 'utf8');
    const match = pattern.exec(text);
    if (match) return { child, match, text, logFile };
    if (child.exitCode !== null) throw new Error(`process exited early:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}`);
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** Keep-alive load from this process (the servers run in their own). */
async function load(url, headers, { connections = 32, duration = 10, method = 'GET', body } = {}) {
  await autocannon({ url, headers, connections, duration: 2, method, body }); // warm-up
  const result = await autocannon({ url, headers, connections, duration, method, body });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total };
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n');
}

async function json(url, options = {}) {
  const res = await fetch(url, options);
  const body = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

module.exports = { ROOT, startProcess, rssMb, load, table, json };
