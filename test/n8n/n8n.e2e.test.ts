// The package inside a real n8n (2.40.7 on Node 24, installed once into a cache outside the
// repository): packed with `npm pack` and installed into n8n's community-node folder as a user would,
// its credential and workflows imported through n8n's CLI, n8n started on its own SQLite store, and a
// real PeopleHub server on the other side. Run with `npm run test:n8n`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { call } from '../helpers/http';
import { REPO_ROOT, type Running, cli, run, stop } from '../helpers/process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { install } = require('./install-n8n.js') as {
  install: () => { cache: string; nodeBin: string; n8nBin: string };
};

const TRIGGER_WORKFLOW = 'PhE2eTrigger0001';
const POLLING_WORKFLOW = 'PhE2ePolling0001';
const SNAPSHOT_WORKFLOW = 'PhE2eSnapshot001';
const SURVEY_TRIGGER_WORKFLOW = 'PhE2eInvited0001';
const OPEN_SURVEY_WORKFLOW = 'PhE2eOpenSurvey1';
const UPSERT_WORKFLOW = 'PhE2eUpsert00001';
const CREDENTIAL = 'PhE2eCredential1';
/** People the Code node makes for the snapshot: enough that the snapshot is over 1 MiB. */
const SNAPSHOT_PEOPLE = 5_000;
const EXAMPLES = path.join(REPO_ROOT, 'examples');
/** Exported from n8n with version 1 of the node; see fixtures/README.md. */
const VERSION_1_WORKFLOW = path.join(__dirname, 'fixtures', 'v1-workflow.json');

/** What `n8n execute --rawOutput` prints: the run, as pretty JSON among n8n's own log lines. */
type Run = {
  data: { resultData: { runData: Record<string, { data: { main: { json: Record<string, unknown> }[][] } }[]> } };
};
function runIn(output: string): Run {
  const lines = output.split('\n');
  const start = lines.indexOf('{');
  const end = lines.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error(`no run in the output of n8n execute:\n${output}`);
  return JSON.parse(lines.slice(start, end + 1).join('\n')) as Run;
}

/** The Code node's script: SNAPSHOT_PEOPLE people, as an HRIS export would give them. */
const snapshotCode = `return Array.from({ length: ${SNAPSHOT_PEOPLE} }, (_, n) => {
  const id = String(n + 1).padStart(5, '0');
  return { json: {
    externalId: 'E2E-' + id,
    email: 'snapshot.person' + id + '@e2e-snapshot.example',
    firstName: 'Firstname' + id,
    lastName: 'Lastname' + id,
    title: 'Senior specialist for people operations and workplace experience ' + id,
    department: 'Department ' + (n % 40),
    startDate: '2024-0' + ((n % 9) + 1) + '-01',
    managerExternalId: n === 0 ? null : 'E2E-00001',
  } };
});`;

