import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { PeopleHub } from '../../../nodes/PeopleHub/PeopleHub.node';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { ALL_PERMISSIONS, appCredentials, n8nContext } from '../../helpers/n8n-context';
import { createEmployee } from '../../helpers/people';

// Survey → Create, Get, Get Many, Open, Get Participation and Close, run through the node against a real server.
describe('PeopleHub node: surveys', () => {
  let server: TestServer;
  let credentials: IDataObject;
  const node = new PeopleHub();

  async function run(parameters: Record<string, unknown>): Promise<INodeExecutionData[]> {
    const context = n8nContext({ credentials, parameters });
    const [output] = await node.execute.call(context.self);
    return output;
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    credentials = await appCredentials(server, ALL_PERMISSIONS);
    for (let n = 0; n < 3; n += 1)
      await createEmployee(server, {
        email: `surveyed${n}@acme.example`,
        department: 'Surveyed',
        startDate: '2025-01-06',
      });
  });
  afterAll(() => server?.close());

  test('a round is scheduled, listed, opened (inviting its audience), counted and closed', async () => {
    const [created] = await run({
      resource: 'survey',
      operation: 'create',
      name: 'Pulse from n8n',
      opensAt: '2026-12-20T09:00:00Z',
      closesAt: '2027-01-10T17:00:00',
      questions: {
        question: [
          { key: ' Growth ', text: 'I can learn and grow here.' },
          { key: '', text: '' },
        ],
      },
      additionalFields: { audience: 'department:Surveyed\n\n', reminders: '3, 7', cadence: 'none' },
    });
    const survey = created.json;
    expect(survey).toMatchObject({
      name: 'Pulse from n8n',
      status: 'scheduled',
      opensAt: '2026-12-20T09:00:00.000Z',
      closesAt: new Date('2027-01-10T17:00:00').toISOString(),
      reminders: [3, 7],
      audience: ['department:Surveyed'],
      cadence: 'none',
      questions: [
        { key: 'engagement', text: expect.stringContaining('recommend') },
        { key: 'Growth', text: 'I can learn and grow here.' },
      ],
    });

    expect((await run({ resource: 'survey', operation: 'get', surveyId: survey.id }))[0].json.id).toBe(survey.id);
    const scheduled = await run({
      resource: 'survey',
      operation: 'getAll',
      returnAll: false,
      limit: 10,
      filters: { status: 'scheduled', q: 'pulse' },
    });
    expect(scheduled.map((item) => item.json.id)).toEqual([survey.id]);

    const [opened] = await run({ resource: 'survey', operation: 'open', surveyId: survey.id });
    expect(opened.json).toMatchObject({ status: 'open', participation: expect.objectContaining({ invited: 3 }) });
    const [participation] = await run({ resource: 'survey', operation: 'getParticipation', surveyId: survey.id });
    expect(participation.json).toMatchObject({
      surveyId: survey.id,
      name: 'Pulse from n8n',
      status: 'open',
      invited: 3,
      // Three invitees are below the anonymity threshold: how many answered is withheld.
      hidden: true,
      segments: [expect.objectContaining({ segment: 'department:Surveyed' })],
    });
    const [closed] = await run({ resource: 'survey', operation: 'close', surveyId: survey.id });
    expect(closed.json).toMatchObject({ id: survey.id, status: 'closed' });

    // Opening it again is the server's 409, as the node's error.
    await expect(run({ resource: 'survey', operation: 'open', surveyId: survey.id })).rejects.toMatchObject({
      httpCode: '409',
    });
  });

  test('times that are not times are refused by the node, naming the field', async () => {
    await expect(
      run({ resource: 'survey', operation: 'create', name: 'x', opensAt: 'soon', closesAt: '2027-01-10T17:00:00Z' }),
    ).rejects.toMatchObject({ message: 'Opens At is not a date and time' });
  });
});
