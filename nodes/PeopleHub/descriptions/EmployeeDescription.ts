import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { EMPLOYEE_STATUS_OPTIONS } from '../catalog';
import { listFields } from './common';
import {
  type NodeVersion,
  UNCHANGED_WHEN_EMPTY,
  fieldsToClear,
  idLocator,
  idOption,
  perVersion,
  versionCondition,
} from './locators';

const operation: INodeProperties = {
  displayName: 'Operation',
  name: 'operation',
  type: 'options',
  noDataExpression: true,
  displayOptions: { show: { resource: ['employee'] } },
  options: [
    { name: 'Create', value: 'create', action: 'Create an employee', description: 'Add an employee' },
    {
      name: 'Create or Update',
      value: 'upsert',
      action: 'Create or update an employee',
      description: 'Create a new employee, or update the current one if it already exists (upsert)',
    },
    { name: 'Delete', value: 'delete', action: 'Delete an employee', description: 'Remove an employee' },
    { name: 'Get', value: 'get', action: 'Get an employee', description: 'Get one employee by ID' },
    { name: 'Get Many', value: 'getAll', action: 'Get many employees', description: 'List employees, with filters' },
    { name: 'Update', value: 'update', action: 'Update an employee', description: 'Change an employee' },
  ],
  default: 'create',
};

/** Create or Update is new in version 2. */
export const employeeOperations: INodeProperties[] = perVersion((version) =>
  version === 1
    ? { ...operation, options: (operation.options as INodePropertyOptions[]).filter((o) => o.value !== 'upsert') }
    : operation,
);

