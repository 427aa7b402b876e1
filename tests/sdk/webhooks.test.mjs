// The fake's webhooks, received by the official SDK's own webhook handler
// (docs/webhooks.md, docs/behaviour.md §8.3–§8.6): a loopback receiver feeds each
// POST to `createClient({modules: {proGallery}, auth: AppStrategy({appId,
// publicKey})}).webhooks.processRequest`, with all six `proGallery.on*`
// handlers registered, while a scripted sequence of SDK calls changes the data.
//
// The receiver answers 200 only when the SDK accepted the webhook, so a
// rejected one shows up as a failed attempt in the fake's delivery log too.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import { AppStrategy, createClient } from '@wix/sdk';
import { proGallery } from '@wix/pro-gallery';

import { REAL, TARGET, imageItem, setup, textItem } from './helpers.mjs';

const { pg, siteId } = setup();
const HANDLERS = [
  'onGalleryCreated',
  'onGalleryUpdated',
  'onGalleryDeleted',
  'onGalleryItemCreated',
  'onGalleryItemUpdated',
  'onGalleryItemDeleted',
];
const PREFIX = 'wix.pro_gallery.gallery_v2';
// tests/test_sdk.py also runs this file against a fake set to the other entityFqdn.
const ENTITY_FQDN = process.env.EXPECT_ENTITY_FQDN ?? 'wix.pro_gallery.v2.gallery';
const WAIT_MS = 20_000;
// Real Wix sends its webhooks to an app's public URL, not to this loopback receiver.
const FAKE_ONLY = REAL && 'webhooks come from the fake only (real Wix cannot reach a loopback receiver)';
const FAKE = TARGET;

async function control(method, path, body) {
  const response = await fetch(`${FAKE}/_fake/webhooks${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  assert.equal(response.status, 200, JSON.stringify(json));
  return json;
}

/** An SDK client that verifies webhooks with `publicKey` and records, in
 * order, which handler got what. */
function webhookClient(appId, publicKey) {
  const client = createClient({ modules: { proGallery }, auth: AppStrategy({ appId, publicKey }) });
  const handled = [];
  for (const name of HANDLERS) {
    client.proGallery[name]((envelope) => {
      handled.push({ handler: name, ...envelope });
    });
  }
  return { client, handled };
}

function asRequest(body) {
  return new Request('http://receiver.test/webhooks', { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
}

let keys;
let sdk;
let server;
let subscription;
const bodies = [];
const rejected = [];
let arrived = () => {};

before(async () => {
  if (REAL) return;
  keys = await control('GET', '/public-key');
  sdk = webhookClient(keys.appId, keys.publicKey);
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push({ body, contentType: req.headers['content-type'] });
      try {
        await sdk.client.webhooks.processRequest(asRequest(body));
        res.writeHead(200).end();
      } catch (error) {
        rejected.push(String(error?.stack ?? error));
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
      arrived();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/webhooks`;
  subscription = await control('POST', '', { url, siteId });
});

after(async () => {
  if (subscription) await control('DELETE', `/${subscription.id}`);
  if (server) await new Promise((resolve) => server.close(resolve));
});

