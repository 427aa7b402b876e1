"""The Pro Gallery API: the operations table (operations.py), its routes
(routes.py), request schemas and field types (schemas.py, fields.py), the rules
of every operation (api.py and the modules it mixes), the wire shape (wire.py)
and who may call (auth.py)."""
