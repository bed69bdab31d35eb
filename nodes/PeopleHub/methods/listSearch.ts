// The "From List" of each resource locator: one page of the resource's list per call, searched with
// the API's `q` and paged with its cursors.
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import { apiRequest } from '../transport';

/** A page as long as n8n's list shows comfortably before asking for more. */
const SEARCH_PAGE_SIZE = 50;

type Page = { data: IDataObject[]; nextCursor: string | null };

async function searchPage(
  context: ILoadOptionsFunctions,
  path: string,
  name: (row: IDataObject) => string,
  filter: string | undefined,
  paginationToken: unknown,
  qs: IDataObject = {},
): Promise<INodeListSearchResult> {
  const query: IDataObject = { ...qs, limit: SEARCH_PAGE_SIZE };
  if (filter !== undefined && filter.trim() !== '') query.q = filter.trim();
  if (typeof paginationToken === 'string' && paginationToken !== '') query.cursor = paginationToken;
  const page = (await apiRequest.call(context, 'GET', path, { qs: query })) as Page;
  const results: INodeListSearchItems[] = page.data.map((row) => ({ name: name(row), value: String(row.id) }));
  return { results, paginationToken: page.nextCursor ?? undefined };
}

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

export const listSearch = {
  async searchEmployees(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
    // Every status: a leaver can still be updated, recognized or assigned.
    return searchPage(
      this,
      '/v1/employees',
      (e) => `${text(e.displayName)} (${text(e.email)})`,
      filter,
      paginationToken,
      { sort: 'lastName' },
    );
  },
  async searchGroups(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
    return searchPage(this, '/v1/groups', (g) => text(g.name), filter, paginationToken, { sort: 'name' });
  },
  async searchRoles(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
    return searchPage(this, '/v1/roles', (r) => text(r.name), filter, paginationToken, { sort: 'name' });
  },
  async searchPrograms(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
    return searchPage(this, '/v1/programs', (p) => text(p.name), filter, paginationToken, { sort: 'name' });
  },
  async searchWebhooks(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
    return searchPage(this, '/v1/webhooks', (w) => `${text(w.name)} (${text(w.url)})`, filter, paginationToken);
  },
  async searchUsers(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
    return searchPage(
      this,
      '/v1/users',
      (u) => (u.name ? `${text(u.name)} (${text(u.email)})` : text(u.email)),
      filter,
      paginationToken,
      { sort: 'email' },
    );
  },
  async searchSurveys(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
    return searchPage(this, '/v1/surveys', (s) => `${text(s.name)} (${text(s.status)})`, filter, paginationToken);
  },
  async searchHibobRuns(this: ILoadOptionsFunctions, _filter?: string, paginationToken?: string) {
    return searchPage(
      this,
      '/v1/integrations/hibob/runs',
      (r) => `${text(r.status)} · ${text(r.startedAt)}`,
      undefined,
      paginationToken,
    );
  },
  async searchImportRuns(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
    // Runs have no `q`: a filter that is a source slug asks the server for that source's runs.
    const source = filter?.trim().toLowerCase() ?? '';
    const qs = /^[a-z0-9][a-z0-9-]{0,39}$/.test(source) ? { source } : {};
    return searchPage(
      this,
      '/v1/imports',
      (r) => `${text(r.source)} · ${text(r.status)} · ${text(r.startedAt)}`,
      undefined,
      paginationToken,
      qs,
    );
  },
};
