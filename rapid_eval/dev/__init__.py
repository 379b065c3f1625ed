"""Development helpers: tiny offline models and a local OpenAI-compatible server for tests and demos."""
