-- the databases besides POSTGRES_DB (rasa): the shop's records and the handoff cases
CREATE DATABASE shop;
CREATE DATABASE handoff;
