// getGallery with item paging, listGalleryItems, getGalleryItem through the
// official SDK (docs/behaviour.md §13.2, 5.2–§5.4, §6.2).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { IMAGE, assertDate, imageItem, parseWixImage, setup } from './helpers.mjs';

const { pg, calls } = setup();
let gallery;

before(async () => {
  const items = Array.from({ length: 5 }, (_, n) => imageItem(`Photo ${n}`));
  gallery = await pg.createGallery({ gallery: { name: 'acc paging', items } });
  assert.equal(gallery.totalItems, 5);
});

test('getGallery without options: every item, totalItems, Dates', async () => {
  const got = await pg.getGallery(gallery._id);
  assert.equal(calls.at(-1).query, `?galleryId=${gallery._id}`, 'the SDK repeats the path id in the query');
  assert.equal(got._id, gallery._id);
  assert.equal(got.name, 'acc paging');
  assert.equal(got.totalItems, 5);
  assert.deepEqual(got.items.map((i) => i.title), ['Photo 0', 'Photo 1', 'Photo 2', 'Photo 3', 'Photo 4']);
  assertDate(got._createdDate, 'gallery._createdDate');
  assert.equal(got._createdDate.getTime(), gallery._createdDate.getTime());
  for (const item of got.items) {
    assertDate(item._updatedDate, 'item._updatedDate');
    assert.equal(parseWixImage(item.image.imageInfo).width, 6446);
  }
});

test('getGallery({itemOffset, itemLimit}) returns the slice and the full totalItems', async () => {
  const page = await pg.getGallery(gallery._id, { itemOffset: 1, itemLimit: 2 });
  assert.equal(calls.at(-1).query, `?galleryId=${gallery._id}&itemOffset=1&itemLimit=2`);
  assert.equal(page.totalItems, 5, 'totalItems counts the whole gallery (docs/behaviour.md §4.1)');
  assert.deepEqual(page.items.map((i) => i._id), gallery.items.slice(1, 3).map((i) => i._id));
  const last = await pg.getGallery(gallery._id, { itemOffset: 4, itemLimit: 10 });
  assert.deepEqual(last.items.map((i) => i.title), ['Photo 4']);
  const past = await pg.getGallery(gallery._id, { itemOffset: 9 });
  assert.deepEqual(past.items, [], 'an offset past the end gives no items (docs/behaviour.md §6.2)');
  assert.equal(past.totalItems, 5);
});

test('listGalleryItems pages through the items and has no total', async () => {
  const all = await pg.listGalleryItems(gallery._id);
  assert.equal(all.items.length, 5);
  assert.equal(all.totalItems, undefined, 'listGalleryItems has no paging metadata (docs/behaviour.md §5.3)');
  const page = await pg.listGalleryItems(gallery._id, { itemOffset: 3, itemLimit: 1 });
  assert.equal(calls.at(-1).path, `/progallery/v2/galleries/${gallery._id}/items`);
  assert.equal(calls.at(-1).query, `?galleryId=${gallery._id}&itemOffset=3&itemLimit=1`);
  assert.deepEqual(page.items.map((i) => i._id), [gallery.items[3]._id]);
  assert.equal(page.items[0].image.imageInfo, IMAGE);
  assertDate(page.items[0]._createdDate, 'item._createdDate');
  const rest = await pg.listGalleryItems(gallery._id, { itemOffset: 2, itemLimit: 50 });
  assert.deepEqual(rest.items.map((i) => i.title), ['Photo 2', 'Photo 3', 'Photo 4']);
});

test('getGalleryItem returns the one item, unwrapped', async () => {
  const wanted = gallery.items[2];
  const item = await pg.getGalleryItem({ galleryId: gallery._id, itemId: wanted._id });
  assert.equal(calls.at(-1).path, `/progallery/v2/galleries/${gallery._id}/items/${wanted._id}`);
  assert.equal(calls.at(-1).query, `?galleryId=${gallery._id}&itemId=${wanted._id}`);
  assert.equal(item._id, wanted._id);
  assert.equal(item.title, 'Photo 2');
  assert.equal(item.type, 'IMAGE');
  assert.equal(item.image.imageInfo, IMAGE);
  assert.equal(item.sortOrder, wanted.sortOrder);
  assert.equal(item._createdDate.getTime(), wanted._createdDate.getTime());
});
