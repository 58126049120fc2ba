"""The figure grammar (amounts, dates) and the rules that compare figures and compute payouts."""
