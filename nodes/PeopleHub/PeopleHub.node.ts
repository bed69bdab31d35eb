import type {
  IDataObject,
  IExecuteFunctions,
  INodeExecutionData,
  INodeType,
  INodeTypeDescription,
  JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { attributeFields, attributeOperations } from './descriptions/AttributeDescription';
import { deliveryFields, deliveryOperations } from './descriptions/DeliveryDescription';
import { employeeFields, employeeOperations } from './descriptions/EmployeeDescription';
import { engagementFields, engagementOperations } from './descriptions/EngagementDescription';
import { groupFields, groupOperations } from './descriptions/GroupDescription';
import { hibobFields, hibobOperations } from './descriptions/HibobDescription';
import { messageFields, messageOperations } from './descriptions/MessageDescription';
import { organizationFields, organizationOperations } from './descriptions/OrganizationDescription';
import { programFields, programOperations } from './descriptions/ProgramDescription';
import { recognitionFields, recognitionOperations } from './descriptions/RecognitionDescription';
import { roleFields, roleOperations } from './descriptions/RoleDescription';
import { userFields, userOperations } from './descriptions/UserDescription';
import { webhookFields, webhookOperations } from './descriptions/WebhookDescription';
import { listSearch } from './methods/listSearch';
import { loadOptions } from './methods/loadOptions';
import { operations } from './operations';

export class PeopleHub implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'PeopleHub',
    name: 'peopleHub',
    icon: { light: 'file:peoplehub.svg', dark: 'file:peoplehub.dark.svg' },
    group: ['transform'],
    // Version 2 picks ids with resource locators; workflows saved with version 1 keep their text ids.
    version: [1, 2],
    defaultVersion: 2,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description:
      'Read and change people data in PeopleHub: employees, org structure, recognitions, engagement, webhooks and the HiBob sync',
    defaults: { name: 'PeopleHub' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [
      {
        name: 'peopleHubApi',
        required: true,
        displayOptions: { hide: { resource: ['message'] } },
      },
    ],
    properties: [
      {
        displayName: 'Resource',
        name: 'resource',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'Attribute', value: 'attribute' },
          { name: 'Delivery', value: 'delivery' },
          { name: 'Employee', value: 'employee' },
          { name: 'Engagement', value: 'engagement' },
          { name: 'Group', value: 'group' },
          { name: 'HiBob Sync', value: 'hibob' },
          { name: 'Message', value: 'message' },
          { name: 'Organization', value: 'organization' },
          { name: 'Program', value: 'program' },
          { name: 'Recognition', value: 'recognition' },
          { name: 'Role', value: 'role' },
          { name: 'User', value: 'user' },
          { name: 'Webhook', value: 'webhook' },
        ],
        default: 'employee',
      },
      ...attributeOperations,
      ...attributeFields,
      ...deliveryOperations,
      ...deliveryFields,
      ...employeeOperations,
      ...employeeFields,
      ...engagementOperations,
      ...engagementFields,
      ...groupOperations,
      ...groupFields,
      ...hibobOperations,
      ...hibobFields,
      ...messageOperations,
      ...messageFields,
      ...organizationOperations,
      ...organizationFields,
      ...programOperations,
      ...programFields,
      ...recognitionOperations,
      ...recognitionFields,
      ...roleOperations,
      ...roleFields,
      ...userOperations,
      ...userFields,
      ...webhookOperations,
      ...webhookFields,
    ],
  };

  methods = { listSearch, loadOptions };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const returnData: INodeExecutionData[] = [];
    for (let i = 0; i < items.length; i++) {
      const resource = this.getNodeParameter('resource', i) as string;
      const operation = this.getNodeParameter('operation', i) as string;
      try {
        const run = operations[resource]?.[operation];
        if (run === undefined)
          throw new NodeOperationError(
            this.getNode(),
            `The operation "${operation}" is not supported for "${resource}"`,
            { itemIndex: i },
          );
        const result = await run.call(this, i);
        for (const json of Array.isArray(result) ? result : [result])
          returnData.push({ json: json as IDataObject, pairedItem: { item: i } });
      } catch (error) {
        if (this.continueOnFail()) {
          returnData.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
          continue;
        }
        // Errors from the operations are NodeApiError or NodeOperationError already; anything else is wrapped.
        throw error instanceof NodeOperationError
          ? error
          : new NodeApiError(this.getNode(), error as JsonObject, { itemIndex: i });
      }
    }
    return [returnData];
  }
}
