"""How the shop's customer service is doing, from what the bot already stores.

    settings.py       costs and the NPS sampling rate (shop/insights.yml)
    conversations.py  Rasa's tracker events → one record per conversation (a Rasa session)
    fold.py           the same, one event at a time: a conversation's summary kept up to date
    rollups.py        the summaries' rows in the handoff store (the relay feeds them), read by date range
    feed.py           the relay broker's background writer of the rollups
    backfill.py       `python -m bot insights backfill`: the rollups rebuilt from the tracker store
    reading.py        a date range's conversations, cases, first agent replies and survey answers
    rollup_figures.py GET /api/insights and `kpis` from the rollups, added up by the database
    metrics.py        the definitions: contained, FCR, response times, resolution, CSAT, NPS, CES, cost
    churn.py          customers whose last contact went badly and who haven't ordered since
    operations.py     contact reasons by product category, late carriers, damaged products, not understood
    charts.py         the page's pictures, as SVG
    formatting.py     the same figures as a table, JSON or CSV
    surveys.py        asking NPS and effort (whether to ask, the answers' storage)
    demo_traffic.py   `python -m bot demo-traffic N`: generated conversations through the running bot
"""
