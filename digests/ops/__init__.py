"""Operations: metrics for /metrics and the figures /stats shows."""
