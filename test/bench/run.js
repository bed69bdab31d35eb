// `npm run bench`: every benchmark in test/bench, one after another (not part of the CI tests).
const { benchAuth } = require('./auth.bench');
const { benchPeople } = require('./people.bench');
const { benchWrite } = require('./write.bench');
const { benchDelivery } = require('./delivery.bench');
const { benchSlowEndpoint } = require('./slow-endpoint.bench');
const { benchHibob } = require('./hibob.bench');
const { benchTrigger } = require('./n8n-trigger.bench');

async function main() {
  await benchAuth('sqlite');
  await benchAuth('postgres');
  await benchPeople();
  await benchWrite();
  await benchDelivery();
  await benchSlowEndpoint();
  await benchHibob();
  await benchTrigger();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
