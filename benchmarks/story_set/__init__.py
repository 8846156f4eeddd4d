"""Parts of benchmarks/stories.py: the labelled set, the grouping figures, generated articles."""
