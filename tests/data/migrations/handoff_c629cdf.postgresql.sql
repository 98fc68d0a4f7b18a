--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: handoff_agents; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE handoff_agents (
    username character varying(64) NOT NULL,
    display_name character varying(128) NOT NULL,
    password_hash character varying(256) NOT NULL,
    created_at double precision NOT NULL,
    last_seen_at double precision,
    role character varying(16),
    language character varying(8),
    languages character varying(64),
    teams character varying(128)
);


--
-- Name: handoff_cases; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE handoff_cases (
    id integer NOT NULL,
    conversation_id character varying(256) NOT NULL,
    channel character varying(32) NOT NULL,
    language character varying(8) NOT NULL,
    reason character varying(32) NOT NULL,
    base_priority integer NOT NULL,
    status character varying(16) NOT NULL,
    agent character varying(64),
    customer_key character varying(256),
    customer_name character varying(256),
    contact character varying(256),
    summary text NOT NULL,
    context json NOT NULL,
    created_at double precision NOT NULL,
    claimed_at double precision,
    closed_at double precision,
    csat integer,
    csat_at double precision,
    category character varying(16),
    stage character varying(24)
);


--
-- Name: handoff_cases_id_seq; Type: SEQUENCE; Schema: -; Owner: -
--

CREATE SEQUENCE handoff_cases_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: handoff_cases_id_seq; Type: SEQUENCE OWNED BY; Schema: -; Owner: -
--

ALTER SEQUENCE handoff_cases_id_seq OWNED BY handoff_cases.id;


--
-- Name: handoff_changes; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE handoff_changes (
    id integer NOT NULL,
    case_id integer NOT NULL,
    at double precision NOT NULL
);


--
-- Name: handoff_changes_id_seq; Type: SEQUENCE; Schema: -; Owner: -
--

CREATE SEQUENCE handoff_changes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: handoff_changes_id_seq; Type: SEQUENCE OWNED BY; Schema: -; Owner: -
--

ALTER SEQUENCE handoff_changes_id_seq OWNED BY handoff_changes.id;


--
-- Name: handoff_login_failures; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE handoff_login_failures (
    id integer NOT NULL,
    key character varying(160) NOT NULL,
    at double precision NOT NULL
);


--
-- Name: handoff_login_failures_id_seq; Type: SEQUENCE; Schema: -; Owner: -
--

CREATE SEQUENCE handoff_login_failures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: handoff_login_failures_id_seq; Type: SEQUENCE OWNED BY; Schema: -; Owner: -
--

ALTER SEQUENCE handoff_login_failures_id_seq OWNED BY handoff_login_failures.id;


--
-- Name: handoff_messages; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE handoff_messages (
    id integer NOT NULL,
    case_id integer NOT NULL,
    sender character varying(16) NOT NULL,
    text text NOT NULL,
    kind character varying(16) NOT NULL,
    buttons json,
    "timestamp" double precision NOT NULL,
    channel character varying(32),
    agent character varying(64),
    delivered boolean,
    event_key character varying(64)
);


--
-- Name: handoff_messages_id_seq; Type: SEQUENCE; Schema: -; Owner: -
--

CREATE SEQUENCE handoff_messages_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: handoff_messages_id_seq; Type: SEQUENCE OWNED BY; Schema: -; Owner: -
--

ALTER SEQUENCE handoff_messages_id_seq OWNED BY handoff_messages.id;


--
-- Name: handoff_notes; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE handoff_notes (
    id integer NOT NULL,
    case_id integer NOT NULL,
    agent character varying(64) NOT NULL,
    text text NOT NULL,
    created_at double precision NOT NULL
);


--
-- Name: handoff_notes_id_seq; Type: SEQUENCE; Schema: -; Owner: -
--

CREATE SEQUENCE handoff_notes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: handoff_notes_id_seq; Type: SEQUENCE OWNED BY; Schema: -; Owner: -
--

ALTER SEQUENCE handoff_notes_id_seq OWNED BY handoff_notes.id;


--
-- Name: handoff_sessions; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE handoff_sessions (
    token_hash character varying(64) NOT NULL,
    username character varying(64) NOT NULL,
    created_at double precision NOT NULL,
    expires_at double precision NOT NULL
);


