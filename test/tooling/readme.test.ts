// The shell blocks of the README and of the server's walk-through (docs/server.md) are meant to be
// pasted in order: every variable a command uses is set by an earlier one (from what a command
// printed), and no command holds a placeholder to fill in by hand. Running them needs servers, a
// receiver and the HiBob simulator in other terminals; this checks what can be checked without them,
// so that an edit cannot bring back an `$APP_TOKEN` nothing sets. It also checks that every link
// between these pages lands on a file and a heading that exist.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const PAGES = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (page: string) => fs.readFileSync(path.join(ROOT, page), 'utf8');

/** The shell blocks in order, each as its lines without comments. */
function shellBlocks(text: string): { line: number; commands: string[] }[] {
  const blocks: { line: number; commands: string[] }[] = [];
  for (const match of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const line = text.slice(0, match.index).split('\n').length + 1;
    const commands = match[1]
      .split('\n')
      // A comment starts a line or follows a space; a `#` inside quotes would not, in these blocks.
      .map((l) => l.replace(/(^|\s)#.*$/, '').trimEnd())
      .filter((l) => l.trim() !== '');
    blocks.push({ line, commands });
  }
  return blocks;
}

/** Variables the shell or the user's session already has. */
const FROM_THE_SHELL = new Set(['PWD', 'HOME', 'OLDPWD']);

/** The anchor GitHub gives a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings (outside code blocks). */
function anchors(text: string): Set<string> {
  const prose = text.replace(/```[\s\S]*?```/g, '');
  return new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading)));
}

describe.each([
  { page: 'README.md', minBlocks: 4 },
  { page: 'docs/server.md', minBlocks: 8 },
])('$page, pasted in order', ({ page, minBlocks }) => {
  const blocks = shellBlocks(read(page));

  test('has the blocks a new user pastes, starting with the quick start', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(minBlocks);
    expect(blocks[0].commands).toEqual(['npm install && npm start']);
  });

  test('sets every variable before a command uses it', () => {
    const set = new Set<string>();
    const unset: string[] = [];
    for (const { line, commands } of blocks) {
      for (const command of commands) {
        // Uses first: `export MY_KEY=$(… $MY_KEY …)` reads the old value before it sets the new one.
        for (const [, name] of command.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g))
          if (!set.has(name) && !FROM_THE_SHELL.has(name)) unset.push(`$${name} in the block at line ${line}`);
        for (const [, name] of command.matchAll(/(?:^|[\s;(])(?:export\s+)?([A-Z_][A-Z0-9_]*)=/g)) set.add(name);
      }
    }
    expect(unset).toEqual([]);
  });

  test('holds no placeholder to replace by hand in a command', () => {
    const placeholders: string[] = [];
    for (const { line, commands } of blocks)
      for (const command of commands)
        if (/…|eyJ|<[A-Za-z][\w ]*>|\/path\/to\//.test(command)) placeholders.push(`line ${line}: ${command}`);
    expect(placeholders).toEqual([]);
  });
});

describe('the README and docs/', () => {
  test('the README keeps the quick start and the test command', () => {
    const commands = shellBlocks(read('README.md')).flatMap((b) => b.commands);
    expect(commands).toEqual(expect.arrayContaining(['npm install && npm start', 'npm test']));
  });

  test("the server's walk-through defines the json helper before the first command that reads a field with it", () => {
    const all = shellBlocks(read('docs/server.md')).flatMap((b) => b.commands);
    const defined = all.findIndex((c) => /^json\(\) \{/.test(c));
    const firstUse = all.findIndex((c) => /\|\s*json\b/.test(c));
    expect(defined).toBeGreaterThanOrEqual(0);
    expect(firstUse).toBeGreaterThan(defined);
  });

  test('every link between them lands on a file and, with an anchor, on a heading', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const prose = read(page)
        .replace(/```[\s\S]*?```/g, '')
        .replace(/`[^`\n]*`/g, '');
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [file, anchor] = target.split('#');
        const resolved = file ? path.posix.normalize(path.posix.join(path.posix.dirname(page), file)) : page;
        if (!fs.existsSync(path.join(ROOT, resolved))) broken.push(`${page}: ${target} (no such file)`);
        else if (anchor && !(resolved.endsWith('.md') && anchors(read(resolved)).has(anchor)))
          broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
