"""Reading on demand: the newest articles, finding one, and its summary."""
