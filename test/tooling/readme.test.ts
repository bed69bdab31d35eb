// The README's shell blocks are meant to be pasted in order: every variable a command uses is set by
// an earlier one (from what a command printed), and no command holds a placeholder to fill in by hand.
// Running them needs servers, a receiver and the HiBob simulator in other terminals; this checks what
// can be checked without them, so that an edit cannot bring back an `$APP_TOKEN` nothing sets.
import fs from 'node:fs';
import path from 'node:path';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

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

describe('the README, pasted in order', () => {
  const blocks = shellBlocks(README);

  test('has the blocks a new user pastes', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
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

  test('defines the json helper before the first command that reads a field with it', () => {
    const all = blocks.flatMap((b) => b.commands);
    const defined = all.findIndex((c) => /^json\(\) \{/.test(c));
    const firstUse = all.findIndex((c) => /\|\s*json\b/.test(c));
    expect(defined).toBeGreaterThanOrEqual(0);
    expect(firstUse).toBeGreaterThan(defined);
  });
});
