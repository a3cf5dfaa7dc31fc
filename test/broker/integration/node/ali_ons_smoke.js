'use strict';
// Smoke test of a real third-party RocketMQ client against TernMQ: the
// Node.js client `ali-ons` sends two messages through the nameserver at
// argv[2] on topic argv[3] and consumes both
// with a push consumer, one sent before it subscribed and one after.
// Prints "SMOKE OK" on stdout on success; exits 1 with the reason otherwise.
// The topic must exist: ali-ons 3.x throws on the nameserver's TOPIC_NOT_EXIST
// instead of falling back to the TBW102 route (its switch falls through), so
// it cannot auto-create topics with any broker.
//
// usage: node ali_ons_smoke.js <nameserver host:port> <topic> <node_modules dir>
const path = require('path');

const [ nameSrv, topic, modules ] = process.argv.slice(2);
const { Producer, Consumer, Message } = require(path.resolve(modules, 'ali-ons'));

// Keep the client's chatter off stdout.
const logger = {
  info() {},
  debug() {},
  warn(...args) { console.error('[ali-ons warn]', ...args); },
  error(...args) { console.error('[ali-ons error]', ...args); },
};
const common = {
  logger,
  nameSrv, // a fixed nameserver list instead of the Aliyun address service
  httpclient: { request() { throw new Error('unused: nameSrv is set'); } },
  accessKeyId: 'tern-access-key', // signed into every request; TernMQ ignores ACL fields (Q35)
  accessKeySecret: 'tern-secret-key',
};

function fail(reason) {
  console.error('SMOKE FAILED:', reason);
  process.exit(1);
}
setTimeout(() => fail('timed out'), 40000).unref();

(async () => {
  const producer = new Producer(Object.assign({ producerGroup: 'GID_TERN_SMOKE_P' }, common));
  producer.on('error', err => console.error('[producer error]', err.message));
  await producer.ready();
  const first = await producer.send(new Message(topic, 'TagA', 'first from ali-ons'));
  if (first.sendStatus !== 'SEND_OK') fail('first send: ' + JSON.stringify(first));
  console.error('sent first', first.msgId);

  const expected = new Set([ 'first from ali-ons', 'second from ali-ons' ]);
  const received = new Set();
  let done;
  const allReceived = new Promise(resolve => { done = resolve; });
  const consumer = new Consumer(Object.assign({
    consumerGroup: 'GID_TERN_SMOKE_C',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  }, common));
  consumer.on('error', err => console.error('[consumer error]', err.message));
  consumer.subscribe(topic, '*', async msg => {
    const body = msg.body.toString();
    console.error('received', body, 'tags', msg.tags, 'msgId', msg.msgId);
    if (!expected.has(body)) fail('unexpected message ' + body);
    if (msg.tags !== 'TagA') fail('tags ' + msg.tags);
    received.add(body);
    if (received.size === expected.size) done();
  });
  await consumer.ready();
  const second = await producer.send(new Message(topic, 'TagA', 'second from ali-ons'));
  if (second.sendStatus !== 'SEND_OK') fail('second send: ' + JSON.stringify(second));
  console.error('sent second', second.msgId);

  await allReceived;
  console.log('SMOKE OK');
  // Closing unregisters both clients; do not let a slow close fail the test.
  setTimeout(() => process.exit(0), 3000).unref();
  // ali-ons shares one client (and its sockets) between the two: closing them
  // together can fail a request still in flight with SocketCloseError. The
  // smoke test has passed by now, so a close error is reported, not failed.
  await Promise.all([ consumer.close(), producer.close() ])
    .catch(err => console.error('close after SMOKE OK:', err && err.message));
  process.exit(0);
})().catch(err => fail(err && err.stack || err));
