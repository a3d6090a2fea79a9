"""Writing PDFs: generate, fill, tagging, the viewer script, print copies, archiving."""
