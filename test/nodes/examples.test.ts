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

  /** The parameters the node shows for a resource and operation (display conditions on them only). */
  function shown(resource: string, operation: string): Set<string> {
    const visible = (p: INodeProperties) => {
      const show = p.displayOptions?.show ?? {};
      return (
        (!show.resource || show.resource.includes(resource)) && (!show.operation || show.operation.includes(operation))
      );
    };
    return new Set(properties.filter(visible).map((p) => p.name));
  }

  test.each(files)('%s', (file) => {
    const workflow = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as { nodes: ExampleNode[] };
    for (const node of workflow.nodes) {
      if (node.type === 'n8n-nodes-peoplehub.peopleHubTrigger')
        for (const event of node.parameters.events as string[])
          expect(EVENT_TYPE_OPTIONS.map((o) => o.value)).toContain(event);
      if (node.type !== 'n8n-nodes-peoplehub.peopleHub') continue;
      const { resource, operation, ...rest } = node.parameters as Record<string, string>;
      const operations = properties.find(
        (p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
      );
      expect((operations?.options as { value: string }[]).map((o) => o.value)).toContain(operation);
      const allowed = shown(resource, operation);
      expect(Object.keys(rest).filter((name) => !allowed.has(name))).toEqual([]);
    }
  });

  test('there is one for syncing any HRIS and one for survey invitations in Slack', () => {
    expect(files).toEqual(expect.arrayContaining(['hris-snapshot-to-peoplehub.json', 'survey-invited-to-slack.json']));
  });
});
