"""SQL text to SQL text: parsing, semantic rules and generation; pure, no I/O."""
