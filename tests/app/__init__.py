"""Tests package (so any subset collects with relative helper imports)."""
