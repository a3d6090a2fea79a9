"""Results for people and programs: table, JSON/CSV, HTML, replies, the catalogue, output files."""
