// Custom attribute values as the API takes them, from the text n8n gives: each attribute's type
// (from GET /v1/attributes) says whether "3" is a number, "yes" a boolean, or "a, b" a list.
import type { IDataObject } from 'n8n-workflow';

export type AttributeTypes = Record<string, string>;

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

/**
 * One value converted for its attribute type, or an error message. Values that are already of the
 * right kind (an expression giving a number or an array) pass as they are; the server has the last word.
 */
export function attributeValue(type: string | undefined, value: unknown): { value?: unknown; error?: string } {
  if (typeof value !== 'string') return { value };
  const text = value.trim();
  switch (type) {
    case 'number': {
      const number = Number(text);
      return text !== '' && Number.isFinite(number) ? { value: number } : { error: `"${value}" is not a number` };
    }
    case 'boolean':
      if (TRUE.has(text.toLowerCase())) return { value: true };
      if (FALSE.has(text.toLowerCase())) return { value: false };
      return { error: `"${value}" is not true or false` };
    case 'date':
      return { value: text.slice(0, 10) };
    case 'multi_option':
      return {
        value: text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      };
    default:
      return { value: text };
  }
}

/** The attribute types by name, ignoring case as the server does. */
export function attributeTypes(attributes: IDataObject[]): AttributeTypes {
  const types: AttributeTypes = {};
  for (const attribute of attributes) types[String(attribute.name).toLowerCase()] = String(attribute.type);
  return types;
}