/** Wait (no sleeping: each arrival re-checks) until `count` handlers ran. */
async function handledCount(count) {
  const deadline = Date.now() + WAIT_MS;
  while (sdk.handled.length + rejected.length < count) {
    const left = deadline - Date.now();
    assert.ok(left > 0, `only ${sdk.handled.length} of ${count} webhooks handled; rejected: ${rejected.join('\n')}`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, left);
      arrived = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  assert.deepEqual(rejected, [], 'the SDK rejected webhooks');
  return sdk.handled;
}

/** The site's delivery log once no entry is pending: in async mode the sender
 * records an attempt just after the receiver answered it. */
async function settledLog() {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const log = await control('GET', `/deliveries?siteId=${siteId}`);
    if (!log.deliveries.some((entry) => entry.state === 'pending')) return log;
    assert.ok(Date.now() < deadline, `deliveries still pending: ${JSON.stringify(log.counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('every proGallery.on* handler fires, in order, with the right entity, data and ids', { skip: FAKE_ONLY }, async () => {
  // 1. create with two items, 2. update (rename, change one item, add one)
  const gallery = await pg.createGallery({ gallery: { name: 'hooks', items: [imageItem('a'), textItem('b')] } });
  const [a, b] = gallery.items.map((i) => i._id);
  await pg.updateGallery(gallery._id, { name: 'hooks renamed', items: [{ _id: a, title: 'a2' }, textItem('c')] });
  const c = (await pg.listGalleryItems(gallery._id)).items.find((i) => i.title === 'c')._id;
  // 3. item create / update / delete, 4. bulk delete
  const d = (await pg.createGalleryItem(gallery._id, textItem('d')))._id;
  await pg.updateGalleryItem({ galleryId: gallery._id, itemId: d }, { title: 'd2' });
  await pg.deleteGalleryItem({ galleryId: gallery._id, itemId: d });
  await pg.bulkDeleteGalleryItems(gallery._id, [b]);
  // 5. clone (items a and c remain), 6. delete the source gallery (cascade)
  const clone = await pg.createGallery({ cloneFromGalleryId: gallery._id });
  await pg.deleteGallery(gallery._id);

  const expected = [
    ['onGalleryCreated', gallery._id],
    ['onGalleryItemCreated', gallery._id, a],
    ['onGalleryItemCreated', gallery._id, b],
    ['onGalleryUpdated', gallery._id],
    ['onGalleryItemUpdated', gallery._id, a],
    ['onGalleryItemCreated', gallery._id, c],
    ['onGalleryItemCreated', gallery._id, d],
    ['onGalleryItemUpdated', gallery._id, d],
    ['onGalleryItemDeleted', gallery._id, d],
    ['onGalleryItemDeleted', gallery._id, b],
    ['onGalleryCreated', clone._id],
    ['onGalleryItemCreated', clone._id, clone.items[0]._id],
    ['onGalleryItemCreated', clone._id, clone.items[1]._id],
    ['onGalleryItemDeleted', gallery._id, a],
    ['onGalleryItemDeleted', gallery._id, c],
    ['onGalleryDeleted', gallery._id],
  ];
  const handled = await handledCount(expected.length);
  const itemIdOf = (e) => e.data?.item?._id ?? e.data?.updatedItem?._id ?? e.data?.itemId;
  assert.deepEqual(
    handled.map((e) => [e.handler, e.metadata.entityId, itemIdOf(e)].filter(Boolean)),
    expected,
  );

  // Gallery events carry the gallery without items, as Wix does.
  const [created, , , updated] = handled;
  assert.equal(created.entity._id, gallery._id);
  assert.equal(created.entity.name, 'hooks');
  assert.deepEqual(created.entity.items, []);
  assert.equal(created.entity.totalItems, 2);
  assert.ok(created.entity._createdDate instanceof Date);
  assert.equal(updated.entity.name, 'hooks renamed');
  assert.equal(updated.entity.totalItems, 3);
  // Item events carry the item in SDK shape (renamed keys, wix: media strings).
  assert.equal(handled[1].data.item.title, 'a');
  assert.match(handled[1].data.item.image.imageInfo, /^wix:image:\/\/v1\//);
  assert.equal(handled[4].data.updatedItem.title, 'a2');
  assert.equal(handled[7].data.updatedItem.title, 'd2');
  assert.ok(!('entity' in handled[15]), 'a deleted gallery carries no entity');

  // Only the cascade carries originatedFrom.
  const cascade = handled.slice(13, 15);
  for (const e of cascade) assert.equal(e.metadata.originatedFrom, 'Gallery Deleted');
  for (const e of [handled[8], handled[9]]) assert.equal(e.metadata.originatedFrom, undefined);

  // The envelope: metadata from the domain event and the webhook claims.
  const ids = new Set();
  const sequences = new Map(); // entityEventSequence counts per entity (gallery)
  for (const e of handled) {
    const m = e.metadata;
    assert.equal(m.entityFqdn, ENTITY_FQDN);
    assert.equal(m.accountInfo.siteId, siteId, 'metadata.accountInfo.siteId');
    assert.match(m.accountInfo.accountId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(m.identity, { identityType: 'APP', appId: keys.appId });
    assert.match(m.instanceId, /^[0-9a-f-]{36}$/);
    assert.equal(m.instanceId, handled[0].metadata.instanceId, 'one instance id per site');
    assert.ok(m.eventTime instanceof Date && !Number.isNaN(m.eventTime.getTime()));
    assert.equal(m.triggeredByAnonymizeRequest, false);
    const sequence = Number(m.entityEventSequence);
    assert.equal(sequence, (sequences.get(m.entityId) ?? 0) + 1, 'entityEventSequence counts per entity');
    sequences.set(m.entityId, sequence);
    ids.add(m._id);
  }
  assert.equal(ids.size, handled.length, 'every event has its own id');
  assert.ok(bodies.every((b) => b.contentType === 'text/plain'));
  assert.ok(bodies.every((b) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(b.body)), 'a bare compact JWT');

  // The fake's delivery log agrees: everything delivered at the first attempt.
  const log = await settledLog();
  assert.equal(log.deliveries.length, expected.length);
  for (const entry of log.deliveries) {
    assert.equal(entry.state, 'delivered', JSON.stringify(entry.attempts));
    assert.equal(entry.attempts.length, 1);
    assert.equal(entry.attempts[0].status, 200);
    assert.equal(entry.instanceId, handled[0].metadata.instanceId);
  }
  assert.deepEqual(
    log.deliveries.map((entry) => entry.eventType.slice(PREFIX.length + 1)),
    handled.map((e) => e.metadata.slug),
  );
});

test('the base64 form of the key verifies too; another key, a changed token and an unregistered event type are refused', { skip: FAKE_ONLY }, async () => {
  await pg.createGallery({ gallery: { name: 'one more' } });
  await handledCount(17);
  const token = bodies.at(-1).body;

  const base64 = webhookClient(keys.appId, keys.publicKeyBase64);
  await base64.client.webhooks.processRequest(asRequest(token));
  assert.equal(base64.handled.length, 1);
  assert.equal(base64.handled[0].handler, 'onGalleryCreated');
  assert.equal(base64.handled[0].entity.name, 'one more');

  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = webhookClient(keys.appId, publicKey.export({ type: 'spki', format: 'pem' }));
  await assert.rejects(stranger.client.webhooks.processRequest(asRequest(token)), /signature/i);
  assert.equal(stranger.handled.length, 0);

  const [head, claims, signature] = token.split('.');
  const forged = JSON.parse(Buffer.from(claims, 'base64url').toString());
  forged.data = forged.data.replace('one more', 'forged');
  const changed = [head, Buffer.from(JSON.stringify(forged)).toString('base64url'), signature].join('.');
  await assert.rejects(sdk.client.webhooks.process(changed), /signature/i);

  // Nothing registered for the event type: the SDK refuses it.
  const other = createClient({ modules: { proGallery }, auth: AppStrategy({ appId: keys.appId, publicKey: keys.publicKey }) });
  other.proGallery.onGalleryDeleted(() => {});
  await assert.rejects(other.webhooks.process(token), /Unexpected event type/);
});
