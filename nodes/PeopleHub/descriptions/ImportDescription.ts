import type { INodeProperties } from 'n8n-workflow';
import { IMPORT_RUN_STATUS_OPTIONS } from '../catalog';
import { listFields } from './common';
import { idLocator } from './locators';

export const importOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['import'] } },
    options: [
      {
        name: 'Apply',
        value: 'apply',
        action: 'Apply an import run',
        description: "Apply a dry run's plan, or confirm a run the deletion guard stopped",
      },
      { name: 'Get', value: 'get', action: 'Get an import run', description: 'Get one import or sync run by ID' },
      {
        name: 'Get Many',
        value: 'getAll',
        action: 'Get many import runs',
        description: 'List import and sync runs of every source, newest first',
      },
      {
        name: 'Sync Snapshot',
        value: 'syncSnapshot',
        action: 'Sync a snapshot of people',
        description:
          'Send every input item as one person of a single snapshot from an HRIS; runs once for all items and outputs the run',
      },
    ],
    default: 'syncSnapshot',
  },
];

const snapshot = { show: { resource: ['import'], operation: ['syncSnapshot'] } };

export const importFields: INodeProperties[] = [
  ...idLocator('import', 'importId', 'Import Run ID', ['apply', 'get']),
  {
    displayName: 'Confirm Deletions',
    name: 'confirmDeletions',
    type: 'boolean',
    default: false,
    description:
      'Whether to go ahead with the deletions of a run the deletion guard stopped (status Needs Confirmation)',
    displayOptions: { show: { resource: ['import'], operation: ['apply'] } },
  },
  {
    displayName: 'Source',
    name: 'source',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'bamboohr',
    description:
      'The HRIS the people come from, as a lowercase slug (not api or hibob). Full mode only deletes people of this source.',
    displayOptions: snapshot,
  },
  {
    displayName: 'Match On',
    name: 'match',
    type: 'options',
    options: [
      { name: 'Email', value: 'email' },
      { name: 'External ID', value: 'externalId' },
    ],
    default: 'externalId',
    description: 'How a person of the snapshot is recognized as someone PeopleHub already has',
    displayOptions: snapshot,
  },
  {
    displayName: 'Mode',
    name: 'mode',
    type: 'options',
    options: [
      {
        name: 'Full',
        value: 'full',
        description: 'The snapshot is everyone: people of this source missing from it are deleted',
      },
      { name: 'Partial', value: 'partial', description: 'Create and update only; nobody is deleted' },
    ],
    default: 'full',
    displayOptions: snapshot,
  },
  {
    displayName: 'Dry Run',
    name: 'dryRun',
    type: 'boolean',
    default: false,
    description:
      'Whether to only plan the run: nothing is written, and the plan waits for Import → Apply with the run ID',
    displayOptions: snapshot,
  },
  {
    displayName:
      'Fields of the items that are not person fields (such as row_number, which read nodes add) are left out, and listed in the output as leftOutFields. Options → Other Fields imports them as custom attributes instead.',
    name: 'otherFieldsNotice',
    type: 'notice',
    default: '',
    displayOptions: snapshot,
  },
  {
    displayName: 'Options',
    name: 'snapshotOptions',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    displayOptions: snapshot,
    options: [
      {
        displayName: 'Adopt',
        name: 'adopt',
        type: 'boolean',
        default: false,
        description: 'Whether to take over people of another source whose email or external ID matches',
      },
      {
        displayName: 'Max Delete Percent',
        name: 'maxDeletePercent',
        type: 'number',
        typeOptions: { minValue: 0, maxValue: 100 },
        default: 10,
        description:
          'A full run that would delete more than this share of the source stops as Needs Confirmation instead',
      },
      {
        displayName: 'Other Fields',
        name: 'otherFields',
        type: 'options',
        options: [
          {
            name: 'Import as Custom Attributes',
            value: 'attributes',
            description: 'Each other field becomes the custom attribute of that name',
          },
          {
            name: 'Leave Out',
            value: 'drop',
            description: 'Send only the person fields and attributes; the output lists the others as leftOutFields',
          },
          {
            name: 'Skip the Person',
            value: 'skip',
            description: 'PeopleHub skips the person and says why in the run',
          },
        ],
        default: 'drop',
        description:
          'What to do with fields of an item that are not person fields (externalId, email, firstName, lastName, displayName, title, department, phone, startDate, separationDate, separationReason, managerEmail, managerExternalId, attributes)',
      },
    ],
  },
  ...listFields('import'),
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: { resource: ['import'], operation: ['getAll'] } },
    options: [
      {
        displayName: 'Source',
        name: 'source',
        type: 'string',
        default: '',
        placeholder: 'bamboohr',
        description: 'Only runs of this source (hibob for HiBob syncs)',
      },
      {
        displayName: 'Status',
        name: 'status',
        type: 'options',
        options: IMPORT_RUN_STATUS_OPTIONS,
        default: 'completed',
      },
    ],
  },
];
