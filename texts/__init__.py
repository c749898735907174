"""User-facing copy, one module per journey (see ``texts.common``)."""
