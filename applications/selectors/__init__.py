"""Reads on cases, scoped to what the user may see; import from the module of this package."""
