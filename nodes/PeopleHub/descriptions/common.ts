// Field shapes every resource uses in the same way: its id, and Return All with Limit on lists.
import type { INodeProperties } from 'n8n-workflow';

/** The `<resource>Id` parameter, required on the operations that act on one object. */
export function idField(resource: string, name: string, displayName: string, operations: string[]): INodeProperties {
  return {
    displayName,
    name,
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: [resource], operation: operations } },
  };
}

/** Return All and Limit, as every n8n list offers them. */
export function listFields(resource: string, operation = 'getAll'): INodeProperties[] {
  return [
    {
      displayName: 'Return All',
      name: 'returnAll',
      type: 'boolean',
      default: false,
      description: 'Whether to return all results or only up to a given limit',
      displayOptions: { show: { resource: [resource], operation: [operation] } },
    },
    {
      displayName: 'Limit',
      name: 'limit',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 50,
      description: 'Max number of results to return',
      displayOptions: { show: { resource: [resource], operation: [operation], returnAll: [false] } },
    },
  ];
}