--
-- Name: insights_conversations; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE insights_conversations (
    key character varying(300) NOT NULL,
    sender_id character varying(256) NOT NULL,
    started_at double precision NOT NULL,
    ended_at double precision NOT NULL,
    channel character varying(64) NOT NULL,
    language character varying(16) NOT NULL,
    customer_id character varying(256),
    topic character varying(128),
    intents json NOT NULL,
    response_ms json NOT NULL,
    handoff_action boolean NOT NULL,
    identity_locked boolean NOT NULL,
    order_ids json NOT NULL,
    product_categories json NOT NULL,
    late_order boolean NOT NULL,
    last_action character varying(128),
    waiting_since double precision,
    next_same_topic double precision,
    settled boolean
);


--
-- Name: insights_rollup_state; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE insights_rollup_state (
    name character varying(32) NOT NULL,
    built_at double precision NOT NULL,
    how character varying(16) NOT NULL
);


--
-- Name: insights_senders; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE insights_senders (
    sender_id character varying(256) NOT NULL,
    language character varying(16) NOT NULL,
    after_session_start boolean NOT NULL,
    current_key character varying(300)
);


--
-- Name: insights_surveys; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE insights_surveys (
    id integer NOT NULL,
    kind character varying(8) NOT NULL,
    conversation_id character varying(256) NOT NULL,
    customer_key character varying(256) NOT NULL,
    channel character varying(32),
    language character varying(8),
    asked_at double precision NOT NULL,
    score integer,
    answered_at double precision
);


--
-- Name: insights_surveys_id_seq; Type: SEQUENCE; Schema: -; Owner: -
--

CREATE SEQUENCE insights_surveys_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: insights_surveys_id_seq; Type: SEQUENCE OWNED BY; Schema: -; Owner: -
--

ALTER SEQUENCE insights_surveys_id_seq OWNED BY insights_surveys.id;


--
-- Name: privacy_audit; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE privacy_audit (
    id integer NOT NULL,
    at double precision NOT NULL,
    actor character varying(128) NOT NULL,
    action character varying(16) NOT NULL,
    case_id integer,
    subject character varying(128),
    fingerprint character varying(32),
    detail json
);


--
-- Name: privacy_audit_id_seq; Type: SEQUENCE; Schema: -; Owner: -
--

CREATE SEQUENCE privacy_audit_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: privacy_audit_id_seq; Type: SEQUENCE OWNED BY; Schema: -; Owner: -
--

ALTER SEQUENCE privacy_audit_id_seq OWNED BY privacy_audit.id;


--
-- Name: handoff_cases id; Type: DEFAULT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_cases ALTER COLUMN id SET DEFAULT nextval('handoff_cases_id_seq'::regclass);


--
-- Name: handoff_changes id; Type: DEFAULT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_changes ALTER COLUMN id SET DEFAULT nextval('handoff_changes_id_seq'::regclass);


--
-- Name: handoff_login_failures id; Type: DEFAULT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_login_failures ALTER COLUMN id SET DEFAULT nextval('handoff_login_failures_id_seq'::regclass);


--
-- Name: handoff_messages id; Type: DEFAULT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_messages ALTER COLUMN id SET DEFAULT nextval('handoff_messages_id_seq'::regclass);


--
-- Name: handoff_notes id; Type: DEFAULT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_notes ALTER COLUMN id SET DEFAULT nextval('handoff_notes_id_seq'::regclass);


--
-- Name: insights_surveys id; Type: DEFAULT; Schema: -; Owner: -
--

ALTER TABLE ONLY insights_surveys ALTER COLUMN id SET DEFAULT nextval('insights_surveys_id_seq'::regclass);


--
-- Name: privacy_audit id; Type: DEFAULT; Schema: -; Owner: -
--

ALTER TABLE ONLY privacy_audit ALTER COLUMN id SET DEFAULT nextval('privacy_audit_id_seq'::regclass);


--
-- Data for Name: handoff_agents; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO handoff_agents VALUES ('ana', 'Ana', 'scrypt$x', 1764600000, NULL, 'supervisor', NULL, NULL, 'returns,general');


