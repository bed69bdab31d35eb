import type { INodeProperties } from 'n8n-workflow';

export const messageOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['message'] } },
    options: [
      {
        name: 'Parse',
        value: 'parse',
        action: 'Parse a chat message',
        description: 'Turn a chat-format webhook text into entity, action, URL, author, fields and changes',
      },
    ],
    default: 'parse',
  },
];

export const messageFields: INodeProperties[] = [
  {
    displayName: 'Text',
    name: 'text',
    type: 'string',
    typeOptions: { rows: 4 },
    required: true,
    default: '',
    placeholder: '**[Role](https://…)** was updated …',
    description: 'The "text" of a chat-format webhook. A batch becomes one item per message.',
    hint: 'After a Webhook node the text is usually at body.text',
    displayOptions: { show: { resource: ['message'], operation: ['parse'] } },
  },
];
