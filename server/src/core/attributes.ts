// Custom attribute types and the check that a value fits its attribute.
import { MAX_YEAR, MIN_YEAR, isValidDate } from './dates';

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'boolean', 'option', 'multi_option', 'employee'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  options: string[];
}

export type AttributeValue = string | number | boolean | string[];

/** Returns why the value does not fit, or null when it does. Employee ids are checked for existence elsewhere. */
export function attributeValueProblem(definition: AttributeDefinition, value: unknown): string | null {
  switch (definition.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 1000 ? null : 'must be text of at most 1000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'date':
      return typeof value === 'string' && isValidDate(value)
        ? null
        : `must be a date like 2026-01-31 (years ${MIN_YEAR}–${MAX_YEAR})`;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'option':
      return typeof value === 'string' && definition.options.includes(value)
        ? null
        : `must be one of ${definition.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'multi_option': {
      const ok =
        Array.isArray(value) &&
        value.every((v) => typeof v === 'string' && definition.options.includes(v)) &&
        new Set(value).size === value.length;
      return ok
        ? null
        : `must be a list of distinct values from ${definition.options.map((o) => JSON.stringify(o)).join(', ')}`;
    }
    case 'employee':
      return typeof value === 'string' && value.length <= 64 ? null : 'must be an employee id';
  }
}

/** Attribute types engagement segments can name: numbers and employee references have no groups to compare. */
export const SEGMENTABLE_TYPES: readonly AttributeType[] = ['text', 'option', 'multi_option', 'boolean', 'date'];

export function isListAttribute(definition: AttributeDefinition | undefined): boolean {
  return definition?.type === 'multi_option';
}
