import { eachStore } from '../../helpers/harness';
import { expectProblem } from '../../helpers/http';
import { createEmployee, eventsSince, get, post } from '../../helpers/people';

eachStore('recognitions', (server) => {
  test('a recognition emits recognition.completed with giver, recipients, points, note and program', async () => {
    const jane = await createEmployee(server(), { firstName: 'Jane', lastName: 'Doe' });
    const john = await createEmployee(server(), { firstName: 'John', lastName: 'Roe' });
    const program = (await post(server(), '/v1/programs', { name: 'Peer Awards' })).body.data;
    expectProblem(await post(server(), '/v1/programs', { name: 'peer awards' }), 409);
    const since = server().clock.now().toISOString();
    const res = await post(server(), '/v1/recognitions', {
      giverId: jane.id,
      recipientIds: [john.id],
      points: 50,
      note: 'Great launch!',
      programId: program.id,
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      giver: { id: jane.id, name: 'Jane Doe' },
      recipients: [{ id: john.id, name: 'John Roe' }],
      points: 50,
      program: { name: 'Peer Awards' },
    });
    const [event] = await eventsSince(server(), since, 'recognition.completed');
    expect(event.data.object).toEqual(res.body.data);
    expect(event.data.changes).toBeUndefined();
    const listed = await get(server(), `/v1/recognitions?recipientId=${john.id}`);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([res.body.data.id]);
    expect((await get(server(), `/v1/recognitions/${res.body.data.id}`)).body.data).toEqual(res.body.data);
  });

  test('unknown people, self-recognition and bad points are refused and record nothing', async () => {
    const jane = await createEmployee(server());
    const before = (await get(server(), '/v1/recognitions?limit=200')).body.data.length;
    expectProblem(await post(server(), '/v1/recognitions', { giverId: jane.id, recipientIds: [jane.id] }), 400);
    expectProblem(await post(server(), '/v1/recognitions', { giverId: jane.id, recipientIds: ['emp_missing'] }), 400);
    expectProblem(await post(server(), '/v1/recognitions', { giverId: jane.id, recipientIds: [] }), 400);
    expectProblem(await post(server(), '/v1/recognitions', { giverId: jane.id, recipientIds: ['x'], points: -1 }), 400);
    expectProblem(
      await post(server(), '/v1/recognitions', { giverId: jane.id, recipientIds: ['x'], programId: 'prg_missing' }),
      400,
    );
    expect((await get(server(), '/v1/recognitions?limit=200')).body.data.length).toBe(before);
  });
});
