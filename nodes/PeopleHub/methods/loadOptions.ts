// The dropdowns the server fills: attribute names, departments, programs, event types and tenure bands.
import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { apiRequest, apiRequestAll } from '../transport';

/** A list's rows, every page of it. */
async function rows(context: ILoadOptionsFunctions, path: string, qs: IDataObject = {}): Promise<IDataObject[]> {
  return apiRequestAll.call(context, path, qs, 0);
}

const byName = (a: INodePropertyOptions, b: INodePropertyOptions) => a.name.localeCompare(b.name);

export const loadOptions = {
  /** Custom attributes by name (the API keys attribute values by name), with their type. */
  async getAttributes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
    const answer = (await apiRequest.call(this, 'GET', '/v1/attributes')) as { data: IDataObject[] };
    return answer.data
      .map((a) => ({ name: String(a.name), value: String(a.name), description: `Type: ${String(a.type)}` }))
      .sort(byName);
  },
  async getDepartments(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
    const answer = (await apiRequest.call(this, 'GET', '/v1/employees/departments')) as { data: string[] };
    return answer.data.map((name) => ({ name, value: name }));
  },
  async getPrograms(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
    return (await rows(this, '/v1/programs', { sort: 'name' })).map((p) => ({
      name: String(p.name),
      value: String(p.id),
    }));
  },
  async getEventTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
    const answer = (await apiRequest.call(this, 'GET', '/v1/webhook-event-types')) as { data: IDataObject[] };
    return answer.data.map((e) => ({
      name: e.optIn === true ? `${String(e.type)} (Opt-In)` : String(e.type),
      value: String(e.type),
      description: String(e.description ?? ''),
    }));
  },
  async getTenureBands(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
    const answer = (await apiRequest.call(this, 'GET', '/v1/organization')) as {
      data: { tenureBands: { name: string }[] };
    };
    return answer.data.tenureBands.map((band) => ({ name: band.name, value: band.name }));
  },
};
