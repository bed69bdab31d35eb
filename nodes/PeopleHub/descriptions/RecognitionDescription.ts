import type { INodeProperties } from 'n8n-workflow';
import { idField, listFields } from './common';
import { idLocator, idOption, perVersion } from './locators';

export const recognitionOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['recognition'] } },
    options: [
      {
        name: 'Create',
        value: 'create',
        action: 'Create a recognition',
        description: 'Recognize one or more colleagues, with points and a note',
      },
      { name: 'Get', value: 'get', action: 'Get a recognition', description: 'Get one recognition by ID' },
      { name: 'Get Many', value: 'getAll', action: 'Get many recognitions', description: 'List recognitions' },
    ],
    default: 'create',
  },
];

export const recognitionFields: INodeProperties[] = [
  idField('recognition', 'recognitionId', 'Recognition ID', ['get']),
  ...idLocator('recognition', 'giverId', 'Giver Employee ID', ['create'], {
    kind: 'employee',
    byEmail: true,
  }),
  ...perVersion((version) => ({
    displayName: version === 1 ? 'Recipient Employee IDs' : 'Recipients',
    name: 'recipientIds',
    type: 'string',
    required: true,
    default: '',
    placeholder: version === 1 ? 'emp_…, emp_…' : 'e.g. ada.lovelace@example.com, emp_01J…',
    description:
      version === 1
        ? 'One or more employee IDs, separated by commas'
        : 'One or more employees, each by email address or ID (like emp_01J…), separated by commas',
    displayOptions: { show: { resource: ['recognition'], operation: ['create'] } },
  })),
  ...perVersion((version) => ({
    displayName: 'Additional Fields',
    name: 'additionalFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['recognition'], operation: ['create'] } },
    options: [
      { displayName: 'Note', name: 'note', type: 'string', typeOptions: { rows: 3 }, default: '' },
      { displayName: 'Points', name: 'points', type: 'number', typeOptions: { minValue: 0 }, default: 0 },
      idOption(version, 'program', { displayName: 'Program ID', name: 'programId', type: 'string', default: '' }),
    ],
  })),
  ...listFields('recognition'),
  ...perVersion((version) => ({
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['recognition'], operation: ['getAll'] } },
    options: [
      idOption(version, 'employee', { displayName: 'Giver Employee ID', name: 'giverId', type: 'string', default: '' }),
      version === 1
        ? { displayName: 'Program ID', name: 'programId', type: 'string', default: '' }
        : {
            displayName: 'Program Name or ID',
            name: 'programId',
            type: 'options',
            typeOptions: { loadOptionsMethod: 'getPrograms' },
            default: '',
            description:
              'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
          },
      idOption(version, 'employee', {
        displayName: 'Recipient Employee ID',
        name: 'recipientId',
        type: 'string',
        default: '',
      }),
      { displayName: 'Search', name: 'q', type: 'string', default: '', description: 'Matches the note, ignoring case' },
      {
        displayName: 'Since',
        name: 'since',
        type: 'dateTime',
        default: '',
        description: 'Only recognitions given at or after this time',
      },
    ],
  })),
];
