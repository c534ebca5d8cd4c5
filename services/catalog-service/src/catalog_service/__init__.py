"""The catalog of administrative procedures (TTHC) and which are received at the Center."""
