"""Aurora customer-service bot framework: the parts that are ours, not Rasa's."""
