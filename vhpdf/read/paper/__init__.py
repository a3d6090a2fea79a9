"""Copies without field values: page text and OCR, read inside the known layout."""
