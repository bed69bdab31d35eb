// A webhook receiver in a process of its own, for the delivery benchmark: answers every POST with
// 204, counts them, and notes when each latency-run delivery (an event whose employee email starts
// with "lat") arrived, per subscription path, on the monotonic clock all processes share, and how long
// after the event's own timestamp it arrived (wall clock, to a fraction of a millisecond here; the
// timestamp has whole milliseconds). The benchmark reads and resets it over GET /_stats, POST /_reset,
// GET /_arrivals and GET /_lags.
const http = require('node:http');
const { monotonicMs } = require('./lib');

const fresh = () => ({ count: 0, lastMs: 0, arrivals: new Map(), lags: new Map() });
let state = fresh();

/** Now on the wall clock, with the sub-millisecond part the monotonic clock gives. */
const wallMs = () => performance.timeOrigin + performance.now();

function control(req, res) {
  if (req.method === 'POST' && req.url === '/_reset') state = fresh();
  const body =
    req.url === '/_arrivals'
      ? JSON.stringify(Object.fromEntries(state.arrivals))
      : req.url === '/_lags'
        ? JSON.stringify(Object.fromEntries(state.lags))
        : JSON.stringify({ count: state.count, lastMs: state.lastMs, tracked: state.arrivals.size });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url.startsWith('/_')) return control(req, res);
    const now = monotonicMs();
    const wall = wallMs();
    state.count += 1;
    state.lastMs = now;
    const text = Buffer.concat(chunks).toString();
    const email = /"email":"(lat[^"]+)"/.exec(text);
    // One arrival per subscription and event (a retry does not move it): every delivery counts.
    const key = email && `${req.url} ${email[1]}`;
    if (key && !state.arrivals.has(key)) {
      state.arrivals.set(key, now);
      const timestamp = /"timestamp":"([^"]+)"/.exec(text);
      if (timestamp) state.lags.set(key, wall - Date.parse(timestamp[1]));
    }
    res.writeHead(204);
    res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
