"""What an operator watches: /health, /ready, /metrics and one log line per request."""
