PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE events (
	id INTEGER NOT NULL, 
	sender_id VARCHAR(255) NOT NULL, 
	type_name VARCHAR(255) NOT NULL, 
	timestamp FLOAT, 
	intent_name VARCHAR(255), 
	action_name VARCHAR(255), 
	data TEXT, 
	PRIMARY KEY (id)
);
INSERT INTO events VALUES(1,'conv-7','user',1764600101.0,'request_return',NULL,'{"event": "user", "text": "hola"}');
CREATE TABLE aurora_event_outbox (
	sender_id VARCHAR(255) NOT NULL, 
	published_id INTEGER NOT NULL, 
	PRIMARY KEY (sender_id)
);
INSERT INTO aurora_event_outbox VALUES('conv-7',1);
CREATE INDEX ix_events_sender_id ON events (sender_id);
COMMIT;
