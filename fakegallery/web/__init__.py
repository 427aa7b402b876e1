"""The small web layer the route modules share: request parsing (request.py),
the HTTP policy of each area (policy.py) and the opt-in wire log (wirelog.py)."""
