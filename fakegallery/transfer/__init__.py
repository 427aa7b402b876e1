"""Export and import: the whole fake as one versioned JSON document
(document.py), checked whole (checks.py) and applied all or nothing
(importing.py), plus the command-line side (commands.py)."""
