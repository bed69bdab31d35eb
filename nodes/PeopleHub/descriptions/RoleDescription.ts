import type { INodeProperties } from 'n8n-workflow';
import { listFields } from './common';
import { UNCHANGED_WHEN_EMPTY, fieldsToClear, idLocator, idOption, perVersion } from './locators';

export const roleOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['role'] } },
    options: [
      {
        name: 'Assign',
        value: 'assign',
        action: 'Assign a role to an employee',
        description: 'Give an employee a role, with focus and percentage',
      },
      { name: 'Create', value: 'create', action: 'Create a role', description: 'Create a role in a group' },
      { name: 'Delete', value: 'delete', action: 'Delete a role', description: 'Delete a role' },
      { name: 'Get', value: 'get', action: 'Get a role', description: 'Get one role by ID' },
      { name: 'Get Many', value: 'getAll', action: 'Get many roles', description: 'List roles' },
      {
        name: 'Unassign',
        value: 'unassign',
        action: 'Unassign a role from an employee',
        description: 'Take a role away from an employee',
      },
      { name: 'Update', value: 'update', action: 'Update a role', description: 'Change a role' },
    ],
    default: 'create',
  },
];

const optionalFields: INodeProperties[] = [
  {
    displayName: 'Accountabilities',
    name: 'accountabilities',
    type: 'string',
    typeOptions: { multipleValues: true },
    default: [],
  },
  { displayName: 'Purpose', name: 'purpose', type: 'string', default: '' },
];

export const roleFields: INodeProperties[] = [
  ...idLocator('role', 'roleId', 'Role ID', ['assign', 'delete', 'get', 'unassign', 'update']),
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['role'], operation: ['create'] } },
  },
  ...idLocator('role', 'groupId', 'Group ID', ['create'], {
    description: 'The group (circle) the role belongs to',
  }),
  ...idLocator('role', 'employeeId', 'Employee ID', ['assign', 'unassign'], { byEmail: true }),
  {
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['role'], operation: ['create'] } },
    options: optionalFields,
  },
  {
    displayName: 'Additional Fields',
    name: 'assignmentFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['role'], operation: ['assign'] } },
    options: [
      {
        displayName: 'Focus',
        name: 'focus',
        type: 'string',
        default: '',
        description: 'What the employee focuses on in this role',
      },
      {
        displayName: 'Percentage',
        name: 'percentage',
        type: 'number',
        typeOptions: { minValue: 0, maxValue: 100 },
        default: 100,
        description: 'Share of their time, 0 to 100',
      },
    ],
  },
  ...perVersion((version) => ({
    displayName: 'Update Fields',
    name: 'updateFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['role'], operation: ['update'] } },
    ...(version === 1 ? {} : { description: UNCHANGED_WHEN_EMPTY }),
    options: [
      optionalFields[0],
      idOption(version, 'group', { displayName: 'Group ID', name: 'groupId', type: 'string', default: '' }),
      { displayName: 'Name', name: 'name', type: 'string', default: '' },
      optionalFields[1],
    ],
  })),
  fieldsToClear('role', ['update'], [{ name: 'Purpose', value: 'purpose' }]),
  ...listFields('role'),
  ...perVersion((version) => ({
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['role'], operation: ['getAll'] } },
    options: [
      idOption(version, 'employee', {
        displayName: 'Employee ID',
        name: 'employeeId',
        type: 'string',
        default: '',
        description: 'Only roles this employee holds',
      }),
      idOption(version, 'group', { displayName: 'Group ID', name: 'groupId', type: 'string', default: '' }),
      { displayName: 'Search', name: 'q', type: 'string', default: '', description: 'Matches the name, ignoring case' },
    ],
  })),
];
