// What `npm publish` would ship, read from `npm pack --dry-run`: the compiled nodes and credential,
// their codex files and icons, and the README written for n8n users; nothing of the server, the docs
// or the tests. `n8n-node build` copies every png and svg of the repository into dist/, so the
// `files` field in package.json is what keeps the rest out. Needs the package built (`npm test` and
// `npm run build` do that).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/process';

/** The README shows on npm and in n8n's community-node listing; a monorepo manual does not belong there. */
const README_LIMIT_BYTES = 40_000;

interface PackedFile {
  path: string;
  size: number;
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  homepage: string;
  n8n: { nodes: string[]; credentials: string[] };
  dependencies?: Record<string, string>;
};

/** The anchor GitHub gives a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('the packed package', () => {
  let files: PackedFile[];
  let paths: string[];

  beforeAll(() => {
    if (!fs.existsSync(path.join(REPO_ROOT, manifest.n8n.nodes[0])))
      throw new Error('The package is not built: run `npm run build` first.');
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { files: PackedFile[] }[];
    files = packed[0].files;
    paths = files.map((file) => file.path);
  }, 60_000);

  test('holds only dist/nodes, dist/credentials, dist/icons, the README, the licence and package.json', () => {
    const outside = paths.filter(
      (file) =>
        !/^dist\/(nodes|credentials|icons)\//.test(file) && !['README.md', 'LICENSE', 'package.json'].includes(file),
    );
    expect(outside).toEqual([]);
    expect(paths.filter((file) => /(^|\/)(server|docs|test|examples)\//.test(file))).toEqual([]);
    expect(paths.filter((file) => file.endsWith('.ts') || file.endsWith('.map'))).toEqual([]);
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  test('holds every node and credential package.json names, each node with its codex file', () => {
    for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) expect(paths).toContain(file);
    for (const node of manifest.n8n.nodes) expect(paths).toContain(node.replace(/\.js$/, '.json'));
  });

  test('holds the icons every node and the credential point at', () => {
    expect(paths).toEqual(expect.arrayContaining(['dist/icons/peoplehub.svg', 'dist/icons/peoplehub.dark.svg']));
    for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
      const compiled = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      const icons = [...compiled.matchAll(/'file:([^']+)'/g)].map(([, icon]) =>
        path.posix.normalize(path.posix.join(path.posix.dirname(file), icon)),
      );
      expect(icons.length).toBeGreaterThan(0);
      for (const icon of icons) expect(paths).toContain(icon);
    }
  });

  test(`holds the README for n8n users, under ${README_LIMIT_BYTES / 1000} KB`, () => {
    const readme = files.find((file) => file.path === 'README.md');
    expect(readme).toBeDefined();
    expect(readme!.size).toBeLessThan(README_LIMIT_BYTES);
    const text = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const section of [
      'Installing the package in n8n',
      'The credential',
      'Nodes and operations',
      'Example workflows',
    ])
      expect(text).toMatch(new RegExp(`^## ${section}$`, 'm'));
  });

  test("the codex files' and the credential's documentation links land on headings of that README", () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
    const anchors = new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading)));
    const codexLinks = manifest.n8n.nodes.flatMap((node) => {
      const source = path.join(REPO_ROOT, node.replace(/^dist\//, '').replace(/\.js$/, '.json'));
      const codex = JSON.parse(fs.readFileSync(source, 'utf8')) as { resources: Record<string, { url: string }[]> };
      return Object.values(codex.resources).flatMap((entries) => entries.map((entry) => entry.url));
    });
    const credential = fs.readFileSync(path.join(REPO_ROOT, 'credentials/PeopleHubApi.credentials.ts'), 'utf8');
    const credentialLinks = [...credential.matchAll(/documentationUrl = '([^']+)'/g)].map(([, url]) => url);
    expect(codexLinks).toHaveLength(2 * manifest.n8n.nodes.length);
    expect(credentialLinks).toHaveLength(1);
    const readmeUrl = manifest.homepage.replace(/#readme$/, '#');
    for (const link of [...codexLinks, ...credentialLinks]) {
      expect(link.startsWith(readmeUrl)).toBe(true);
      expect(anchors).toContain(link.slice(readmeUrl.length));
    }
  });
});
