"""Search benchmark: synthetic corpus with ground truth, the engine and its peers."""
