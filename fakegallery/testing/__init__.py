"""What tests use: the in-process server (server.py), the socket-free
`requests` transport (transport.py) and the per-test site handle (handle.py)
that the pytest plugin (fakegallery.pytest_plugin) hands out, which reaches
its fake in-process (control.py) or over HTTP (external.py)."""
