// `npm run bench`: every benchmark in test/bench, one after another (not part of the CI tests).
const { benchAuth } = require('./auth.bench');

async function main() {
  await benchAuth();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
