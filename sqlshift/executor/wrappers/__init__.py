"""The drop-in wrappers of :func:`sqlshift.wrap`, one module per driver, imported on demand."""
