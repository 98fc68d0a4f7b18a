"""Human handoff: escalated conversations ("cases") that agents work in the console.

    db.py        the tables (SQLite by default, PostgreSQL in production, same code)
    store.py     cases, their transcript, notes, CSAT; claims that only one agent can win
    accounts.py  agents, hashed passwords, expiring sessions, login rate limit
    context.py   what the agent gets from a Rasa tracker: transcript, intents, slots
    triage.py    why the bot hands off, how urgent it is, the two-line summary
    hours.py     support hours and the queue's wait estimate (shop/support.yml)
    relay.py     Rasa event broker that copies a waiting customer's messages into their case
    rasa_api.py  the console's way to talk in a conversation: Rasa's HTTP API
"""
