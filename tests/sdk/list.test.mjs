// listGalleries: the page of at most 10 galleries, offset paging, itemLimit per
// gallery (docs/behaviour.md §13.2, 5.1, §6.2). This file owns its site: 12 galleries.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { assertDate, assertViolation, imageItem, sdkError, setup, textItem } from './helpers.mjs';

const { pg, calls } = setup();
const created = [];

before(async () => {
  for (let n = 0; n < 12; n += 1) {
    const items = Array.from({ length: n % 4 }, (_, k) => (k % 2 ? textItem(`t${k}`) : imageItem(`i${k}`)));
    created.push(await pg.createGallery({ gallery: { name: `acc list ${String(n).padStart(2, '0')}`, items } }));
  }
});

test('listGalleries() sends no query and returns the first 10 of 12, oldest first', async () => {
  const page = await pg.listGalleries();
  assert.equal(calls.at(-1).path, '/progallery/v2/galleries');
  assert.equal(calls.at(-1).query, '', 'unset options are left out entirely');
  assert.equal(page.totalGalleries, 12);
  assert.equal(page.galleries.length, 10, 'one call returns at most 10 galleries');
  assert.deepEqual(page.galleries.map((g) => g._id), created.slice(0, 10).map((g) => g._id));
  for (const [index, gallery] of page.galleries.entries()) {
    assertDate(gallery._createdDate, 'gallery._createdDate');
    assert.equal(gallery.totalItems, index % 4);
    assert.equal(gallery.items.length, index % 4);
  }
});

test('listGalleries({offset}) pages through the rest', async () => {
  const rest = await pg.listGalleries({ offset: 10 });
  assert.equal(calls.at(-1).query, '?offset=10');
  assert.equal(rest.totalGalleries, 12);
  assert.deepEqual(rest.galleries.map((g) => g.name), ['acc list 10', 'acc list 11']);
  const none = await pg.listGalleries({ offset: 12 });
  assert.deepEqual(none.galleries, []);
  assert.equal(none.totalGalleries, 12);
});

test('listGalleries({limit, offset, itemLimit}) cuts galleries and items per gallery', async () => {
  const page = await pg.listGalleries({ limit: 3, offset: 2, itemLimit: 1 });
  assert.equal(calls.at(-1).query, '?itemLimit=1&offset=2&limit=3', 'the SDK payload order');
  assert.deepEqual(page.galleries.map((g) => g.name), ['acc list 02', 'acc list 03', 'acc list 04']);
  assert.deepEqual(page.galleries.map((g) => g.totalItems), [2, 3, 0], 'totalItems stays the full count');
  assert.deepEqual(page.galleries.map((g) => g.items.length), [1, 1, 0]);
  assert.equal(page.galleries[0].items[0]._id, created[2].items[0]._id);
});

test('listGalleries({limit: 11}) is a validation error on limit', async () => {
  const error = await sdkError(() => pg.listGalleries({ limit: 11 }));
  assertViolation(error, 'options.limit', 'MAX'); // SDK argument name (docs/behaviour.md §7.3)
});
