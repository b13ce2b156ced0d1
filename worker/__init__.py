"""The agent server: sessions, tools, call context and metrics."""
