// The suite's own safety net, and the transport the SDK uses: the real Wix API is
// unreachable, ApiKeyStrategy sends the raw key and the site id (docs/behaviour.md §3.1, §10).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { proGallery } from '@wix/pro-gallery';

import { API_KEY, REAL, refused, rewritingFetch, setup } from './helpers.mjs';

const ONE_REAL_SITE = REAL && 'against real Wix the suite has one site and may reach it';

test('a direct fetch to the real Wix API is refused', { skip: ONE_REAL_SITE }, async () => {
  for (const url of ['https://www.wixapis.com/progallery/v2/galleries', 'https://www.wix.com/', 'https://example.com/']) {
    await assert.rejects(fetch(url), /refused a request/, url);
  }
});

test('an SDK client without the rewriting fetch cannot reach Wix', { skip: ONE_REAL_SITE }, async () => {
  const stray = createClient({ modules: { proGallery }, auth: ApiKeyStrategy({ apiKey: 'k', siteId: 's' }) });
  refused.length = 0;
  // The SDK replaces the guard's error with "System error occurred: {}".
  await assert.rejects(stray.proGallery.listGalleries());
  assert.deepEqual(refused, ['https://www.wixapis.com/progallery/v2/galleries']);
});

test('the rewriting fetch refuses any host that is not a Wix API host', async () => {
  const rewrite = rewritingFetch([]);
  await assert.rejects(rewrite('https://example.com/progallery/v2/galleries'), /not a Wix API host/);
  await assert.rejects(rewrite('https://wixapis.com.evil.test/progallery/v2/galleries'), /not a Wix API host/);
  await assert.rejects(rewrite('http://www.wixapis.com/progallery/v2/galleries'), /not a Wix API host/);
});

test('ApiKeyStrategy: raw key, wix-site-id, the /progallery/v2 prefix, no token call', async () => {
  const { pg, siteId, calls } = setup();
  const result = await pg.listGalleries();
  assert.deepEqual(result, { totalGalleries: 0, galleries: [] }, 'a fresh site is empty');
  assert.equal(calls.length, 1, 'ApiKeyStrategy makes no token call');
  const [call] = calls;
  assert.equal(call.host, 'www.wixapis.com');
  assert.equal(call.path, '/progallery/v2/galleries');
  assert.equal(call.headers.authorization, API_KEY, 'the raw key, no Bearer');
  assert.equal(call.headers['wix-site-id'], siteId);
  assert.match(call.headers['x-wix-bi-gateway'], /method-fqn=com\.wixpress\.exposure\.progallery\.ProGallery\.ListGalleries/);
});

test('sites are separate: a gallery on one site is not seen from another', { skip: ONE_REAL_SITE }, async () => {
  const one = setup();
  const two = setup();
  const gallery = await one.pg.createGallery({ gallery: { name: 'acc site one' } });
  assert.equal((await one.pg.listGalleries()).totalGalleries, 1);
  assert.equal((await two.pg.listGalleries()).totalGalleries, 0);
  const error = await two.pg.getGallery(gallery._id).catch((e) => e);
  assert.equal(error.status, 404);
});
