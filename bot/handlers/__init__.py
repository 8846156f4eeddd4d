"""Command and button handlers, one module per feature; each turns a request into messages."""
