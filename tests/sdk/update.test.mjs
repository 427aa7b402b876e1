// updateGallery, updateGalleryItem and the round trip that sends a fetched SDK
// object back with `_id` and read-only fields (docs/behaviour.md §13.2, §3; docs/behaviour.md §5.6,
// §5.11, §6.5).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  IMAGE,
  SPACED_IMAGE,
  YOUTUBE,
  assertDate,
  imageItem,
  setup,
  textItem,
} from './helpers.mjs';

const { pg, calls } = setup();

test('updateGallery(id, {name}) renames and keeps the items', async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc before', items: [imageItem('a'), textItem('b')] } });
  const updated = await pg.updateGallery(gallery._id, { name: 'acc renamed' });
  const sent = calls.at(-1);
  assert.equal(sent.method, 'PATCH');
  assert.equal(sent.path, `/progallery/v2/galleries/${gallery._id}`);
  assert.deepEqual(sent.body, { gallery: { name: 'acc renamed', id: gallery._id } });
  assert.equal(updated._id, gallery._id);
  assert.equal(updated.name, 'acc renamed');
  assert.equal(updated.totalItems, 2);
  assert.deepEqual(updated.items.map((i) => i._id), gallery.items.map((i) => i._id));
  assert.equal(updated.sortOrder, gallery.sortOrder, 'fields not sent stay as they were');
  assert.equal(updated._createdDate.getTime(), gallery._createdDate.getTime());
  const fetched = await pg.getGallery(gallery._id);
  assert.equal(fetched.name, 'acc renamed');
});

test('updateGallery with items: an item with an id is patched, one without is added', async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc items', items: [imageItem('old title')] } });
  const [first] = gallery.items;
  const updated = await pg.updateGallery(gallery._id, {
    items: [{ _id: first._id, title: 'new title' }, { title: 'added', video: { videoInfo: YOUTUBE } }],
  });
  assert.equal(updated.totalItems, 2);
  assert.equal(updated.items[0]._id, first._id);
  assert.equal(updated.items[0].title, 'new title');
  assert.equal(updated.items[0].image.imageInfo, IMAGE, 'the media of a patched item stays');
  assert.equal(updated.items[1].title, 'added');
  assert.equal(updated.items[1].video.type, 'YOUTUBE');
  assert.equal(updated.name, 'acc items');
});

test('updateGalleryItem patches only the fields sent and returns the whole item', async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc item patch' } });
  const item = await pg.createGalleryItem(gallery._id, imageItem('Sunset', IMAGE, { description: 'orig' }));
  const updated = await pg.updateGalleryItem(
    { galleryId: gallery._id, itemId: item._id },
    { title: 'Sunset (edited)', description: 'edited description' },
  );
  const sent = calls.at(-1);
  assert.equal(sent.method, 'PATCH');
  assert.equal(sent.path, `/progallery/v2/galleries/${gallery._id}/items/${item._id}`);
  assert.deepEqual(sent.body, {
    galleryId: gallery._id,
    item: { title: 'Sunset (edited)', description: 'edited description', id: item._id },
  });
  assert.equal(updated._id, item._id);
  assert.equal(updated.title, 'Sunset (edited)');
  assert.equal(updated.description, 'edited description');
  assert.equal(updated.type, 'IMAGE');
  assert.equal(updated.image.imageInfo, IMAGE);
  assert.equal(updated.sortOrder, item.sortOrder);
  assert.equal(updated._createdDate.getTime(), item._createdDate.getTime());
  assertDate(updated._updatedDate, 'item._updatedDate');
  assert.ok(updated._updatedDate >= item._updatedDate);

  const switched = await pg.updateGalleryItem(
    { galleryId: gallery._id, itemId: item._id },
    { text: { html: '<p>now text</p>' } },
  );
  assert.equal(switched.type, 'TEXT', 'new media switches the type');
  assert.equal(switched.image, undefined, 'and clears the old media');
  assert.equal(switched.title, 'Sunset (edited)');
});

test('round trip: a fetched item sent back whole, with _id and read-only fields', async () => {
  const gallery = await pg.createGallery({
    gallery: {
      name: 'acc round trip',
      items: [imageItem('Linked image', SPACED_IMAGE, { link: { text: 'Visit', url: 'https://example.com/x' } })],
    },
  });
  const fetched = await pg.getGalleryItem({ galleryId: gallery._id, itemId: gallery.items[0]._id });
  const updated = await pg.updateGalleryItem(
    { galleryId: gallery._id, itemId: fetched._id },
    { ...fetched, title: 'Linked image (round-trip)' },
  );
  const sent = calls.at(-1).body.item;
  // docs/behaviour.md §13.3: both `_id` and `id` go out, with the dates, type and wix: url.
  assert.equal(sent._id, fetched._id);
  assert.equal(sent.id, fetched._id);
  assert.equal(sent.type, 'IMAGE');
  assert.match(sent.createdDate, /\.000Z$/);
  assert.equal(sent.image.imageInfo.url, SPACED_IMAGE);

  assert.equal(updated.title, 'Linked image (round-trip)');
  assert.equal(updated._id, fetched._id);
  assert.equal(updated.type, 'IMAGE');
  assert.equal(updated.image.imageInfo, SPACED_IMAGE, 'imageInfo comes back unchanged');
  assert.deepEqual(updated.link, fetched.link);
  assert.equal(updated.sortOrder, fetched.sortOrder);
  assert.equal(updated._createdDate.getTime(), fetched._createdDate.getTime());
  const again = await pg.getGalleryItem({ galleryId: gallery._id, itemId: fetched._id });
  assert.deepEqual({ ...again, _updatedDate: null }, { ...updated, _updatedDate: null });
});

test('round trip: a fetched gallery sent back whole keeps its items (no duplicates)', async () => {
  const gallery = await pg.createGallery({
    gallery: { name: 'acc gallery round trip', items: [imageItem('one'), textItem('two')] },
  });
  const fetched = await pg.getGallery(gallery._id);
  // the SDK renames keys inside the objects it is given, so note the ids first
  const itemIds = fetched.items.map((i) => i._id);
  const updated = await pg.updateGallery(fetched._id, { ...fetched, name: 'acc gallery round trip 2' });
  const sent = calls.at(-1).body.gallery;
  assert.equal(sent.id, fetched._id);
  assert.equal(sent.totalItems, 2, 'the read-only totalItems goes out too');
  assert.equal(updated.name, 'acc gallery round trip 2');
  assert.equal(updated.totalItems, 2);
  assert.deepEqual(updated.items.map((i) => i._id), itemIds);
  assert.deepEqual(sent.items.map((i) => i.id), itemIds, 'items go out with their ids');
  assert.deepEqual(updated.items.map((i) => i.title), ['one', 'two']);
  assert.equal(updated.items[0].image.imageInfo, IMAGE);
  assert.equal(updated._createdDate.getTime(), fetched._createdDate.getTime());
});
