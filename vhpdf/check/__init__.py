"""Judging one request: result model, rules engine, print check, key facts, versions."""
