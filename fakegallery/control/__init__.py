"""The control plane under /_fake/: test hooks that are not part of the Wix API
(health, reset, sites, state, events, clock, the operations table)."""
