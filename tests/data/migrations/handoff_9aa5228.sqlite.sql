PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE handoff_agents (
	username VARCHAR(64) NOT NULL, 
	display_name VARCHAR(128) NOT NULL, 
	password_hash VARCHAR(256) NOT NULL, 
	created_at FLOAT NOT NULL, 
	last_seen_at FLOAT, 
	PRIMARY KEY (username)
);
INSERT INTO handoff_agents VALUES('ana','Ana','scrypt$x',1764600000.0,NULL);
CREATE TABLE handoff_login_failures (
	id INTEGER NOT NULL, 
	"key" VARCHAR(160) NOT NULL, 
	at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE handoff_cases (
	id INTEGER NOT NULL, 
	conversation_id VARCHAR(256) NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	reason VARCHAR(32) NOT NULL, 
	base_priority INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	agent VARCHAR(64), 
	customer_key VARCHAR(256), 
	customer_name VARCHAR(256), 
	contact VARCHAR(256), 
	summary TEXT NOT NULL, 
	context JSON NOT NULL, 
	created_at FLOAT NOT NULL, 
	claimed_at FLOAT, 
	closed_at FLOAT, 
	csat INTEGER, 
	csat_at FLOAT, 
	PRIMARY KEY (id)
);
INSERT INTO handoff_cases VALUES(7,'conv-7','rest','es','asked_for_person',2,'assigned','ana','C001','Lucía','lucia@example.com','Quiere devolver unas zapatillas','{"order_id": "A1001"}',1764600100.0,1764600200.0,NULL,NULL,NULL);
CREATE TABLE handoff_changes (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO handoff_changes VALUES(1,7,1764600202.0);
CREATE TABLE handoff_sessions (
	token_hash VARCHAR(64) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	created_at FLOAT NOT NULL, 
	expires_at FLOAT NOT NULL, 
	PRIMARY KEY (token_hash), 
	FOREIGN KEY(username) REFERENCES handoff_agents (username)
);
CREATE TABLE handoff_messages (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	sender VARCHAR(16) NOT NULL, 
	text TEXT NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	buttons JSON, 
	timestamp FLOAT NOT NULL, 
	channel VARCHAR(32), 
	agent VARCHAR(64), 
	delivered BOOLEAN, 
	event_key VARCHAR(64), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_handoff_message_event UNIQUE (case_id, event_key), 
	FOREIGN KEY(case_id) REFERENCES handoff_cases (id)
);
INSERT INTO handoff_messages VALUES(1,7,'customer','quiero hablar con una persona','message',NULL,1764600101.0,'rest',NULL,NULL,'user@1764600101.0');
INSERT INTO handoff_messages VALUES(2,7,'agent','Hola Lucía, soy Ana','message',NULL,1764600201.0,NULL,'ana',1,NULL);
CREATE TABLE handoff_notes (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	agent VARCHAR(64) NOT NULL, 
	text TEXT NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES handoff_cases (id)
);
INSERT INTO handoff_notes VALUES(1,7,'ana','cliente VIP',1764600202.0);
CREATE INDEX ix_handoff_login_failures_key ON handoff_login_failures ("key");
CREATE INDEX ix_handoff_cases_conversation_id ON handoff_cases (conversation_id);
CREATE INDEX ix_handoff_cases_customer_key ON handoff_cases (customer_key);
CREATE INDEX ix_handoff_cases_status ON handoff_cases (status);
CREATE INDEX ix_handoff_sessions_expires_at ON handoff_sessions (expires_at);
CREATE INDEX ix_handoff_messages_case_id ON handoff_messages (case_id);
CREATE INDEX ix_handoff_notes_case_id ON handoff_notes (case_id);
COMMIT;
