import { sql } from 'kysely';
import { QueryTemplate, slot, statementName } from '../../../server/src/store/prepared';
import { eachStore, testOn } from '../../helpers/harness';

// Query templates: built and compiled once per shape, then only filled with each run's values.
eachStore('query templates', (server, kind) => {
  const db = () => server().hub.context.store.db;
  const orgIds = () => [server().org.organizationId, server().other.organizationId];

  test('a kept template answers each run with that run’s values', async () => {
    const template = new QueryTemplate('organization by id');
    const run = (id: string) =>
      template.execute(db(), '', () => db().selectFrom('organizations').select('id').where('id', '=', slot('id')), {
        id,
      });
    for (const id of [...orgIds(), ...orgIds()]) expect((await run(id)).rows).toEqual([{ id }]);
    expect((await run('org_missing')).rows).toEqual([]);
  });

  test('a filter given or left out is a shape of its own', async () => {
    const template = new QueryTemplate('organizations, maybe one');
    const run = (id: string | undefined) => {
      const values = { id };
      return template.execute(
        db(),
        '',
        () => {
          const all = db().selectFrom('organizations').select('id');
          return (values.id === undefined ? all : all.where('id', '=', slot('id'))).orderBy('id');
        },
        values,
      );
    };
    const [first, second] = orgIds();
    expect((await run(first)).rows).toEqual([{ id: first }]);
    const all = (await run(undefined)).rows.map((r) => r.id);
    expect(all).toEqual(expect.arrayContaining([first, second]));
    expect((await run(second)).rows).toEqual([{ id: second }]);
  });

  test('a value built in where a slot belongs fails the run under test, before any wrong answer', async () => {
    const template = new QueryTemplate('organization by a value built in');
    const run = (id: string) =>
      template.execute(db(), '', () => db().selectFrom('organizations').select('id').where('id', '=', id), {});
    const [first, second] = orgIds();
    expect((await run(first)).rows).toEqual([{ id: first }]);
    await expect(run(second)).rejects.toThrow(/built different SQL or constants for the same shape/);
  });

  test('a run without a value for one of its slots fails', async () => {
    const template = new QueryTemplate('organization by id, no value');
    await expect(
      template.execute(db(), '', () => db().selectFrom('organizations').select('id').where('id', '=', slot('id')), {}),
    ).rejects.toThrow(/no value for slot id/);
  });

  testOn(kind, 'postgres')(
    'a table changed under a prepared statement (a newer version migrating) still answers, unnamed',
    async () => {
      await sql`create table template_change (id text primary key)`.execute(db());
      await sql`insert into template_change (id) values ('a')`.execute(db());
      const template = new QueryTemplate('everything from a table that changes');
      const run = () =>
        template.execute(
          db(),
          '',
          () =>
            db()
              .selectFrom('template_change' as never)
              .selectAll()
              .where('id' as never, '=', slot('id')),
          { id: 'a' },
        );
      expect((await run()).rows).toEqual([{ id: 'a' }]);
      await sql`alter table template_change add column note text`.execute(db());
      expect((await run()).rows).toEqual([{ id: 'a', note: null }]);
      expect((await run()).rows).toEqual([{ id: 'a', note: null }]);
    },
  );

  testOn(kind, 'postgres')('on PostgreSQL the statement is prepared on the connection under its name', async () => {
    const template = new QueryTemplate('organization name by id');
    const build = () => db().selectFrom('organizations').select('name').where('id', '=', slot('id'));
    for (const id of orgIds()) await template.execute(db(), '', build, { id });
    const name = statementName(build().compile().sql);
    expect(name).toMatch(/^ph_/);
    // One query at a time goes to the connection used last, where the template ran.
    const prepared = await sql<{
      name: string;
    }>`select name from pg_prepared_statements where name = ${name}`.execute(db());
    expect(prepared.rows).toEqual([{ name }]);
  });
});
