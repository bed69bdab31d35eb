#!/usr/bin/env node
// `npm run hibob:sim`: the HiBob simulator on its own, with a small company, for demos.
'use strict';

const { createSimulator } = require('./simulator');

async function main() {
  const port = Number(process.env.HIBOB_SIM_PORT ?? 7070);
  const sim = createSimulator();
  // Named like the demo organization's attributes, so a first sync shows matches, a type that does
  // not fit (Shirt size is a number there), a field with no attribute, and options being added.
  sim.addField('Skills', 'multi-list');
  sim.addField('Level', 'list');
  sim.addField('Office', 'text');
  sim.addField('Mentor', 'employee-reference');
  sim.addField('Shirt size', 'list');
  sim.addField('Has parking', 'checkbox');
  const ceo = sim.addPerson({
    email: 'grace.ceo@bob.example',
    firstName: 'Grace',
    surname: 'Hopper',
    title: 'CEO',
    department: 'Management',
    startDate: '2019-03-01',
  });
  const cto = sim.addPerson({
    email: 'alan.cto@bob.example',
    firstName: 'Alan',
    surname: 'Turing',
    title: 'CTO',
    department: 'Engineering',
    reportsTo: ceo.id,
    startDate: '2019-06-01',
  });
  const names = [
    ['Ada', 'Lovelace'],
    ['Linus', 'Torvalds'],
    ['Barbara', 'Liskov'],
    ['Ken', 'Thompson'],
    ['Margaret', 'Hamilton'],
    ['Dennis', 'Ritchie'],
  ];
  for (const [i, [first, last]] of names.entries()) {
    sim.addPerson({
      email: `${first.toLowerCase()}.${last.toLowerCase()}@bob.example`,
      firstName: first,
      surname: last,
      title: i % 2 === 0 ? 'Engineer' : 'Senior Engineer',
      department: 'Engineering',
      reportsTo: cto.id,
      startDate: `202${i % 4}-0${1 + i}-01`,
      custom: {
        Skills: ['TypeScript', i % 2 ? 'Go' : 'Rust'],
        Level: `L${2 + (i % 3)}`,
        Office: i % 2 ? 'Lisbon' : 'Berlin',
        Mentor: cto.id,
        'Shirt size': ['S', 'M', 'L'][i % 3],
      },
    });
  }
  sim.addPerson({
    email: 'new.hire@bob.example',
    firstName: 'Nova',
    surname: 'Newman',
    title: 'Engineer',
    department: 'Engineering',
    reportsTo: cto.id,
    startDate: '2099-01-04',
  });
  const url = await sim.listen(port, process.env.HIBOB_SIM_HOST ?? '127.0.0.1');
  process.stdout.write(
    [
      `HiBob simulator on ${url} with ${sim.people.size} people.`,
      `Service user id: ${sim.credentials.serviceUserId}`,
      `Token:           ${sim.credentials.token}`,
      '',
      'Change people (no auth; for demos):',
      `  curl -X PATCH ${url}/_sim/people/${cto.id} -H 'content-type: application/json' -d '{"title": "Chief Technology Officer"}'`,
      `  curl -X POST ${url}/_sim/people/${cto.id}/terminate -H 'content-type: application/json' -d '{"date": "2026-12-31", "reason": "Resignation"}'`,
      `  curl -X POST ${url}/_sim/webhook -H 'content-type: application/json' -d '{"url": "<receiverUrl>", "secret": "<hook secret>", "employeeId": "${cto.id}"}'`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`hibob simulator: ${error.stack ?? error}\n`);
  process.exit(1);
});
