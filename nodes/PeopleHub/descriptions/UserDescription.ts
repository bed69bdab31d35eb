import type { INodeProperties } from 'n8n-workflow';
import { ACCESS_RIGHT_OPTIONS } from '../catalog';
import { listFields } from './common';
import { UNCHANGED_WHEN_EMPTY, fieldsToClear, idLocator, perVersion } from './locators';

export const userOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['user'] } },
    options: [
      { name: 'Create', value: 'create', action: 'Create a user', description: 'Add a user to the organization' },
      { name: 'Delete', value: 'delete', action: 'Delete a user', description: 'Remove a user from the organization' },
      { name: 'Get', value: 'get', action: 'Get a user', description: 'Get one user by ID' },
      { name: 'Get Many', value: 'getAll', action: 'Get many users', description: 'List users' },
      { name: 'Update', value: 'update', action: 'Update a user', description: 'Change a user or their access right' },
    ],
    default: 'create',
  },
];

export const userFields: INodeProperties[] = [
  ...idLocator('user', 'userId', 'User ID', ['delete', 'get', 'update']),
  {
    displayName: 'Email',
    name: 'email',
    type: 'string',
    placeholder: 'name@email.com',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['user'], operation: ['create'] } },
  },
  {
    displayName: 'Access Right',
    name: 'accessRight',
    type: 'options',
    options: ACCESS_RIGHT_OPTIONS,
    required: true,
    default: 'member',
    displayOptions: { show: { resource: ['user'], operation: ['create'] } },
  },
  {
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['user'], operation: ['create'] } },
    options: [
      { displayName: 'Name', name: 'name', type: 'string', default: '' },
      { displayName: 'Phone', name: 'phone', type: 'string', default: '' },
    ],
  },
  ...perVersion((version) => ({
    displayName: 'Update Fields',
    name: 'updateFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['user'], operation: ['update'] } },
    options: [
      {
        displayName: 'Access Right',
        name: 'accessRight',
        type: 'options',
        options: ACCESS_RIGHT_OPTIONS,
        default: 'member',
      },
      { displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
      { displayName: 'Name', name: 'name', type: 'string', default: '' },
      { displayName: 'Phone', name: 'phone', type: 'string', default: '' },
    ],
    ...(version === 1 ? {} : { description: UNCHANGED_WHEN_EMPTY }),
  })),
  fieldsToClear(
    'user',
    ['update'],
    [
      { name: 'Name', value: 'name' },
      { name: 'Phone', value: 'phone' },
    ],
  ),
  ...listFields('user'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['user'], operation: ['getAll'] } },
    options: [
      {
        displayName: 'Access Right',
        name: 'accessRight',
        type: 'options',
        options: ACCESS_RIGHT_OPTIONS,
        default: 'member',
      },
      {
        displayName: 'Search',
        name: 'q',
        type: 'string',
        default: '',
        description: 'Matches name and email, ignoring case',
      },
    ],
  },
];
