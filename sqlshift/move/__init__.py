"""Moving data between databases: ``migrate`` (a live copy), ``verify`` (the copy proven
equal), and the views and triggers created after the data (``objects``). All I/O goes
through the executor."""
