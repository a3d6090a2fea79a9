"""The form as data: definition, value formats, page layout (no PDF objects)."""
