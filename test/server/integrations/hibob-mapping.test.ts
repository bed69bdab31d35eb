import type { AttributeDefinition } from '../../../server/src/core/attributes';
import {
  BASE_FIELDS,
  type HibobField,
  fingerprintKey,
  mapRecord,
  missingOptions,
  planFields,
  recordFingerprint,
} from '../../../server/src/integrations/hibob/mapping';

const field = (name: string, type: string, n: number): HibobField => ({
  id: `custom.field_${n}`,
  name,
  type,
  jsonPath: `custom.field_${n}`,
  category: 'custom',
});
const attributes = (list: AttributeDefinition[]) => new Map(list.map((a) => [a.name.toLowerCase(), a]));

describe('HiBob field mapping', () => {
  test('each HiBob type fills only the attribute types it fits; everything else is skipped with the reason', () => {
    const metadata = [
      field('Shoe size', 'number', 1),
      field('Team', 'list', 2),
      field('Skills', 'multi-list', 3),
      field('Motto', 'text', 4),
      field('Level', 'text', 5),
      field('Anniversary', 'date', 6),
      field('Buddy', 'employee-reference', 7),
      field('Parking', 'checkbox', 8),
      field('Not here', 'text', 9),
      field('Site', 'list', 10),
      { id: 'work.title', name: 'Job title', type: 'list', jsonPath: 'work.title', category: 'work' },
    ];
    const defs = attributes([
      { name: 'SHOE SIZE', type: 'number', options: [] },
      { name: 'Team', type: 'option', options: ['Red'] },
      { name: 'Skills', type: 'multi_option', options: [] },
      { name: 'Motto', type: 'text', options: [] },
      { name: 'Level', type: 'option', options: ['L1'] },
      { name: 'Anniversary', type: 'date', options: [] },
      { name: 'Buddy', type: 'employee', options: [] },
      { name: 'Parking', type: 'boolean', options: [] },
      { name: 'Site', type: 'text', options: [] },
    ]);
    const plan = planFields(metadata, defs);
    expect(plan.custom.map((c) => `${c.field}→${c.attribute}:${c.kind}`)).toEqual([
      'Shoe size→SHOE SIZE:number',
      'Team→Team:option',
      'Skills→Skills:multi_option',
      'Motto→Motto:text',
      'Level→Level:option',
      'Anniversary→Anniversary:date',
      'Buddy→Buddy:employee',
    ]);
    expect(plan.skipped).toEqual([
      {
        field: 'Parking',
        hibobType: 'checkbox',
        reason: 'the attribute "Parking" is boolean, and HiBob checkbox fields are not synced',
      },
      { field: 'Not here', hibobType: 'text', reason: 'no PeopleHub attribute is named "Not here"' },
      {
        field: 'Site',
        hibobType: 'list',
        reason: 'the attribute "Site" is text, and a HiBob list field fills option attributes',
      },
    ]);
    expect(plan.fields).toEqual([...BASE_FIELDS, ...plan.custom.map((c) => c.jsonPath)]);
  });

  test('a record becomes an employee: references by HRIS id, bad values dropped with a warning', () => {
    const plan = planFields(
      [field('Shoe size', 'number', 1), field('Buddy', 'employee-reference', 2), field('Anniversary', 'date', 3)],
      attributes([
        { name: 'Shoe size', type: 'number', options: [] },
        { name: 'Buddy', type: 'employee', options: [] },
        { name: 'Anniversary', type: 'date', options: [] },
      ]),
    );
    const mapped = mapRecord(
      {
        id: '42',
        email: ' ada@bob.example ',
        firstName: 'Ada',
        surname: 'Lovelace',
        work: {
          title: 'Engineer',
          department: null,
          reportsTo: { id: '7', displayName: 'Boss' },
          startDate: '2024-03-01',
        },
        internal: { terminationDate: '31/12/2026', terminationReason: null },
        custom: { field_1: '38', field_2: { id: '9' }, field_3: '2025-02-30' },
      },
      plan,
    );
    expect(mapped).toEqual({
      ok: true,
      person: expect.objectContaining({
        externalId: '42',
        email: 'ada@bob.example',
        displayName: null,
        title: 'Engineer',
        department: null,
        managerExternalId: '7',
        startDate: '2024-03-01',
        separationDate: null,
        attributes: { 'Shoe size': 38 },
        employeeRefs: { Buddy: '9' },
        warnings: ['Anniversary: "2025-02-30" is not a date', 'terminationDate: "31/12/2026" is not a date'],
      }),
    });
  });

  test('records without an id, a usable email or names are skipped with the reason', () => {
    const plan = planFields([], new Map());
    expect(mapRecord({ email: 'x@y.example', firstName: 'X', surname: 'Y' }, plan)).toEqual({
      ok: false,
      externalId: null,
      reason: 'the record has no id',
    });
    expect(mapRecord({ id: '1', email: 'not an email', firstName: 'X', surname: 'Y' }, plan)).toEqual({
      ok: false,
      externalId: '1',
      reason: 'no usable email address',
    });
    expect(mapRecord({ id: '2', email: 'x@y.example', firstName: '', surname: 'Y' }, plan)).toEqual({
      ok: false,
      externalId: '2',
      reason: 'no first name or surname',
    });
    expect(mapRecord(null, plan)).toEqual({ ok: false, externalId: null, reason: 'the record has no id' });
  });

  test('list values that are not options yet are named, to be added', () => {
    const defs = attributes([
      { name: 'Team', type: 'option', options: ['Red'] },
      { name: 'Skills', type: 'multi_option', options: ['Go'] },
    ]);
    const plan = planFields([field('Team', 'list', 1), field('Skills', 'multi-list', 2)], defs);
    const mapped = mapRecord(
      {
        id: '1',
        email: 'a@b.example',
        firstName: 'A',
        surname: 'B',
        custom: { field_1: 'Blue', field_2: ['Go', 'Rust', 'Rust'] },
      },
      plan,
    );
    if (!mapped.ok) throw new Error(mapped.reason);
    expect(mapped.person.attributes).toEqual({ Team: 'Blue', Skills: ['Go', 'Rust'] });
    expect(missingOptions(mapped.person, defs)).toEqual([
      { attribute: 'Team', option: 'Blue' },
      { attribute: 'Skills', option: 'Rust' },
    ]);
  });

  test('a record fingerprint changes with the text and with the plan, never with anything else', () => {
    const text = '{"id":"1","email":"a@b.example","firstName":"A","surname":"B"}';
    const plain = fingerprintKey(planFields([], new Map()));
    const withShoes = fingerprintKey(
      planFields([field('Shoe size', 'number', 1)], attributes([{ name: 'Shoe size', type: 'number', options: [] }])),
    );
    expect(recordFingerprint(plain, text)).toBe(recordFingerprint(plain, text));
    expect(recordFingerprint(plain, text)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(recordFingerprint(plain, text.replace('"A"', '"Ann"'))).not.toBe(recordFingerprint(plain, text));
    expect(recordFingerprint(withShoes, text)).not.toBe(recordFingerprint(plain, text));
  });
});
