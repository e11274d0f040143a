"""The HTTP edge of Case Graph: the starlette app, settings, and the ``casegraph`` command."""
