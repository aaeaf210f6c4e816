"""Event contract tooling: generate validators, check schemas and examples, write the catalog."""
