"""JSON Schema, AsyncAPI and compatibility checks, all generated from the models in code."""
