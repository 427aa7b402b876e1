// Fault rules seen through the official SDK (docs/journal-and-faults.md): a
// 503 on one create, 429s then success, a delayed call, and the journal's view
// of them. Rules are added over HTTP, bound to this file's site. Against real
// Wix (REAL mode) there are no fault rules: every test here is skipped.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { REAL, TARGET, assertAppError, imageItem, sdkError, setup } from './helpers.mjs';

const { pg, siteId } = setup();
const FAKE_ONLY = { skip: REAL && 'fault rules and the journal exist only in the fake' };

async function control(method, path, body) {
  const response = await fetch(TARGET + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  assert.equal(response.status, 200, JSON.stringify(json));
  return json;
}

function fault(operation, action, extra = {}) {
  return control('POST', '/_fake/faults', { match: { operation, siteId }, action, ...extra });
}

afterEach(() => (REAL ? undefined : control('DELETE', `/_fake/faults?siteId=${siteId}`)));

test('the 2nd createGalleryItem fails with 503; the 1st and 3rd succeed', FAKE_ONLY, async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc faults' } });
  const rule = await fault('createGalleryItem', { status: 503 }, { after: 1, times: 1 });
  const first = await pg.createGalleryItem(gallery._id, imageItem('one'));
  const error = await sdkError(() => pg.createGalleryItem(gallery._id, imageItem('two')));
  assertAppError(error, 503, 'UNAVAILABLE');
  assert.equal(error.details.applicationError.data.faultId, rule.id);
  const third = await pg.createGalleryItem(gallery._id, imageItem('three'));
  const items = (await pg.listGalleryItems(gallery._id)).items;
  assert.deepEqual(items.map((i) => i._id), [first._id, third._id], 'the failed create stored nothing');
  const seen = await control('GET', `/_fake/faults/${rule.id}`);
  assert.deepEqual([seen.seen, seen.hits, seen.active], [2, 1, false]);
});

test('429 three times, then success: the SDK surfaces status 429 and the code', FAKE_ONLY, async () => {
  await fault('listGalleries', { status: 429 }, { times: 3 });
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const error = await sdkError(() => pg.listGalleries());
    assertAppError(error, 429, 'TOO_MANY_REQUESTS');
  }
  const listed = await pg.listGalleries();
  assert.equal(typeof listed.totalGalleries, 'number');
  const journal = await control(
    'GET', `/_fake/requests?siteId=${siteId}&operation=listGalleries&status=429`);
  assert.equal(journal.total, 3);
  for (const entry of journal.requests) {
    assert.equal(entry.responseHeaders['retry-after'], '1');
    assert.equal(entry.errorCode, 'TOO_MANY_REQUESTS');
    assert.equal(entry.prefix, '/progallery/v2');
  }
});

test('a delayed call answers, late, with the real result', FAKE_ONLY, async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc delay' } });
  await fault('getGallery', { delayMs: 150 }, { times: 1 });
  const started = performance.now();
  const fetched = await pg.getGallery(gallery._id);
  const elapsed = performance.now() - started;
  assert.equal(fetched._id, gallery._id);
  assert.ok(elapsed >= 150, `answered after ${elapsed} ms`);
  const journal = await control(
    'GET', `/_fake/requests?siteId=${siteId}&operation=getGallery&limit=1`);
  const [entry] = journal.requests;
  assert.equal(entry.status, 200);
  assert.equal(entry.fault.delayMs, 150);
  assert.ok(entry.durationMs >= 150);
});
