// The HiBob simulator in a process of its own, with HIBOB_SIM_PEOPLE generated people (for the sync benchmark).
const { createSimulator } = require('../support/hibob-simulator/simulator');

async function main() {
  const sim = createSimulator({ chunkSize: 500 });
  sim.generate(Number(process.env.HIBOB_SIM_PEOPLE ?? 10_000));
  const url = await sim.listen(0);
  process.stdout.write(`simulator on ${url} ${JSON.stringify(sim.credentials)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
