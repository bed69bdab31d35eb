import { HttpProblem } from '../../../server/src/core/problem';
import { guardOwnerAccess } from '../../../server/src/domain/owner-access';
import { eachStore } from '../../helpers/harness';
import { post } from '../../helpers/people';

eachStore('owner access guard', (server) => {
  test('a second owner change waits for the first and then sees it, so two cannot leave no owner', async () => {
    const addOwner = async (email: string) => {
      const user = (await post(server(), '/v1/users', { email, accessRight: 'owner' })).body.data;
      expect((await post(server(), `/v1/users/${user.id}/keys`, {})).status).toBe(201);
      return user.id as string;
    };
    const a = await addOwner('guard.a@owners.example');
    const b = await addOwner('guard.b@owners.example');
    const { db, dialect } = server().hub.context.store;
    const org = server().org.organizationId;
    const demote = (trx: typeof db, id: string) =>
      trx.updateTable('users').set({ access_right: 'admin' }).where('id', '=', id).execute();
    // The fixture owner is demoted for real first: A and B are then the only owners with keys.
    await db.transaction().execute(async (trx) => {
      await guardOwnerAccess(trx, dialect, org, { userId: server().org.userId });
      await demote(trx, server().org.userId);
    });

    let finishFirst = () => undefined as void;
    const firstMayCommit = new Promise<void>((resolve) => (finishFirst = resolve));
    let firstChecked = () => undefined as void;
    const firstHasChecked = new Promise<void>((resolve) => (firstChecked = resolve));
    const first = db.transaction().execute(async (trx) => {
      await guardOwnerAccess(trx, dialect, org, { userId: b });
      await demote(trx, b);
      firstChecked();
      await firstMayCommit;
    });
    await firstHasChecked;
    let secondDone = false;
    const second = db
      .transaction()
      .execute(async (trx) => {
        await guardOwnerAccess(trx, dialect, org, { userId: a });
        await demote(trx, a);
      })
      .finally(() => (secondDone = true));
    // Its outcome is taken the moment it settles, so its refusal is never a rejection left unheard.
    const secondOutcome = second.then(
      () => undefined,
      (error: unknown) => error,
    );
    try {
      // While the first change is open, the second cannot decide.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(secondDone).toBe(false);
    } finally {
      finishFirst();
      await first;
    }
    const refusal = await secondOutcome;
    expect(refusal).toBeInstanceOf(HttpProblem);
    expect(refusal).toMatchObject({ status: 409 });
    const owners = await db
      .selectFrom('users')
      .select('id')
      .where('organization_id', '=', org)
      .where('access_right', '=', 'owner')
      .execute();
    expect(owners.map((o) => o.id)).toEqual([a]);
  });
});
