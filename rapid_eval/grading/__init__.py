"""The scoring stage: score a run's answers with the benchmarks' rules and an optional LLM judge."""
