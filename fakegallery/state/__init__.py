"""The fake's state, without Flask: every stateful part is a component.

Each component (store, clock, ids, per-site settings, events, live model,
media library, server errors) implements the same small protocol
(component.py): reset, drop one site, dump and restore.
`fakegallery.fake.FakeGallery` composes them, so a reset, a per-site drop or a
snapshot is written once, in `Components`.
"""
