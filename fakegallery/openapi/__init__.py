"""The OpenAPI 3.1 document of the 12 operations, built from the operations
table and the request schemas (document.py, convert.py, responses.py), and
its route (routes.py)."""