--
-- Data for Name: handoff_cases; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO handoff_cases VALUES (7, 'conv-7', 'rest', 'es', 'asked_for_person', 2, 'assigned', 'ana', 'C001', 'Lucía', 'lucia@example.com', 'Quiere devolver unas zapatillas', '{"order_id": "A1001"}', 1764600100, 1764600200, NULL, NULL, NULL, 'returns', 'in_progress');


--
-- Data for Name: handoff_changes; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO handoff_changes VALUES (1, 7, 1764600202);


--
-- Data for Name: handoff_login_failures; Type: TABLE DATA; Schema: -; Owner: -
--



--
-- Data for Name: handoff_messages; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO handoff_messages VALUES (1, 7, 'customer', 'quiero hablar con una persona', 'message', NULL, 1764600101, 'rest', NULL, NULL, 'user@1764600101.0');
INSERT INTO handoff_messages VALUES (2, 7, 'agent', 'Hola Lucía, soy Ana', 'message', NULL, 1764600201, NULL, 'ana', true, NULL);


--
-- Data for Name: handoff_notes; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO handoff_notes VALUES (1, 7, 'ana', 'cliente VIP', 1764600202);


--
-- Data for Name: handoff_sessions; Type: TABLE DATA; Schema: -; Owner: -
--



--
-- Data for Name: insights_conversations; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO insights_conversations VALUES ('conv-7@1764600000.0', 'conv-7', 1764600000, 1764600300, 'rest', 'es', 'C001', 'return', '["request_return"]', '[120]', true, false, '["A1001"]', '["shoes"]', false, NULL, NULL, NULL, NULL);


--
-- Data for Name: insights_rollup_state; Type: TABLE DATA; Schema: -; Owner: -
--



--
-- Data for Name: insights_senders; Type: TABLE DATA; Schema: -; Owner: -
--



--
-- Data for Name: insights_surveys; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO insights_surveys VALUES (1, 'nps', 'conv-7', 'C001', 'rest', 'es', 1764600300, 9, 1764600310);


--
-- Data for Name: privacy_audit; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO privacy_audit VALUES (1, 1764600400, 'ana', 'view', 7, 'email l***@example.com', 'ab12', '{"why": "case"}');


--
-- Name: handoff_cases_id_seq; Type: SEQUENCE SET; Schema: -; Owner: -
--

SELECT pg_catalog.setval('handoff_cases_id_seq', 1, false);


--
-- Name: handoff_changes_id_seq; Type: SEQUENCE SET; Schema: -; Owner: -
--

SELECT pg_catalog.setval('handoff_changes_id_seq', 1, true);


--
-- Name: handoff_login_failures_id_seq; Type: SEQUENCE SET; Schema: -; Owner: -
--

SELECT pg_catalog.setval('handoff_login_failures_id_seq', 1, false);


--
-- Name: handoff_messages_id_seq; Type: SEQUENCE SET; Schema: -; Owner: -
--

SELECT pg_catalog.setval('handoff_messages_id_seq', 2, true);


--
-- Name: handoff_notes_id_seq; Type: SEQUENCE SET; Schema: -; Owner: -
--

SELECT pg_catalog.setval('handoff_notes_id_seq', 1, true);


--
-- Name: insights_surveys_id_seq; Type: SEQUENCE SET; Schema: -; Owner: -
--

SELECT pg_catalog.setval('insights_surveys_id_seq', 1, true);


--
-- Name: privacy_audit_id_seq; Type: SEQUENCE SET; Schema: -; Owner: -
--

SELECT pg_catalog.setval('privacy_audit_id_seq', 1, true);


--
-- Name: handoff_agents handoff_agents_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_agents
    ADD CONSTRAINT handoff_agents_pkey PRIMARY KEY (username);


--
-- Name: handoff_cases handoff_cases_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_cases
    ADD CONSTRAINT handoff_cases_pkey PRIMARY KEY (id);


--
-- Name: handoff_changes handoff_changes_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_changes
    ADD CONSTRAINT handoff_changes_pkey PRIMARY KEY (id);


--
-- Name: handoff_login_failures handoff_login_failures_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_login_failures
    ADD CONSTRAINT handoff_login_failures_pkey PRIMARY KEY (id);


