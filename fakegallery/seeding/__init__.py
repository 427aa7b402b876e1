"""Seeding a fake with data: fixture files (fixtures.py) and generated demo
data (demo.py, which needs the `demo` extra)."""
