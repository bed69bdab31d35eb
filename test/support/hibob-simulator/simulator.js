// @ts-check
// A HiBob simulator: the subset of HiBob's public API that PeopleHub's sync uses, over real HTTP.
//   POST /v1/people/search   everyone (showInactive for future hires and leavers), selected fields,
//                            list values as ids, or as labels with humanReadable REPLACE; streamed.
//   POST /v1/people/{id}     one person (404 when unknown)
//   GET  /v1/company/people/fields   field metadata: id, name, type, jsonPath, category
// Basic auth with a service user id and token; unknown fields are silently left out, as HiBob does.
// Tests drive it through its methods; demos through the /_sim control endpoints (no auth, local only).
'use strict';

const { createHmac } = require('node:crypto');
const http = require('node:http');

/** @typedef {{ id: string, name: string, type: string, jsonPath: string, category: string, list?: string }} Field */
/**
 * @typedef {{
 *   id: string, email: string, firstName: string, surname: string, displayName?: string | null,
 *   work: { title: string | null, department: string | null, reportsTo: string | null, startDate: string | null },
 *   internal: { terminationDate: string | null, terminationReason: string | null },
 *   custom: Record<string, unknown>
 * }} Person
 */

const BUILT_IN_FIELDS = /** @type {Field[]} */ ([
  { id: 'root.id', name: 'Employee ID', type: 'text', jsonPath: 'root.id', category: 'root' },
  { id: 'root.email', name: 'Email', type: 'text', jsonPath: 'root.email', category: 'root' },
  { id: 'root.firstName', name: 'First name', type: 'text', jsonPath: 'root.firstName', category: 'root' },
  { id: 'root.surname', name: 'Last name', type: 'text', jsonPath: 'root.surname', category: 'root' },
  { id: 'root.displayName', name: 'Display name', type: 'text', jsonPath: 'root.displayName', category: 'root' },
  { id: 'work.title', name: 'Job title', type: 'list', jsonPath: 'work.title', category: 'work', list: 'title' },
  {
    id: 'work.department',
    name: 'Department',
    type: 'list',
    jsonPath: 'work.department',
    category: 'work',
    list: 'department',
  },
  {
    id: 'work.reportsTo',
    name: 'Reports to',
    type: 'employee-reference',
    jsonPath: 'work.reportsTo',
    category: 'work',
  },
  { id: 'work.startDate', name: 'Start date', type: 'date', jsonPath: 'work.startDate', category: 'work' },
  {
    id: 'internal.terminationDate',
    name: 'Termination date',
    type: 'date',
    jsonPath: 'internal.terminationDate',
    category: 'internal',
  },
  {
    id: 'internal.terminationReason',
    name: 'Termination reason',
    type: 'list',
    jsonPath: 'internal.terminationReason',
    category: 'internal',
    list: 'terminationReason',
  },
]);

const DEFAULT_FIELDS = ['root.id', 'root.email', 'root.firstName', 'root.surname', 'work.title', 'work.department'];

function today() {
  return new Date().toISOString().slice(0, 10);
}

/**
 * `now` is HiBob's clock, which stamps each webhook's triggeredAt: tests pass the test server's
 * clock, so a notice is as fresh (or as old) as the test means it to be.
 * @param {{ serviceUserId?: string, token?: string, companyId?: string, today?: () => string, now?: () => Date, chunkSize?: number }} [options]
 */