/** Fields both create (optional ones) and update offer. */
const optionalFields = (version: NodeVersion): INodeProperties[] => [
  // Version 2 takes custom attributes as a list of name and value (customAttributes).
  ...(version === 1
    ? [
        {
          displayName: 'Custom Attributes (JSON)',
          name: 'attributes',
          type: 'json',
          default: '{}',
          description:
            'Custom attribute values by attribute name, e.g. {"Skills": ["Go"], "Office": "Berlin"}; null removes a value',
        } satisfies INodeProperties,
      ]
    : []),
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

const V2 = versionCondition(2);

/** Create or Update: the employee found by email or external ID, and what to set. */
const upsertFields: INodeProperties[] = [
  {
    displayName: 'Employee',
    name: 'match',
    type: 'resourceLocator',
    required: true,
    default: { mode: 'email', value: '' },
    description:
      'How to find the employee: by email address, or by their ID in your HRIS (External ID). If nobody matches, the employee is created.',
    displayOptions: { show: { resource: ['employee'], operation: ['upsert'] } },
    modes: [
      {
        displayName: 'By Email',
        name: 'email',
        type: 'string',
        placeholder: 'e.g. ada.lovelace@example.com',
        validation: [
          {
            type: 'regex',
            properties: { regex: '[^\\s@]+@[^\\s@]+\\.[^\\s@]+', errorMessage: 'Not an email address' },
          },
        ],
      },
      {
        displayName: 'By External ID',
        name: 'externalId',
        type: 'string',
        placeholder: 'e.g. E1042',
      },
    ],
  },
  {
    displayName: 'First Name',
    name: 'firstName',
    type: 'string',
    default: '',
    description: 'Needed when the employee is new; changes the name of one who exists',
    displayOptions: { show: { resource: ['employee'], operation: ['upsert'] } },
  },
  {
    displayName: 'Last Name',
    name: 'lastName',
    type: 'string',
    default: '',
    description: 'Needed when the employee is new; changes the name of one who exists',
    displayOptions: { show: { resource: ['employee'], operation: ['upsert'] } },
  },
  {
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    description: UNCHANGED_WHEN_EMPTY,
    displayOptions: { show: { resource: ['employee'], operation: ['upsert'] } },
    options: changeableFields(2, false),
  },
];

/** Version 2's custom attributes (name from the server, then the value) and deliberate clearing. */
const attributeFields: INodeProperties[] = [
  {
    displayName: 'Custom Attributes',
    name: 'customAttributes',
    type: 'fixedCollection',
    placeholder: 'Add Custom Attribute',
    typeOptions: { multipleValues: true },
    default: {},
    description: 'Values of the custom attributes defined in PeopleHub; an empty value is not sent',
    displayOptions: { show: { resource: ['employee'], operation: ['create', 'update', 'upsert'], '@version': V2 } },
    options: [
      {
        displayName: 'Attribute',
        name: 'attribute',
        values: [
          {
            displayName: 'Attribute Name or ID',
            name: 'name',
            type: 'options',
            typeOptions: { loadOptionsMethod: 'getAttributes' },
            default: '',
            description:
              'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
          },
          {
            displayName: 'Value',
            name: 'value',
            type: 'string',
            default: '',
            description:
              'Numbers and dates as written (2026-01-31), true or false, and several options separated by commas',
          },
        ],
      },
    ],
  },
  fieldsToClear(
    'employee',
    ['update', 'upsert'],
    [
      { name: 'Department', value: 'department' },
      { name: 'External ID', value: 'externalId' },
      { name: 'Manager', value: 'managerId' },
      { name: 'Phone', value: 'phone' },
      { name: 'Separation Date', value: 'separationDate' },
      { name: 'Separation Reason', value: 'separationReason' },
      { name: 'Start Date', value: 'startDate' },
      { name: 'Title', value: 'title' },
    ],
  ),
  {
    displayName: 'Custom Attributes to Clear Names or IDs',
    name: 'attributesToClear',
    type: 'multiOptions',
    typeOptions: { loadOptionsMethod: 'getAttributes' },
    default: [],
    description:
      'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
    displayOptions: { show: { resource: ['employee'], operation: ['update', 'upsert'], '@version': V2 } },
  },
];

/** Get Many's sort orders (the server's EMPLOYEE_SORTS, each way). */
const SORT_OPTIONS = [
  { name: 'Created (Newest First)', value: '-createdAt' },
  { name: 'Created (Oldest First)', value: 'createdAt' },
  { name: 'Department (A to Z)', value: 'department' },
  { name: 'Department (Z to A)', value: '-department' },
  { name: 'Email (A to Z)', value: 'email' },
  { name: 'Email (Z to A)', value: '-email' },
  { name: 'First Name (A to Z)', value: 'firstName' },
  { name: 'First Name (Z to A)', value: '-firstName' },
  { name: 'Last Name (A to Z)', value: 'lastName' },
  { name: 'Last Name (Z to A)', value: '-lastName' },
  { name: 'Start Date (Earliest First)', value: 'startDate' },
  { name: 'Start Date (Latest First)', value: '-startDate' },
];

/** Get Many's filters new in version 2. */
const listOptions: INodeProperties[] = [
  {
    displayName: 'On',
    name: 'on',
    type: 'dateTime',
    default: '',
    description: 'The day tenure and surveyable are taken on; today if not set',
  },
  { displayName: 'Sort', name: 'sort', type: 'options', options: SORT_OPTIONS, default: 'lastName' },
  {
    displayName: 'Surveyable',
    name: 'surveyable',
    type: 'boolean',
    default: true,
    description: 'Whether to return only the employees who may receive surveys (started and not separated)',
  },
  {
    displayName: 'Tenure Band Name or ID',
    name: 'tenure',
    type: 'options',
    typeOptions: { loadOptionsMethod: 'getTenureBands' },
    default: '',
    description:
      'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
  },
];

/** Every field an existing employee can change, by name; first and last name too unless given on their own. */
function changeableFields(version: NodeVersion, withNames: boolean): INodeProperties[] {
  const fields: INodeProperties[] = [
    ...optionalFields(version),
    { displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
  ];
  if (withNames)
    fields.push(
      { displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
      { displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
    );
  return byDisplayName(fields);
}

/** Options in the order n8n lists them: by display name. */
function byDisplayName(fields: INodeProperties[]): INodeProperties[] {
  return [...fields].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

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
    ...(version === 1 ? {} : { description: UNCHANGED_WHEN_EMPTY }),
    options: changeableFields(version, true),
  })),
  ...upsertFields,
  ...attributeFields,
  ...listFields('employee'),
  ...perVersion((version) => ({
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['employee'], operation: ['getAll'] } },
    options: byDisplayName([
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
      ...(version === 1 ? [] : listOptions),
    ]),
  })),
];
