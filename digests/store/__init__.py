"""Storage: engine and sessions, the SQL tables, and an enum for every state kept in a column."""
