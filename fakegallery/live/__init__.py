"""The live site: what visitors see (views.py), the actions on it (actions.py),
Media Manager uploads (media.py) and their /_fake/ routes (routes.py)."""