function createSimulator(options = {}) {
  const serviceUserId = options.serviceUserId ?? 'SERVICE-USER-1';
  const token = options.token ?? 'sim-token-0123456789';
  const companyId = options.companyId ?? '630001';
  const chunkSize = options.chunkSize ?? 200;
  const now = options.now ?? (() => new Date());
  /** @type {Map<string, Person>} */
  const people = new Map();
  /** @type {Field[]} */
  const fields = [...BUILT_IN_FIELDS];
  /** List item ids by list and label, so machine-format answers carry ids as HiBob's do. */
  /** @type {Map<string, Map<string, string>>} */
  const listIds = new Map();
  /** Failures to serve instead of answers, first in first out. */
  /** @type {{ status?: number, hang?: boolean, garbage?: boolean, path?: string }[]} */
  const failures = [];
  let counter = 3332883884017713000n;
  let fieldCounter = 1700000000000;
  let currentDay = options.today ?? today;
  const requests = /** @type {{ method: string, path: string }[]} */ ([]);

  const nextId = () => String((counter += 1n));

  /** @param {string} list @param {string} label */
  function itemId(list, label) {
    if (!listIds.has(list)) listIds.set(list, new Map());
    const items = /** @type {Map<string, string>} */ (listIds.get(list));
    if (!items.has(label)) items.set(label, String(100000 + items.size));
    return /** @type {string} */ (items.get(label));
  }

  /** Active as HiBob counts it: started, and not past the termination date. */
  /** @param {Person} person */
  function isActive(person) {
    const day = currentDay();
    if (person.work.startDate !== null && person.work.startDate > day) return false;
    return person.internal.terminationDate === null || person.internal.terminationDate >= day;
  }

  /** @param {Person} person @param {Field} field @param {boolean} readable */
  function valueOf(person, field, readable) {
    const [category, name] = field.jsonPath.split('.');
    /** @type {unknown} */
    let value;
    if (category === 'root') value = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (person))[name];
    else if (category === 'custom') value = person.custom[field.id];
    else
      value = /** @type {Record<string, Record<string, unknown>>} */ (/** @type {unknown} */ (person))[category]?.[
        name
      ];
    if (value === undefined || value === null) return null;
    if (field.type === 'employee-reference') {
      const other = people.get(String(value));
      return other ? { id: other.id, email: other.email, displayName: displayName(other) } : { id: String(value) };
    }
    const list = field.list ?? (field.type === 'list' || field.type === 'multi-list' ? field.id : null);
    if (list !== null && !readable)
      return Array.isArray(value) ? value.map((label) => itemId(list, String(label))) : itemId(list, String(value));
    return value;
  }

  /** @param {Person} person */
  function displayName(person) {
    return person.displayName ?? `${person.firstName} ${person.surname}`;
  }

  /** The record HiBob would send: only the fields asked for (and known), nested by category. */
  /** @param {Person} person @param {string[]} wanted @param {boolean} readable */
  function render(person, wanted, readable) {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const id of wanted) {
      const field = fields.find((f) => f.id === id);
      if (!field) continue;
      const [category, name] = field.jsonPath.split('.');
      const value = field.id === 'root.displayName' ? displayName(person) : valueOf(person, field, readable);
      if (category === 'root') out[name] = value;
      else {
        const group = /** @type {Record<string, unknown>} */ (out[category] ?? {});
        group[category === 'custom' ? field.id.slice('custom.'.length) : name] = value;
        out[category] = group;
      }
    }
    return out;
  }

  /** @param {http.IncomingMessage} req */
  function authorized(req) {
    const expected = `Basic ${Buffer.from(`${serviceUserId}:${token}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  /** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
  function send(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** Streams {"employees": [...]} a chunk of people at a time, as a large answer arrives. */
  /** @param {http.ServerResponse} res @param {Person[]} list @param {string[]} wanted @param {boolean} readable */
  async function stream(res, list, wanted, readable) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"employees":[');
    for (let i = 0; i < list.length; i += chunkSize) {
      const part = list.slice(i, i + chunkSize).map((person) => JSON.stringify(render(person, wanted, readable)));
      const more = res.write((i === 0 ? '' : ',') + part.join(','));
      if (!more) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end(']}');
  }

  /** @param {http.IncomingMessage} req */
  async function readJson(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? {} : JSON.parse(text);
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://sim');
    requests.push({ method: req.method ?? 'GET', path: url.pathname });
    if (url.pathname.startsWith('/_sim/')) return control(req, res, url);
    const failure = failures.findIndex((f) => f.path === undefined || url.pathname.startsWith(f.path));
    if (failure >= 0) {
      const [planned] = failures.splice(failure, 1);
      if (planned.hang) return; // never answers; the client's timeout has to deal with it
      if (planned.garbage) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"employees": [{"id": "1", "email"');
      }
      // HiBob's 429 says when to come back; the simulator says "now", so tests do not wait.
      if (planned.status === 429) res.setHeader('retry-after', '0');
      return send(res, planned.status ?? 500, { error: `simulated ${planned.status ?? 500}` });
    }
    if (!authorized(req)) return send(res, 401, { error: 'Unauthorized' });
    if (req.method === 'GET' && url.pathname === '/v1/company/people/fields') {
      return send(
        res,
        200,
        fields.map((field) => ({
          id: field.id,
          name: field.name,
          type: field.type,
          jsonPath: field.jsonPath,
          category: field.category,
        })),
      );
    }
    if (req.method === 'POST' && url.pathname === '/v1/people/search') {
      const body = await readJson(req);
      const wanted = Array.isArray(body.fields) && body.fields.length > 0 ? body.fields.map(String) : DEFAULT_FIELDS;
      const list = [...people.values()].filter((person) => body.showInactive === true || isActive(person));
      return stream(res, list, ['root.id', ...wanted], body.humanReadable === 'REPLACE');
    }
    const one = /^\/v1\/people\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && one) {
      const body = await readJson(req);
      const person = people.get(decodeURIComponent(one[1]));
      if (!person) return send(res, 404, { error: 'Employee not found' });
      const wanted = Array.isArray(body.fields) && body.fields.length > 0 ? body.fields.map(String) : DEFAULT_FIELDS;
      return send(res, 200, render(person, ['root.id', ...wanted], body.humanReadable === 'REPLACE'));
    }
    return send(res, 404, { error: 'Not found' });
  }

  // --- What tests and demos change -------------------------------------------------------------

  /**
   * Adds a person. `custom` is keyed by field name (see addField).
   * @param {{ email: string, firstName: string, surname: string, displayName?: string, title?: string | null, department?: string | null,
   *   reportsTo?: string | null, startDate?: string | null, terminationDate?: string | null, terminationReason?: string | null, custom?: Record<string, unknown>, id?: string }} input
   */
  function addPerson(input) {
    const id = input.id ?? nextId();
    /** @type {Person} */
    const person = {
      id,
      email: input.email,
      firstName: input.firstName,
      surname: input.surname,
      displayName: input.displayName ?? null,
      work: {
        title: input.title ?? null,
        department: input.department ?? null,
        reportsTo: input.reportsTo ?? null,
        startDate: input.startDate ?? '2024-01-15',
      },
      internal: { terminationDate: input.terminationDate ?? null, terminationReason: input.terminationReason ?? null },
      custom: {},
    };
    people.set(id, person);
    if (input.custom) setCustom(person, input.custom);
    return person;
  }

  /** @param {Person} person @param {Record<string, unknown>} values */
  function setCustom(person, values) {
    for (const [name, value] of Object.entries(values)) {
      const field = fields.find((f) => f.category === 'custom' && f.name === name);
      if (!field) throw new Error(`no custom field named ${name}`);
      if (value === null) delete person.custom[field.id];
      else person.custom[field.id] = value;
    }
  }

  /** @param {string} id */
  function must(id) {
    const person = people.get(id);
    if (!person) throw new Error(`no person ${id}`);
    return person;
  }

  /**
   * @param {string} id
   * @param {{ email?: string, firstName?: string, surname?: string, displayName?: string | null, title?: string | null, department?: string | null, reportsTo?: string | null, startDate?: string | null, custom?: Record<string, unknown> }} changes
   */
  function updatePerson(id, changes) {
    const person = must(id);
    for (const key of /** @type {const} */ (['email', 'firstName', 'surname', 'displayName']))
      if (changes[key] !== undefined) Object.assign(person, { [key]: changes[key] });
    for (const key of /** @type {const} */ (['title', 'department', 'reportsTo', 'startDate']))
      if (changes[key] !== undefined) person.work[key] = changes[key];
    if (changes.custom) setCustom(person, changes.custom);
    return person;
  }

  /** @param {string} id @param {string} date @param {string} reason */
  function terminate(id, date, reason) {
    const person = must(id);
    person.internal = { terminationDate: date, terminationReason: reason };
    return person;
  }

  /** @param {string} id @param {string} startDate */
  function rehire(id, startDate) {
    const person = must(id);
    person.internal = { terminationDate: null, terminationReason: null };
    person.work.startDate = startDate;
    return person;
  }

  /** @param {string} id */
  function removePerson(id) {
    people.delete(id);
  }

  /** Adds a custom field; `type` is text, number, date, list, multi-list, employee-reference or checkbox. */
  /** @param {string} name @param {string} type */
  function addField(name, type) {
    const id = `custom.field_${(fieldCounter += 1)}`;
    const field = { id, name, type, jsonPath: id, category: 'custom' };
    fields.push(field);
    return field;
  }

  /** Makes the next request (to `path`, or any) fail: an HTTP status, no answer at all, or a cut-off answer. */
  /** @param {{ status?: number, hang?: boolean, garbage?: boolean, path?: string }} failure */
  function failNext(failure) {
    failures.push(failure);
  }

  /**
   * Sends a signed v2 webhook, as HiBob does: Bob-Signature is base64(HMAC-SHA512(secret, body)),
   * triggeredAt is `now()`. Two sends at the same `now` are the same notice, byte for byte.
   * @param {string} target @param {string} secret @param {string} type @param {string} employeeId
   * @param {{ signature?: string, body?: string }} [override]
   */
  async function sendWebhook(target, secret, type, employeeId, override = {}) {
    const body =
      override.body ??
      JSON.stringify({
        companyId,
        type,
        triggeredBy: 'SERVICE',
        triggeredAt: now().toISOString(),
        version: 'v2',
        data: { employeeId, fieldIds: ['root.email', 'work.title'] },
      });
    const signature = override.signature ?? createHmac('sha512', secret).update(body).digest('base64');
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'bob-signature': signature },
      body,
    });
    return { status: res.status, body: await res.text() };
  }

  /** People in bulk, for benchmarks: departments, titles and a reporting tree. */
  /** @param {number} count */
  function generate(count) {
    const departments = ['Engineering', 'Sales', 'Marketing', 'Operations', 'People', 'Finance', 'Support', 'Legal'];
    const titles = ['Engineer', 'Senior Engineer', 'Manager', 'Analyst', 'Specialist', 'Lead', 'Director', 'Associate'];
    const created = [];
    for (let i = 0; i < count; i += 1) {
      const manager = i === 0 ? null : created[Math.floor((i - 1) / 8)].id;
      created.push(
        addPerson({
          email: `person${i}@bench.example`,
          firstName: `First${i}`,
          surname: `Last${i}`,
          title: titles[i % titles.length],
          department: departments[i % departments.length],
          reportsTo: manager,
          startDate: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}`,
        }),
      );
    }
    return created;
  }

  // --- The control API, for demos without code ------------------------------------------------

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url */
  async function control(req, res, url) {
    try {
      const body = req.method === 'GET' || req.method === 'DELETE' ? {} : await readJson(req);
      const person = /^\/_sim\/people\/([^/]+)(\/terminate|\/rehire)?$/.exec(url.pathname);
      if (req.method === 'GET' && url.pathname === '/_sim/people') return send(res, 200, [...people.values()]);
      if (req.method === 'POST' && url.pathname === '/_sim/people') return send(res, 201, addPerson(body));
      if (req.method === 'POST' && url.pathname === '/_sim/fields')
        return send(res, 201, addField(body.name, body.type));
      if (req.method === 'POST' && url.pathname === '/_sim/fail')
        return send(res, 200, (failNext(body), { queued: failures.length }));
      if (req.method === 'POST' && url.pathname === '/_sim/webhook')
        return send(
          res,
          200,
          await sendWebhook(body.url, body.secret, body.type ?? 'employee.updated', body.employeeId),
        );
      if (person && req.method === 'PATCH' && !person[2]) return send(res, 200, updatePerson(person[1], body));
      if (person && req.method === 'DELETE' && !person[2])
        return send(res, 200, (removePerson(person[1]), { deleted: true }));
      if (person && req.method === 'POST' && person[2] === '/terminate')
        return send(res, 200, terminate(person[1], body.date, body.reason));
      if (person && req.method === 'POST' && person[2] === '/rehire')
        return send(res, 200, rehire(person[1], body.startDate));
      return send(res, 404, { error: 'Not found' });
    } catch (error) {
      return send(res, 400, { error: /** @type {Error} */ (error).message });
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
    });
  });

  return {
    credentials: { serviceUserId, token },
    companyId,
    people,
    fields,
    requests,
    addPerson,
    updatePerson,
    terminate,
    rehire,
    removePerson,
    addField,
    failNext,
    sendWebhook,
    generate,
    /** @param {() => string} day */
    setToday(day) {
      currentDay = day;
    },
    /** @param {number} [port] @param {string} [host] */
    async listen(port = 0, host = '127.0.0.1') {
      await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      return `http://${host}:${address.port}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

module.exports = { createSimulator };
