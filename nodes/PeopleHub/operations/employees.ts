// Employees: create, get, list, update, delete, and Create or Update by email or external ID.
// Version 2 sends only the fields a user filled in, clears on purpose, and takes custom attributes
// as name and value; version 1 keeps its JSON attributes and null-on-empty updates.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { type AttributeTypes, attributeTypes, attributeValue } from '../attributes';
import { locatorValue, toBody, toQuery } from '../params';
import { apiRequest } from '../transport';
import {
  type OperationTable,
  filledChanges,
  many,
  nodeVersion,
  nothingToUpdate,
  one,
  personId,
  remove,
  segmentValue,
} from './shared';

/** The attribute definitions, read once per execution and only when an attribute is set. */
const typesByExecution = new WeakMap<object, Promise<AttributeTypes>>();

function definedAttributeTypes(context: IExecuteFunctions, itemIndex: number): Promise<AttributeTypes> {
  let types = typesByExecution.get(context);
  if (types === undefined) {
    types = (apiRequest.call(context, 'GET', '/v1/attributes', {}, itemIndex) as Promise<{ data: IDataObject[] }>).then(
      (answer) => attributeTypes(answer.data),
    );
    typesByExecution.set(context, types);
  }
  return types;
}

/**
 * Version 2's custom attributes: each filled row converted for its attribute's type, and each
 * attribute to clear as null. Undefined when there is nothing to send.
 */
async function customAttributes(context: IExecuteFunctions, itemIndex: number): Promise<IDataObject | undefined> {
  const rows =
    (
      context.getNodeParameter('customAttributes', itemIndex, {}) as {
        attribute?: { name?: string; value?: unknown }[];
      }
    ).attribute ?? [];
  const toClear = context.getNodeParameter('attributesToClear', itemIndex, []) as string[];
  const filled = rows.filter(
    (row) => String(row.name ?? '').trim() !== '' && row.value !== '' && row.value !== undefined && row.value !== null,
  );
  if (filled.length === 0 && toClear.length === 0) return undefined;
  const attributes: IDataObject = {};
  for (const name of toClear) attributes[name] = null;
  if (filled.length > 0) {
    const types = await definedAttributeTypes(context, itemIndex);
    for (const row of filled) {
      const name = String(row.name).trim();
      const type = types[name.toLowerCase()];
      const converted = attributeValue(type, row.value);
      if (converted.error !== undefined)
        throw new NodeOperationError(context.getNode(), `Custom attribute ${name}: ${converted.error}`, {
          itemIndex,
          description: `${name} is a ${type} attribute`,
        });
      attributes[name] = converted.value as IDataObject[keyof IDataObject];
    }
  }
  return attributes;
}

/**
 * What version 2 sends to change an employee: the fields filled in (an empty one, or an expression
 * giving '', is left alone), the fields to clear as null, and the custom attributes.
 */
async function changes(context: IExecuteFunctions, fields: IDataObject, itemIndex: number): Promise<IDataObject> {
  const body = filledChanges(context, fields, itemIndex);
  const attributes = await customAttributes(context, itemIndex);
  if (attributes !== undefined) body.attributes = attributes;
  return body;
}

export const employeeOperations: OperationTable = {
  employee: {
    async create(i) {
      const body: IDataObject = {
        email: this.getNodeParameter('email', i) as string,
        firstName: this.getNodeParameter('firstName', i) as string,
        lastName: this.getNodeParameter('lastName', i) as string,
        ...toBody(this, this.getNodeParameter('additionalFields', i, {}) as IDataObject, i, 'create'),
      };
      if (nodeVersion(this) >= 2) {
        const attributes = await customAttributes(this, i);
        if (attributes !== undefined) body.attributes = attributes;
      }
      return one(this, i, 'POST', '/v1/employees', body);
    },
    async get(i) {
      return one(this, i, 'GET', `/v1/employees/${await personId(this, 'employeeId', i)}`);
    },
    async getAll(i) {
      const qs = toQuery(this.getNodeParameter('filters', i, {}) as IDataObject);
      // The server takes surveyable=true only: off means no filter.
      if (qs.surveyable === false) delete qs.surveyable;
      if (typeof qs.on === 'string') qs.on = qs.on.slice(0, 10);
      return many(this, i, '/v1/employees', qs);
    },
    async update(i) {
      const path = `/v1/employees/${await personId(this, 'employeeId', i)}`;
      const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
      if (nodeVersion(this) < 2) return one(this, i, 'PATCH', path, toBody(this, fields, i, 'update'));
      const body = await changes(this, fields, i);
      if (Object.keys(body).length === 0) throw nothingToUpdate(this, i);
      return one(this, i, 'PATCH', path, body);
    },
    async upsert(i) {
      const { mode, value } = locatorValue(this.getNodeParameter('match', i));
      if (value === '')
        throw new NodeOperationError(this.getNode(), 'Give the email or external ID to find the employee by', {
          itemIndex: i,
        });
      const key = encodeURIComponent(segmentValue(this, 'match', value, i));
      const path = mode === 'externalId' ? `/v1/employees/by-external-id/${key}` : `/v1/employees/by-email/${key}`;
      const body = await changes(
        this,
        {
          firstName: this.getNodeParameter('firstName', i, '') as string,
          lastName: this.getNodeParameter('lastName', i, '') as string,
          ...(this.getNodeParameter('additionalFields', i, {}) as IDataObject),
        },
        i,
      );
      const answer = (await apiRequest.call(this, 'PUT', path, { body }, i)) as { data: IDataObject; result: string };
      return { ...answer.data, result: answer.result };
    },
    async delete(i) {
      return remove(this, i, `/v1/employees/${await personId(this, 'employeeId', i)}`);
    },
  },
};
