"""How the shop's customer service is doing, from what the bot already stores.

    settings.py       costs and the NPS sampling rate (shop/insights.yml)
    conversations.py  Rasa's tracker events → one record per conversation (a Rasa session)
    reading.py        a date range's conversations, cases, first agent replies and survey answers
    metrics.py        the definitions: contained, FCR, response times, resolution, CSAT, NPS, CES, cost
    churn.py          customers whose last contact went badly and who haven't ordered since
    operations.py     contact reasons by product category, late carriers, damaged products, not understood
    charts.py         the page's pictures, as SVG
    formatting.py     the same figures as a table, JSON or CSV
    surveys.py        asking NPS and effort (whether to ask, the answers' storage)
    demo_traffic.py   `python -m bot demo-traffic N`: generated conversations through the running bot
"""
