import type { INodeProperties } from 'n8n-workflow';
import { EMPLOYEE_STATUS_OPTIONS } from '../catalog';
import { listFields } from './common';
import { type NodeVersion, idLocator, idOption, perVersion } from './locators';

export const employeeOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['employee'] } },
    options: [
      { name: 'Create', value: 'create', action: 'Create an employee', description: 'Add an employee' },
      { name: 'Delete', value: 'delete', action: 'Delete an employee', description: 'Remove an employee' },
      { name: 'Get', value: 'get', action: 'Get an employee', description: 'Get one employee by ID' },
      { name: 'Get Many', value: 'getAll', action: 'Get many employees', description: 'List employees, with filters' },
      { name: 'Update', value: 'update', action: 'Update an employee', description: 'Change an employee' },
    ],
    default: 'create',
  },
];

/** Fields both create (optional ones) and update offer. */
const optionalFields = (version: NodeVersion): INodeProperties[] => [
  {
    displayName: 'Custom Attributes (JSON)',
    name: 'attributes',
    type: 'json',
    default: '{}',
    description:
      'Custom attribute values by attribute name, e.g. {"Skills": ["Go"], "Office": "Berlin"}; null removes a value',
  },
  { displayName: 'Department', name: 'department', type: 'string', default: '' },
  {
    displayName: 'Display Name',
    name: 'displayName',
    type: 'string',
    default: '',
    description: 'Defaults to first and last name',
  },
  {
    displayName: 'External ID',
    name: 'externalId',
    type: 'string',
    default: '',
    description: 'The ID of this person in your HRIS',
  },
  idOption(version, 'employee', {
    displayName: 'Manager ID',
    name: 'managerId',
    type: 'string',
    default: '',
    description: 'The ID of the employee this one reports to',
  }),
  { displayName: 'Phone', name: 'phone', type: 'string', default: '' },
  {
    displayName: 'Separation Date',
    name: 'separationDate',
    type: 'dateTime',
    default: '',
    description: 'Last working day; the employee is leaving until then and left after it',
  },
  { displayName: 'Separation Reason', name: 'separationReason', type: 'string', default: '' },
  {
    displayName: 'Start Date',
    name: 'startDate',
    type: 'dateTime',
    default: '',
    description: 'First working day; before it the employee is pending',
  },
  { displayName: 'Title', name: 'title', type: 'string', default: '' },
];

export const employeeFields: INodeProperties[] = [
  ...idLocator('employee', 'employeeId', 'Employee ID', ['delete', 'get', 'update'], { byEmail: true }),
  {
    displayName: 'Email',
    name: 'email',
    type: 'string',
    placeholder: 'name@email.com',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['employee'], operation: ['create'] } },
  },
  {
    displayName: 'First Name',
    name: 'firstName',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['employee'], operation: ['create'] } },
  },
  {
    displayName: 'Last Name',
    name: 'lastName',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['employee'], operation: ['create'] } },
  },
  ...perVersion((version) => ({
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['employee'], operation: ['create'] } },
    options: optionalFields(version),
  })),
  ...perVersion((version) => ({
    displayName: 'Update Fields',
    name: 'updateFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['employee'], operation: ['update'] } },
    options: [
      ...optionalFields(version).slice(0, 3),
      { displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
      optionalFields(version)[3],
      { displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
      { displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
      ...optionalFields(version).slice(4),
    ],
  })),
  ...listFields('employee'),
  ...perVersion((version) => ({
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['employee'], operation: ['getAll'] } },
    options: [
      version === 1
        ? { displayName: 'Department', name: 'department', type: 'string', default: '' }
        : {
            displayName: 'Department Name or ID',
            name: 'department',
            type: 'options',
            typeOptions: { loadOptionsMethod: 'getDepartments' },
            default: '',
            description:
              'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
          },
      { displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
      { displayName: 'External ID', name: 'externalId', type: 'string', default: '' },
      idOption(version, 'employee', { displayName: 'Manager ID', name: 'managerId', type: 'string', default: '' }),
      {
        displayName: 'Search',
        name: 'q',
        type: 'string',
        default: '',
        description: 'Matches names, email and title, ignoring case',
      },
      {
        displayName: 'Source',
        name: 'source',
        type: 'string',
        placeholder: 'e.g. bamboohr',
        default: '',
        description:
          'Where the employee came from: api (added by hand or through the API), hibob (the HiBob integration), or the slug of an import',
      },
      { displayName: 'Status', name: 'status', type: 'options', options: EMPLOYEE_STATUS_OPTIONS, default: 'active' },
    ],
  })),
];
