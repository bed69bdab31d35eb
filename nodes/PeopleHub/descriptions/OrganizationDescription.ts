import type { INodeProperties } from 'n8n-workflow';

export const organizationOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['organization'] } },
    options: [
      {
        name: 'Get',
        value: 'get',
        action: 'Get the organization',
        description: 'Get the organization this app belongs to',
      },
      {
        name: 'Update',
        value: 'update',
        action: 'Update the organization',
        description: "Change the organization's name",
      },
    ],
    default: 'get',
  },
];

export const organizationFields: INodeProperties[] = [
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['organization'], operation: ['update'] } },
  },
];
