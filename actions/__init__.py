"""rasa-sdk actions. Thin: they call bot/ and utter responses from domain.yml."""
