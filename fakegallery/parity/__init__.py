"""The parity harness (docs/parity.md): the same scenarios against the fake and
against real Wix, answers compared as normalised snapshots with provenance."""
