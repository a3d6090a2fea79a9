"""Many inputs: files, folders and mails as items, isolated worker processes, orchestration."""
