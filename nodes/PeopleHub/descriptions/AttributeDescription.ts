import type { INodeProperties } from 'n8n-workflow';
import { ATTRIBUTE_TYPE_OPTIONS } from '../catalog';
import { idField, listFields } from './common';

export const attributeOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['attribute'] } },
    options: [
      {
        name: 'Create',
        value: 'create',
        action: 'Create an attribute',
        description: 'Define a custom employee attribute',
      },
      {
        name: 'Delete',
        value: 'delete',
        action: 'Delete an attribute',
        description: 'Remove an attribute and its values',
      },
      { name: 'Get Many', value: 'getAll', action: 'Get many attributes', description: 'List the custom attributes' },
      {
        name: 'Update',
        value: 'update',
        action: 'Update an attribute',
        description: 'Rename an attribute or change its options',
      },
    ],
    default: 'create',
  },
];

export const attributeFields: INodeProperties[] = [
  idField('attribute', 'attributeId', 'Attribute ID', ['delete', 'update']),
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { resource: ['attribute'], operation: ['create'] } },
  },
  {
    displayName: 'Type',
    name: 'type',
    type: 'options',
    options: ATTRIBUTE_TYPE_OPTIONS,
    required: true,
    default: 'text',
    displayOptions: { show: { resource: ['attribute'], operation: ['create'] } },
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'string',
    typeOptions: { multipleValues: true },
    default: [],
    description: 'The choices of an Option or Multiple Options attribute',
    displayOptions: { show: { resource: ['attribute'], operation: ['create'], type: ['option', 'multi_option'] } },
  },
  {
    displayName: 'Update Fields',
    name: 'updateFields',
    type: 'collection',
    placeholder: 'Add Field',
    default: {},
    displayOptions: { show: { resource: ['attribute'], operation: ['update'] } },
    options: [
      { displayName: 'Name', name: 'name', type: 'string', default: '' },
      {
        displayName: 'Options',
        name: 'options',
        type: 'string',
        typeOptions: { multipleValues: true },
        default: [],
        description: 'The full list of choices; removing one that an employee holds is refused',
      },
    ],
  },
  ...listFields('attribute'),
];
