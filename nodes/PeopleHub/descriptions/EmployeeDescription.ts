import type { INodeProperties } from 'n8n-workflow';
import { EMPLOYEE_STATUS_OPTIONS } from '../catalog';
import { idField, listFields } from './common';

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
const optionalFields: INodeProperties[] = [
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
  {
    displayName: 'Manager ID',
    name: 'managerId',
    type: 'string',
    default: '',
    description: 'The ID of the employee this one reports to',
  },
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
  idField('employee', 'employeeId', 'Employee ID', ['delete', 'get', 'update']),
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
  {
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['employee'], operation: ['create'] } },
    options: optionalFields,
  },
  {
    displayName: 'Update Fields',
    name: 'updateFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['employee'], operation: ['update'] } },
    options: [
      ...optionalFields.slice(0, 3),
      { displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
      optionalFields[3],
      { displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
      { displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
      ...optionalFields.slice(4),
    ],
  },
  ...listFields('employee'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['employee'], operation: ['getAll'] } },
    options: [
      { displayName: 'Department', name: 'department', type: 'string', default: '' },
      { displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
      { displayName: 'External ID', name: 'externalId', type: 'string', default: '' },
      { displayName: 'Manager ID', name: 'managerId', type: 'string', default: '' },
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
  },
];
