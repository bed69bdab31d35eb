import fs from 'node:fs';
import path from 'node:path';
import type { INodeProperties } from 'n8n-workflow';
import { EVENT_TYPE_OPTIONS } from '../../nodes/PeopleHub/catalog';
import { PeopleHub } from '../../nodes/PeopleHub/PeopleHub.node';
import { REPO_ROOT } from '../helpers/process';

// The example workflows use the package as it is: every PeopleHub node names a resource and an
// operation the node offers and only parameters shown for them, and every trigger event exists.
// (The real-n8n test imports each one into n8n.)
describe('example workflows', () => {
  const folder = path.join(REPO_ROOT, 'examples');
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.json'));
  const properties = new PeopleHub().description.properties;
  type ExampleNode = { type: string; parameters: Record<string, unknown>; typeVersion: number };

  /** Whether the node shows a parameter for a resource, an operation and a node version (display conditions on these only). */
  function visible(p: INodeProperties, resource: string, operation: string, version: number): boolean {
    const show = p.displayOptions?.show ?? {};
    const versions = show['@version'] as (number | { _cnd: { gte: number } })[] | undefined;
    return (
      (!show.resource || show.resource.includes(resource)) &&
      (!show.operation || show.operation.includes(operation)) &&
      (!versions || versions.some((c) => (typeof c === 'number' ? c === version : version >= c._cnd.gte)))
    );
  }

  /** The parameters shown, by name. */
  function shown(resource: string, operation: string, version: number): Map<string, INodeProperties> {
    return new Map(properties.filter((p) => visible(p, resource, operation, version)).map((p) => [p.name, p]));
  }

  test.each(files)('%s', (file) => {
    const workflow = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as { nodes: ExampleNode[] };
    for (const node of workflow.nodes) {
      if (node.type === 'n8n-nodes-peoplehub.peopleHubTrigger')
        for (const event of node.parameters.events as string[])
          expect(EVENT_TYPE_OPTIONS.map((o) => o.value)).toContain(event);
      if (node.type !== 'n8n-nodes-peoplehub.peopleHub') continue;
      // Examples are for new workflows: the version n8n gives a node added now.
      expect(node.typeVersion).toBe(new PeopleHub().description.defaultVersion);
      const { resource, operation, ...rest } = node.parameters as Record<string, string>;
      const operations = properties.find(
        (p) => p.name === 'operation' && p.displayOptions?.show?.resource && visible(p, resource, '', node.typeVersion),
      );
      expect((operations?.options as { value: string }[]).map((o) => o.value)).toContain(operation);
      const allowed = shown(resource, operation, node.typeVersion);
      expect(Object.keys(rest).filter((name) => !allowed.has(name))).toEqual([]);
      // A locator parameter holds what n8n stores for one.
      for (const [name, value] of Object.entries(rest))
        if (allowed.get(name)?.type === 'resourceLocator')
          expect([name, value]).toEqual([name, { __rl: true, mode: expect.any(String), value: expect.anything() }]);
    }
  });

  test('there is one for syncing any HRIS and one for survey invitations in Slack', () => {
    expect(files).toEqual(expect.arrayContaining(['hris-snapshot-to-peoplehub.json', 'survey-invited-to-slack.json']));
  });
});
