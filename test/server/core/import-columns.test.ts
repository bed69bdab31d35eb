// The rule that says which employee field a snapshot's column fills: its name, with case, spaces,
// underscores and hyphens ignored; anything else is a custom attribute's name.
import { IMPORT_FIELDS, fieldNamed } from '../../../server/src/core/import-columns';

describe('fieldNamed', () => {
  test('every field is its own name, however a spreadsheet spells it', () => {
    for (const field of IMPORT_FIELDS) {
      expect(fieldNamed(field)).toBe(field);
      expect(fieldNamed(field.toUpperCase())).toBe(field);
      const spaced = field.replace(/[A-Z]/g, (c) => ` ${c}`);
      expect(fieldNamed(spaced)).toBe(field);
      expect(fieldNamed(spaced.replace(/ /g, '_'))).toBe(field);
      expect(fieldNamed(spaced.replace(/ /g, '-'))).toBe(field);
    }
    expect(fieldNamed('  First Name  ')).toBe('firstName');
    expect(fieldNamed('E-Mail')).toBe('email');
    expect(fieldNamed('External ID')).toBe('externalId');
  });

  test('a name that spells no field is an attribute: a word more or less is another name', () => {
    for (const name of ['Work Email', 'Dept', 'Phone Number', 'Name', 'Manager', 'Shoe Size', 'e.mail', ''])
      expect({ name, field: fieldNamed(name) }).toEqual({ name, field: null });
  });
});
