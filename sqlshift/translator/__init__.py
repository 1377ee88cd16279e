"""SQL text to SQL text: parsing, semantic rules and generation; pure, no I/O."""

from sqlshift.translator.quiet import install as _install_quiet

_install_quiet()
