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
-- Name: aurora_event_outbox; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE aurora_event_outbox (
    sender_id character varying(255) NOT NULL,
    published_id integer NOT NULL
);


--
-- Name: events; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE events (
    id integer NOT NULL,
    sender_id character varying(255) NOT NULL,
    type_name character varying(255) NOT NULL,
    "timestamp" double precision,
    intent_name character varying(255),
    action_name character varying(255),
    data text
);


--
-- Name: events_id_seq; Type: SEQUENCE; Schema: -; Owner: -
--

CREATE SEQUENCE events_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: events_id_seq; Type: SEQUENCE OWNED BY; Schema: -; Owner: -
--

ALTER SEQUENCE events_id_seq OWNED BY events.id;


--
-- Name: events id; Type: DEFAULT; Schema: -; Owner: -
--

ALTER TABLE ONLY events ALTER COLUMN id SET DEFAULT nextval('events_id_seq'::regclass);


--
-- Data for Name: aurora_event_outbox; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO aurora_event_outbox VALUES ('conv-7', 1);


--
-- Data for Name: events; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO events VALUES (1, 'conv-7', 'user', 1764600101, 'request_return', NULL, '{"event": "user", "text": "hola"}');


--
-- Name: events_id_seq; Type: SEQUENCE SET; Schema: -; Owner: -
--

SELECT pg_catalog.setval('events_id_seq', 1, true);


--
-- Name: aurora_event_outbox aurora_event_outbox_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY aurora_event_outbox
    ADD CONSTRAINT aurora_event_outbox_pkey PRIMARY KEY (sender_id);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);


--
-- Name: ix_events_sender_id; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_events_sender_id ON events USING btree (sender_id);


--
-- PostgreSQL database dump complete
--