/** A webhook that starts a workflow and answers with its last node's first item. */
function webhookNode(pathname: string, webhookId: string) {
  return {
    parameters: { httpMethod: 'POST', path: pathname, responseMode: 'lastNode', options: {} },
    name: 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    position: [0, 0],
    webhookId,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('n8n-nodes-peoplehub inside a real n8n', () => {
  let work: string;
  let n8n: { cache: string; nodeBin: string; n8nBin: string };
  let n8nEnv: Record<string, string>;
  let n8nUrl: string;
  let n8nProcess: Running | null = null;
  let hub: Running;
  let hubUrl: string;
  let ownerKey: string;
  let giverId: string;
  let tarballFiles: string[];
  let tarballManifest: Record<string, unknown>;

  /** Runs an n8n CLI command to its end; its output. */
  const n8nCli = (args: string[]) =>
    execFileSync(path.join(n8n.nodeBin, 'node'), [n8n.n8nBin, ...args], {
      env: n8nEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    });
  const api = (pathname: string, options: { method?: string; body?: unknown } = {}) =>
    call(hubUrl, pathname, { ...options, key: ownerKey });
  const n8nWebhooks = async () =>
    ((await api('/v1/webhooks?limit=200')).body.data as { id: string; url: string; events: string[] }[]).filter((h) =>
      h.url.startsWith(n8nUrl),
    );

  beforeAll(
    async () => {
      n8n = install();
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'peoplehub-n8n-e2e-'));

      // The package as users get it: npm pack, then an npm install into n8n's community-node folder.
      const packed = JSON.parse(
        execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' }),
      ) as { filename: string; files: { path: string }[] }[];
      const tarball = path.join(work, packed[0].filename);
      tarballFiles = packed[0].files.map((f) => f.path);
      const nodesDir = path.join(work, 'n8n-home', '.n8n', 'nodes');
      fs.mkdirSync(nodesDir, { recursive: true });
      fs.writeFileSync(
        path.join(nodesDir, 'package.json'),
        JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }),
      );
      execFileSync(
        'npm',
        ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', '--loglevel=error', tarball],
        { cwd: nodesDir, stdio: 'pipe' },
      );
      tarballManifest = JSON.parse(
        fs.readFileSync(path.join(nodesDir, 'node_modules', 'n8n-nodes-peoplehub', 'package.json'), 'utf8'),
      );

      // PeopleHub: an organization, an app for n8n, and the colleague who welcomes new hires.
      const dataDir = path.join(work, 'peoplehub');
      const hubEnv = {
        DATA_DIR: dataDir,
        PEOPLEHUB_DEMO: 'false',
        PEOPLEHUB_DEV: 'true',
        LOG_LEVEL: 'info',
        PORT: String(await freePort()),
      };
      const init = cli(['init', '--org', 'E2E', '--owner-email', 'owner@e2e.example', '--json'], hubEnv);
      ownerKey = JSON.parse((await init.waitFor(/\{.*"ownerKey".*\}/))[0]).ownerKey;
      await init.exited;
      hub = cli(['serve'], hubEnv);
      hubUrl = (await hub.waitFor(/PeopleHub is listening on (\S+)/))[1];
      const app = await api('/v1/apps', {
        method: 'POST',
        body: {
          name: 'n8n',
          permissions: [
            'employees:read',
            'employees:write',
            'org:read',
            'org:write',
            'recognitions:read',
            'recognitions:write',
            'webhooks:manage',
            'audit:read',
            'engagement:read',
            'surveys:read',
            'surveys:write',
          ],
        },
      });
      expect(app.status).toBe(201);
      const giver = await api('/v1/employees', {
        method: 'POST',
        body: { email: 'welcome.team@e2e.example', firstName: 'Welcome', lastName: 'Team' },
      });
      giverId = giver.body.data.id;

      const port = await freePort();
      n8nUrl = `http://127.0.0.1:${port}`;
      n8nEnv = {
        ...(process.env as Record<string, string>),
        PATH: `${n8n.nodeBin}${path.delimiter}${process.env.PATH}`,
        N8N_USER_FOLDER: path.join(work, 'n8n-home'),
        N8N_ENCRYPTION_KEY: 'peoplehub-e2e-encryption-key-0123456789',
        N8N_DIAGNOSTICS_ENABLED: 'false',
        N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
        N8N_TEMPLATES_ENABLED: 'false',
        N8N_PERSONALIZATION_ENABLED: 'false',
        N8N_LISTEN_ADDRESS: '127.0.0.1',
        N8N_PORT: String(port),
        N8N_HOST: '127.0.0.1',
        WEBHOOK_URL: `${n8nUrl}/`,
        N8N_RUNNERS_BROKER_PORT: String(await freePort()),
        N8N_SECURE_COOKIE: 'false',
        N8N_LOG_LEVEL: 'info',
        DB_TYPE: 'sqlite',
        NODE_ENV: 'production',
      };

      fs.writeFileSync(
        path.join(work, 'credentials.json'),
        JSON.stringify([
          {
            id: CREDENTIAL,
            name: 'PeopleHub',
            type: 'peopleHubApi',
            data: { baseUrl: hubUrl, appToken: app.body.data.token, sessionToken: '', ignoreSslIssues: false },
          },
        ]),
      );
      const credentials = { peopleHubApi: { id: CREDENTIAL, name: 'PeopleHub' } };
      const workflows = [
        {
          id: TRIGGER_WORKFLOW,
          name: 'E2E: welcome new hires',
          nodes: [
            {
              parameters: { events: ['employee.created'] },
              name: 'PeopleHub Trigger',
              type: 'n8n-nodes-peoplehub.peopleHubTrigger',
              typeVersion: 1,
              position: [0, 0],
              webhookId: '0e2e0e2e-1111-4222-8333-444455556666',
              credentials,
            },
            {
              parameters: {
                resource: 'recognition',
                operation: 'create',
                giverId,
                recipientIds: '={{ $json.data.object.id }}',
                additionalFields: { points: 10, note: '={{ "Welcome, " + $json.data.object.firstName + "!" }}' },
              },
              name: 'Welcome',
              type: 'n8n-nodes-peoplehub.peopleHub',
              typeVersion: 1,
              position: [260, 0],
              credentials,
            },
          ],
          connections: { 'PeopleHub Trigger': { main: [[{ node: 'Welcome', type: 'main', index: 0 }]] } },
          settings: { executionOrder: 'v1' },
        },
        {
          id: POLLING_WORKFLOW,
          name: 'E2E: poll events',
          nodes: [
            {
              parameters: { events: ['employee.created'], pollTimes: { item: [{ mode: 'everyMinute' }] } },
              name: 'PeopleHub Events Trigger',
              type: 'n8n-nodes-peoplehub.peopleHubEventsTrigger',
              typeVersion: 1,
              position: [0, 0],
              credentials,
            },
            {
              parameters: {
                resource: 'group',
                operation: 'create',
                name: '={{ "Polled " + $json.data.object.email }}',
                additionalFields: {},
              },
              name: 'Record',
              type: 'n8n-nodes-peoplehub.peopleHub',
              typeVersion: 1,
              position: [260, 0],
              credentials,
            },
          ],
          connections: { 'PeopleHub Events Trigger': { main: [[{ node: 'Record', type: 'main', index: 0 }]] } },
          settings: { executionOrder: 'v1' },
        },
        {
          id: SNAPSHOT_WORKFLOW,
          name: 'E2E: a snapshot from a Code node',
          nodes: [
            webhookNode('peoplehub-e2e-snapshot', '1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6'),
            {
              parameters: { jsCode: snapshotCode },
              name: 'People',
              type: 'n8n-nodes-base.code',
              typeVersion: 2,
              position: [260, 0],
            },
            {
              parameters: {
                resource: 'import',
                operation: 'syncSnapshot',
                source: 'e2ecode',
                match: 'externalId',
                mode: 'full',
                dryRun: true,
                snapshotOptions: {},
              },
              name: 'Sync Snapshot',
              type: 'n8n-nodes-peoplehub.peopleHub',
              typeVersion: 1,
              position: [520, 0],
              credentials,
            },
          ],
          connections: {
            Webhook: { main: [[{ node: 'People', type: 'main', index: 0 }]] },
            People: { main: [[{ node: 'Sync Snapshot', type: 'main', index: 0 }]] },
          },
          settings: { executionOrder: 'v1' },
        },
        {
          id: OPEN_SURVEY_WORKFLOW,
          name: 'E2E: open a survey',
          nodes: [
            webhookNode('peoplehub-e2e-open-survey', '2e3f4a5b-6c7d-4e8f-9a01-b2c3d4e5f6a7'),
            {
              parameters: { resource: 'survey', operation: 'open', surveyId: '={{ $json.body.surveyId }}' },
              name: 'Open',
              type: 'n8n-nodes-peoplehub.peopleHub',
              typeVersion: 1,
              position: [260, 0],
              credentials,
            },
          ],
          connections: { Webhook: { main: [[{ node: 'Open', type: 'main', index: 0 }]] } },
          settings: { executionOrder: 'v1' },
        },
        {
          id: SURVEY_TRIGGER_WORKFLOW,
          name: 'E2E: survey invitations',
          nodes: [
            {
              parameters: { events: ['survey.invited'] },
              name: 'PeopleHub Trigger',
              type: 'n8n-nodes-peoplehub.peopleHubTrigger',
              typeVersion: 1,
              position: [0, 0],
              webhookId: '3f4a5b6c-7d8e-4f90-a1b2-c3d4e5f6a7b8',
              credentials,
            },
            {
              parameters: {
                resource: 'group',
                operation: 'create',
                name: '={{ "Invited " + $json.data.object.employee.email + " in " + $execution.id }}',
                additionalFields: {},
              },
              name: 'Record',
              type: 'n8n-nodes-peoplehub.peopleHub',
              typeVersion: 1,
              position: [260, 0],
              credentials,
            },
          ],
          connections: { 'PeopleHub Trigger': { main: [[{ node: 'Record', type: 'main', index: 0 }]] } },
          settings: { executionOrder: 'v1' },
        },
        {
          id: UPSERT_WORKFLOW,
          name: 'E2E: create or update an employee by email',
          nodes: [
            {
              parameters: {},
              name: 'Start',
              type: 'n8n-nodes-base.manualTrigger',
              typeVersion: 1,
              position: [0, 0],
            },
            {
              parameters: {
                resource: 'employee',
                operation: 'upsert',
                match: { __rl: true, mode: 'email', value: 'upserted@e2e.example' },
                firstName: 'Uma',
                lastName: 'Upserted',
                additionalFields: { title: 'Sync target', department: '' },
              },
              name: 'Upsert',
              type: 'n8n-nodes-peoplehub.peopleHub',
              typeVersion: 2,
              position: [260, 0],
              credentials,
            },
            {
              // A locator whose value is an expression: n8n resolves it inside the locator.
              parameters: {
                resource: 'employee',
                operation: 'get',
                employeeId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
              },
              name: 'Get',
              type: 'n8n-nodes-peoplehub.peopleHub',
              typeVersion: 2,
              position: [520, 0],
              credentials,
            },
          ],
          connections: {
            Start: { main: [[{ node: 'Upsert', type: 'main', index: 0 }]] },
            Upsert: { main: [[{ node: 'Get', type: 'main', index: 0 }]] },
          },
          settings: { executionOrder: 'v1' },
        },
      ];
      fs.writeFileSync(path.join(work, 'workflows.json'), JSON.stringify(workflows));
      n8nCli(['import:credentials', `--input=${path.join(work, 'credentials.json')}`]);
      n8nCli(['import:workflow', `--input=${path.join(work, 'workflows.json')}`]);
    },
    30 * 60 * 1000,
  );

  afterAll(async () => {
    if (n8nProcess) await stop(n8nProcess);
    if (hub) await stop(hub);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  test('the packed package holds only dist/, README, LICENSE and package.json, with no runtime dependencies', () => {
    const outside = tarballFiles.filter(
      (file) => !file.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(file),
    );
    expect(outside).toEqual([]);
    expect(tarballFiles).toEqual(
      expect.arrayContaining([
        'dist/nodes/PeopleHub/PeopleHub.node.js',
        'dist/nodes/PeopleHubTrigger/PeopleHubTrigger.node.js',
        'dist/credentials/PeopleHubApi.credentials.js',
      ]),
    );
    expect(tarballManifest.dependencies ?? {}).toEqual({});
    expect(tarballManifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
  });

  test(
    'every example workflow imports into n8n',
    () => {
      for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
        const output = n8nCli(['import:workflow', `--input=${path.join(EXAMPLES, file)}`]);
        expect({ file, output }).toEqual({ file, output: expect.stringMatching(/Successfully imported 1 workflow/) });
      }
    },
    10 * 60 * 1000,
  );

  test(
    'version 2 creates or updates an employee picked by email through the resource locator (created, then unchanged), and gets them through a locator holding an expression',
    () => {
      /** The output items of Upsert and of Get, from one `n8n execute`. */
      const execute = () => {
        const runData = runIn(n8nCli(['execute', `--id=${UPSERT_WORKFLOW}`, '--rawOutput'])).data.resultData.runData;
        const items = (name: string) => runData[name][0].data.main[0].map((item) => item.json);
        return { upserted: items('Upsert'), got: items('Get') };
      };
      const first = execute();
      expect(first.upserted).toEqual([
        expect.objectContaining({ email: 'upserted@e2e.example', title: 'Sync target', result: 'created' }),
      ]);
      expect(first.got).toEqual([expect.objectContaining({ id: first.upserted[0].id, title: 'Sync target' })]);
      const second = execute();
      expect(second.upserted).toEqual([expect.objectContaining({ id: first.upserted[0].id, result: 'unchanged' })]);
    },
    10 * 60 * 1000,
  );

  test(
    'a version-1 workflow exported before version 2 (string IDs) runs as it did: the heatmap as one item, Update clearing emptied fields',
    async () => {
      // Engagement in two departments this month, so the heatmap has rows; and the person to update.
      const answers = [];
      for (const department of ['Engineering', 'Sales'])
        for (let n = 0; n < 5; n += 1) {
          const person = await api('/v1/employees', {
            method: 'POST',
            body: {
              email: `${department.toLowerCase()}${n}@e2e.example`,
              firstName: 'Pat',
              lastName: department,
              department,
            },
          });
          answers.push({
            employeeId: person.body.data.id,
            question: 'engagement',
            score: department === 'Sales' ? 6 : 8,
          });
        }
      const answeredAt = new Date().toISOString();
      const answered = await api('/v1/engagement/answers', {
        method: 'POST',
        body: { answers: answers.map((answer) => ({ ...answer, answeredAt })) },
      });
      expect(answered.status).toBe(201);
      const casey = await api('/v1/employees', {
        method: 'POST',
        body: {
          email: 'casey.v1@e2e.example',
          firstName: 'Casey',
          lastName: 'Version',
          department: 'Support',
          phone: '+49 30 1234',
          title: 'Agent',
        },
      });
      expect(casey.status).toBe(201);

      // As exported, but for the employee ID: it names an employee of the PeopleHub it was made with.
      const exported = fs.readFileSync(VERSION_1_WORKFLOW, 'utf8');
      const [workflow] = JSON.parse(exported.replaceAll('emp_01M971XD3JBXW58K0KVZFX16KY', casey.body.data.id)) as {
        id: string;
        nodes: { type: string; typeVersion: number }[];
      }[];
      expect(
        workflow.nodes.filter((node) => node.type === 'n8n-nodes-peoplehub.peopleHub').map((n) => n.typeVersion),
      ).toEqual([1, 1, 1]);
      const file = path.join(work, 'v1-workflow.json');
      fs.writeFileSync(file, JSON.stringify([workflow]));
      n8nCli(['import:workflow', `--input=${file}`]);
      const runData = runIn(n8nCli(['execute', `--id=${workflow.id}`, '--rawOutput'])).data.resultData.runData;
      const output = (node: string) => runData[node][0].data.main[0].map((item) => item.json);

      // Get Heatmap: one item holding every row.
      const heatmap = output('Get Heatmap');
      expect(heatmap).toHaveLength(1);
      const rows = (heatmap[0] as { rows: { segment: string; cells: { score: number | null }[] }[] }).rows;
      expect(rows.map((row) => row.segment)).toEqual(
        expect.arrayContaining(['department:Engineering', 'department:Sales']),
      );
      expect(rows.find((row) => row.segment === 'department:Sales')?.cells[0].score).toBe(6);

      // Update: the field left empty and the expression giving '' were sent as null, and cleared.
      const cleared = { id: casey.body.data.id, title: 'Team Lead', department: null, phone: null };
      expect(output('Update')).toEqual([expect.objectContaining(cleared)]);
      expect(output('Get Employee')).toEqual([expect.objectContaining(cleared)]);
      expect((await api(`/v1/employees/${casey.body.data.id}`)).body.data).toMatchObject(cleared);
    },
    10 * 60 * 1000,
  );

  test(
    'published, the trigger registers its webhook; a new employee runs the workflow, which recognizes them on PeopleHub',
    async () => {
      n8nCli(['publish:workflow', `--id=${TRIGGER_WORKFLOW}`]);
      n8nProcess = run(path.join(n8n.nodeBin, 'node'), [n8n.n8nBin, 'start'], n8nEnv);
      await eventually('n8n to answer', async () => (await fetch(`${n8nUrl}/healthz`).catch(() => null))?.ok, 180_000);
      const [hook] = await eventually(
        'the trigger webhook on PeopleHub',
        async () => ((await n8nWebhooks()).length > 0 ? n8nWebhooks() : undefined),
        120_000,
      );
      expect(hook).toMatchObject({
        url: `${n8nUrl}/webhook/0e2e0e2e-1111-4222-8333-444455556666/webhook`,
        events: ['employee.created'],
      });

      const hire = await api('/v1/employees', {
        method: 'POST',
        body: { email: 'new.hire@e2e.example', firstName: 'Nia', lastName: 'Newhire' },
      });
      expect(hire.status).toBe(201);
      const [recognition] = await eventually(
        'the recognition made by the workflow',
        async () => {
          const found = (await api(`/v1/recognitions?recipientId=${hire.body.data.id}`)).body.data as unknown[];
          return found.length > 0 ? found : undefined;
        },
        120_000,
      );
      expect(recognition).toMatchObject({
        giver: expect.objectContaining({ id: giverId }),
        points: 10,
        note: 'Welcome, Nia!',
      });

      // A request that is not signed by PeopleHub gets a plain 401 from n8n, with nothing said about why.
      const forged = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'employee.created', data: { object: { id: 'emp_forged' } } }),
      });
      expect({ status: forged.status, body: await forged.text() }).toEqual({ status: 401, body: '' });

      // The package loaded without complaint. (n8n's own failed calls to its cloud services are logged
      // too, with stack frames under the cache folder, ~/.cache/peoplehub: those are not about us.)
      const log = `${n8nProcess.output()}\n${n8nProcess.errors()}`
        .split('\n')
        .filter((line) => !line.includes(n8n.cache));
      const ours = log.filter((line) => /n8n-nodes-peoplehub|PeopleHub|peopleHub/.test(line));
      expect(ours.filter((line) => /(warn|error|fail|could not|deprecat)/i.test(line))).toEqual([]);
      expect(log.join('\n')).not.toMatch(
        /Error loading package|could not be loaded|Unrecognized node type: n8n-nodes-peoplehub/i,
      );
    },
    10 * 60 * 1000,
  );

  test(
    'unpublished, the workflow takes its webhook off PeopleHub',
    async () => {
      n8nCli(['unpublish:workflow', `--id=${TRIGGER_WORKFLOW}`]);
      await eventually('the webhook to be deleted', async () => (await n8nWebhooks()).length === 0, 120_000);
    },
    5 * 60 * 1000,
  );

  test(
    'the Events Trigger polls PeopleHub inside n8n: an employee created after it started reaches the workflow',
    async () => {
      // n8n's CLI `execute` cannot start a workflow at a polling trigger (it needs a manual trigger,
      // and runs nodes in "cli" mode, where poll() is not called), so the trigger is published instead.
      const polled = () => (hub.output().match(/"url":"\/v1\/events\?[^"]*"/g) ?? []).length;
      const before = polled();
      n8nCli(['publish:workflow', `--id=${POLLING_WORKFLOW}`]);
      await eventually('the first poll (it marks where the trigger starts)', async () => polled() > before, 120_000);
      const created = await api('/v1/employees', {
        method: 'POST',
        body: { email: 'polled@e2e.example', firstName: 'Polly', lastName: 'Polled' },
      });
      expect(created.status).toBe(201);
      // When it does not arrive, the failure says what the trigger asked for and what n8n logged.
      const group = await eventually(
        'the group made from the polled event',
        async () =>
          ((await api('/v1/groups?q=Polled')).body.data as { name: string }[]).find(
            (g) => g.name === 'Polled polled@e2e.example',
          ),
        // n8n polls once a minute: room for three polls, since one can land just before the event.
        200_000,
      ).catch((error: Error) => {
        const polls = hub.output().match(/"url":"\/v1\/events\?[^"]*"[^\n]*/g) ?? [];
        throw new Error(
          `${error.message}\npolls after publishing: ${polls.length - before}\n${polls.slice(before).join('\n')}\n` +
            `n8n errors:\n${(n8nProcess?.errors() ?? '').split('\n').slice(-40).join('\n')}`,
        );
      });
      expect(group).toBeDefined();
      // Only new events: the employee created before the trigger started was not emitted.
      expect(((await api('/v1/groups?q=Polled')).body.data as unknown[]).length).toBe(1);
    },
    6 * 60 * 1000,
  );

  test(
    'Sync Snapshot sends the items of a Code node as one snapshot of over 1 MiB, and outputs the dry run',
    async () => {
      n8nCli(['publish:workflow', `--id=${SNAPSHOT_WORKFLOW}`]);
      const people = new Function(snapshotCode)() as { json: Record<string, unknown> }[];
      expect(people).toHaveLength(SNAPSHOT_PEOPLE);
      expect(Buffer.byteLength(JSON.stringify(people.map((p) => p.json)))).toBeGreaterThan(1024 * 1024);
      const answer = await eventually(
        'the snapshot workflow to answer',
        async () => {
          const res = await fetch(`${n8nUrl}/webhook/peoplehub-e2e-snapshot`, { method: 'POST', body: '{}' });
          return res.status === 404 ? undefined : res;
        },
        120_000,
      );
      const text = await answer.text();
      expect({ status: answer.status, text: text.slice(0, 400) }).toEqual({ status: 200, text: expect.any(String) });
      const run = JSON.parse(text) as Record<string, unknown>;
      expect(run).toMatchObject({
        source: 'e2ecode',
        status: 'previewed',
        dryRun: true,
        total: SNAPSHOT_PEOPLE,
        created: SNAPSHOT_PEOPLE,
        skipped: 0,
      });
      // One run on PeopleHub, and nobody written: it was a dry run.
      expect(((await api('/v1/imports?source=e2ecode')).body.data as { id: string }[]).map((r) => r.id)).toEqual([
        run.id,
      ]);
      expect((await api('/v1/employees?source=e2ecode')).body.data).toEqual([]);
    },
    5 * 60 * 1000,
  );

  test(
    'a survey opened by the node invites three people: three survey.invited events, three executions of the trigger',
    async () => {
      const invitedHooks = async () => (await n8nWebhooks()).filter((h) => h.events.includes('survey.invited'));
      n8nCli(['publish:workflow', `--id=${SURVEY_TRIGGER_WORKFLOW}`]);
      n8nCli(['publish:workflow', `--id=${OPEN_SURVEY_WORKFLOW}`]);
      const [hook] = await eventually(
        'the survey.invited webhook on PeopleHub',
        async () => ((await invitedHooks()).length > 0 ? invitedHooks() : undefined),
        120_000,
      );
      expect(hook.events).toEqual(['survey.invited']);

      const emails = ['ines@e2e.example', 'ivo@e2e.example', 'ida@e2e.example'];
      for (const email of emails) {
        const created = await api('/v1/employees', {
          method: 'POST',
          body: {
            email,
            firstName: 'Invited',
            lastName: email.split('@')[0],
            department: 'Surveyed',
            startDate: '2024-01-01',
          },
        });
        expect(created.status).toBe(201);
      }
      const soon = Date.now() + 86_400_000;
      const survey = await api('/v1/surveys', {
        method: 'POST',
        body: {
          name: 'E2E pulse',
          questions: [{ key: 'engagement' }],
          opensAt: new Date(soon).toISOString(),
          closesAt: new Date(soon + 7 * 86_400_000).toISOString(),
          audience: ['department:Surveyed'],
        },
      });
      expect(survey.status).toBe(201);

      const opened = await eventually(
        'the open-survey workflow to answer',
        async () => {
          const res = await fetch(`${n8nUrl}/webhook/peoplehub-e2e-open-survey`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ surveyId: survey.body.data.id }),
          });
          return res.status === 404 ? undefined : res;
        },
        120_000,
      );
      expect(opened.status).toBe(200);
      expect(await opened.json()).toMatchObject({
        id: survey.body.data.id,
        status: 'open',
        participation: expect.objectContaining({ invited: 3 }),
      });

      const recorded = async () =>
        ((await api('/v1/groups?q=Invited&limit=200')).body.data as { name: string }[]).map((g) => g.name);
      const names = await eventually(
        'a group from each invitation',
        async () => ((await recorded()).length >= emails.length ? recorded() : undefined),
        120_000,
      );
      const seen = names.map((name) => /^Invited (\S+) in (\S+)$/.exec(name)?.slice(1) ?? [name]);
      expect(seen.map(([email]) => email).sort()).toEqual([...emails].sort());
      // One execution per invited person.
      expect(new Set(seen.map(([, execution]) => execution)).size).toBe(emails.length);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await recorded()).toHaveLength(emails.length);
    },
    6 * 60 * 1000,
  );
});
