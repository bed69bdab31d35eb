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
import { auditFields, auditOperations } from './descriptions/AuditDescription';
import { deliveryFields, deliveryOperations } from './descriptions/DeliveryDescription';
import { employeeFields, employeeOperations } from './descriptions/EmployeeDescription';
import { engagementFields, engagementOperations } from './descriptions/EngagementDescription';
import { eventFields, eventOperations } from './descriptions/EventDescription';
import { groupFields, groupOperations } from './descriptions/GroupDescription';
import { hibobFields, hibobOperations } from './descriptions/HibobDescription';
import { importFields, importOperations } from './descriptions/ImportDescription';
import { messageFields, messageOperations } from './descriptions/MessageDescription';
import { organizationFields, organizationOperations } from './descriptions/OrganizationDescription';
import { programFields, programOperations } from './descriptions/ProgramDescription';
import { recognitionFields, recognitionOperations } from './descriptions/RecognitionDescription';
import { roleFields, roleOperations } from './descriptions/RoleDescription';
import { surveyFields, surveyOperations } from './descriptions/SurveyDescription';
import { userFields, userOperations } from './descriptions/UserDescription';
import { webhookFields, webhookOperations } from './descriptions/WebhookDescription';
import { listSearch } from './methods/listSearch';
import { loadOptions } from './methods/loadOptions';
import { batchOperations, operations } from './operations';
import type { BatchOperation } from './operations/shared';

export class PeopleHub implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'PeopleHub',
    name: 'peopleHub',
    icon: { light: 'file:../../icons/peoplehub.svg', dark: 'file:../../icons/peoplehub.dark.svg' },
    group: ['transform'],
    // Version 2 picks ids with resource locators; workflows saved with version 1 keep their text ids.
    version: [1, 2],
    defaultVersion: 2,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description:
      'Read and change people data in PeopleHub: employees, imports from any HRIS, org structure, recognitions, engagement and surveys, webhooks and the HiBob sync',
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
          { name: 'Audit Log', value: 'audit' },
          { name: 'Delivery', value: 'delivery' },
          { name: 'Employee', value: 'employee' },
          { name: 'Engagement', value: 'engagement' },
          { name: 'Event', value: 'event' },
          { name: 'Group', value: 'group' },
          { name: 'HiBob Sync', value: 'hibob' },
          { name: 'Import', value: 'import' },
          { name: 'Message', value: 'message' },
          { name: 'Organization', value: 'organization' },
          { name: 'Program', value: 'program' },
          { name: 'Recognition', value: 'recognition' },
          { name: 'Role', value: 'role' },
          { name: 'Survey', value: 'survey' },
          { name: 'User', value: 'user' },
          { name: 'Webhook', value: 'webhook' },
        ],
        default: 'employee',
      },
      ...attributeOperations,
      ...attributeFields,
      ...auditOperations,
      ...auditFields,
      ...deliveryOperations,
      ...deliveryFields,
      ...employeeOperations,
      ...employeeFields,
      ...engagementOperations,
      ...engagementFields,
      ...eventOperations,
      ...eventFields,
      ...groupOperations,
      ...groupFields,
      ...hibobOperations,
      ...hibobFields,
      ...importOperations,
      ...importFields,
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
      ...surveyOperations,
      ...surveyFields,
      ...userOperations,
      ...userFields,
      ...webhookOperations,
      ...webhookFields,
    ],
  };

  methods = { listSearch, loadOptions };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const batch =
      batchOperations[this.getNodeParameter('resource', 0) as string]?.[
        this.getNodeParameter('operation', 0) as string
      ];
    if (batch !== undefined) return [await runBatch.call(this, batch, items)];
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

/** A batch operation, once for every input item: one output item, paired with all of them. */
async function runBatch(
  this: IExecuteFunctions,
  operation: BatchOperation,
  items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
  const pairedItem = items.map((_item, item) => ({ item }));
  try {
    return [{ json: await operation.call(this, items), pairedItem }];
  } catch (error) {
    if (this.continueOnFail()) return [{ json: { error: (error as Error).message }, pairedItem }];
    throw error instanceof NodeOperationError || error instanceof NodeApiError
      ? error
      : new NodeApiError(this.getNode(), error as JsonObject, { itemIndex: 0 });
  }
}
