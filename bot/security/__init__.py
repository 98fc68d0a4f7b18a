"""What the bot trusts, and how it checks it: the secret shared by the Rasa server and the
action server, proofs of identity the actions sign, and the limits on guessing."""
