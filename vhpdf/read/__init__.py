"""Reading received files: sniffing, the field tree, extraction; paper/ for copies without fields."""
