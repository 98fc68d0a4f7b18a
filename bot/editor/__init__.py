"""What content editors run: `make train` (validate, train, evaluate, promote), `make eval`'s
report, `make review` (what customers asked that the bot didn't understand)."""