--
-- Name: handoff_messages handoff_messages_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_messages
    ADD CONSTRAINT handoff_messages_pkey PRIMARY KEY (id);


--
-- Name: handoff_notes handoff_notes_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_notes
    ADD CONSTRAINT handoff_notes_pkey PRIMARY KEY (id);


--
-- Name: handoff_sessions handoff_sessions_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_sessions
    ADD CONSTRAINT handoff_sessions_pkey PRIMARY KEY (token_hash);


--
-- Name: insights_conversations insights_conversations_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY insights_conversations
    ADD CONSTRAINT insights_conversations_pkey PRIMARY KEY (key);


--
-- Name: insights_rollup_state insights_rollup_state_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY insights_rollup_state
    ADD CONSTRAINT insights_rollup_state_pkey PRIMARY KEY (name);


--
-- Name: insights_senders insights_senders_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY insights_senders
    ADD CONSTRAINT insights_senders_pkey PRIMARY KEY (sender_id);


--
-- Name: insights_surveys insights_surveys_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY insights_surveys
    ADD CONSTRAINT insights_surveys_pkey PRIMARY KEY (id);


--
-- Name: privacy_audit privacy_audit_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY privacy_audit
    ADD CONSTRAINT privacy_audit_pkey PRIMARY KEY (id);


--
-- Name: handoff_messages uq_handoff_message_event; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_messages
    ADD CONSTRAINT uq_handoff_message_event UNIQUE (case_id, event_key);


--
-- Name: ix_handoff_cases_conversation_id; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_handoff_cases_conversation_id ON handoff_cases USING btree (conversation_id);


--
-- Name: ix_handoff_cases_customer_key; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_handoff_cases_customer_key ON handoff_cases USING btree (customer_key);


--
-- Name: ix_handoff_cases_status; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_handoff_cases_status ON handoff_cases USING btree (status);


--
-- Name: ix_handoff_login_failures_key; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_handoff_login_failures_key ON handoff_login_failures USING btree (key);


--
-- Name: ix_handoff_messages_case_id; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_handoff_messages_case_id ON handoff_messages USING btree (case_id);


--
-- Name: ix_handoff_notes_case_id; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_handoff_notes_case_id ON handoff_notes USING btree (case_id);


--
-- Name: ix_handoff_sessions_expires_at; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_handoff_sessions_expires_at ON handoff_sessions USING btree (expires_at);


--
-- Name: ix_insights_conversations_customer_topic; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_insights_conversations_customer_topic ON insights_conversations USING btree (customer_id, topic, started_at);


--
-- Name: ix_insights_conversations_sender_topic; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_insights_conversations_sender_topic ON insights_conversations USING btree (sender_id, topic, started_at);


--
-- Name: ix_insights_conversations_started_at; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_insights_conversations_started_at ON insights_conversations USING btree (started_at);


--
-- Name: ix_insights_surveys_asked_at; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_insights_surveys_asked_at ON insights_surveys USING btree (asked_at);


--
-- Name: ix_insights_surveys_conversation_id; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_insights_surveys_conversation_id ON insights_surveys USING btree (conversation_id);


--
-- Name: ix_insights_surveys_customer_key; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_insights_surveys_customer_key ON insights_surveys USING btree (customer_key);


--
-- Name: ix_privacy_audit_at; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_privacy_audit_at ON privacy_audit USING btree (at);


--
-- Name: handoff_messages handoff_messages_case_id_fkey; Type: FK CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_messages
    ADD CONSTRAINT handoff_messages_case_id_fkey FOREIGN KEY (case_id) REFERENCES handoff_cases(id);


--
-- Name: handoff_notes handoff_notes_case_id_fkey; Type: FK CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_notes
    ADD CONSTRAINT handoff_notes_case_id_fkey FOREIGN KEY (case_id) REFERENCES handoff_cases(id);


--
-- Name: handoff_sessions handoff_sessions_username_fkey; Type: FK CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY handoff_sessions
    ADD CONSTRAINT handoff_sessions_username_fkey FOREIGN KEY (username) REFERENCES handoff_agents(username);


--
-- PostgreSQL database dump complete
--


