from bot.session_events import this_session


def test_only_the_events_after_the_latest_session_start():
    hello, again, now = ({"event": "user", "text": t} for t in ("hola", "sigo aquí", "no, gracias"))
    start = {"event": "action", "name": "action_session_start"}
    assert this_session([hello, start, again, start, now]) == [now]
    assert this_session([hello, again]) == [hello, again]  # a conversation from before sessions
    assert this_session([hello, start]) == []
