// Two server processes on one store, both running the survey worker's passes at the same moments:
// each round opens once (one survey.opened, one invitation per person), each reminder goes out
// once, and it closes once (one survey.closed, one next round of its cadence).
import type { PeopleHub } from '../../../server/src/app';
import { type StoreKind, type TestServer, startPeer, startTestServer, storeKinds, testOn } from '../../helpers/harness';
import { createEmployee, eventsSince, get } from '../../helpers/people';
import { createRound } from '../../helpers/surveys';

const DAY = 86_400_000;

describe.each(storeKinds())('survey schedule across processes [%s]', (kind: StoreKind) => {
  // Started by the test itself: on SQLite it is skipped, and nothing starts.
  let server: TestServer;
  let peer: PeopleHub;
  afterAll(async () => {
    await peer?.close();
    await server?.close();
  });

  /** Both processes run their pass at once, three times over. */
  async function race(): Promise<void> {
    for (let i = 0; i < 3; i += 1) {
      await Promise.all([
        server.hub.surveys.advanceRounds(),
        peer.surveys.advanceRounds(),
        server.hub.surveys.advanceRounds(),
        peer.surveys.advanceRounds(),
      ]);
    }
  }

  const count = async (table: 'survey_invitations' | 'survey_mails', kindOf?: string) => {
    let query = server.hub.context.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organization_id', '=', server.org.organizationId);
    if (kindOf !== undefined) query = query.where('kind' as never, '=', kindOf as never);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };

  // Several processes share a store on PostgreSQL only; SQLite is one process's store.
  testOn(kind, 'postgres')('opening, a reminder and closing happen exactly once', async () => {
    server = await startTestServer(kind, { PEOPLEHUB_WORKER: 'false' });
    peer = await startPeer(server, { PEOPLEHUB_WORKER: 'false' });
    for (let i = 0; i < 6; i += 1) await createEmployee(server, { startDate: '2024-01-01' });
    const since = server.clock.now().toISOString();
    const round = await createRound(server, { reminders: [3], cadence: 'quarterly' });
    const id = round.body.data.id;
    server.clock.advance(3_600_000);
    await race();
    expect(await eventsSince(server, since, 'survey.opened')).toHaveLength(1);
    expect(await count('survey_invitations')).toBe(6);
    expect(await count('survey_mails', 'invitation')).toBe(6);
    expect(await eventsSince(server, since, 'survey.invited')).toHaveLength(6);

    server.clock.advance(3 * DAY);
    await race();
    expect(await count('survey_mails', 'reminder')).toBe(6);
    expect(await eventsSince(server, since, 'survey.invited')).toHaveLength(12);

    server.clock.advance(11 * DAY);
    await race();
    expect(await eventsSince(server, since, 'survey.closed')).toHaveLength(1);
    const closed = await get(server, `/v1/surveys/${id}`);
    expect(closed.body.data.status).toBe('closed');
    const rounds = await get(server, '/v1/surveys');
    expect(rounds.body.data.filter((s: { previousId: string | null }) => s.previousId === id)).toHaveLength(1);
  });
});
