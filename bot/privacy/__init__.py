"""Customers' data under their control: erase, export, retention, masking and the audit log.

| module | its one job |
|---|---|
| config.py | shop/privacy.yml: retention days, transcript masking, the notice's link |
| subject.py | who a request is about: an email, phone, customer id or conversation id, checked and bounded |
| places.py | where the project keeps customer data (tracker store, handoff store, review files, broker) |
| ../tracker_events.py | Rasa's `events` table: find, read and delete conversations (shared with `make review` and the insights) |
| case_records.py | the handoff store's cases: find, read, anonymise |
| finding.py | all of a person's conversations and cases |
| review_files.py | the editors' review outputs (reports/review.yml, review.json) |
| erase_event.py | tells the RabbitMQ stream's consumers that conversations were erased |
| erase.py | erase a person, store by store |
| export.py | one JSON document of what is held about a person |
| retention.py | delete or anonymise what is older than shop/privacy.yml allows |
| masking.py | card numbers (Luhn), emails and phones hidden in text |
| log_masking.py | every log line of the process masked |
| transcripts.py | what the handoff store writes into a transcript or note (cards never; contacts on option) |
| audit.py | who viewed, exported or erased which case or customer, and when |
| cli.py | `python -m bot privacy erase|export|retain|audit` |
"""
