"""Builders shared by the tests and the benchmark (not an installed app, not the product): an
organisation tree, people, and dossiers walked to any state through the real services."""
