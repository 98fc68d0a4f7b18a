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
-- Name: customers; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE customers (
    id character varying NOT NULL,
    name character varying NOT NULL,
    email character varying NOT NULL,
    phone character varying NOT NULL,
    phone_key character varying NOT NULL,
    country character varying NOT NULL,
    language character varying NOT NULL,
    tier character varying NOT NULL,
    customer_since date NOT NULL
);


--
-- Name: incidents; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE incidents (
    id character varying NOT NULL,
    customer_id character varying NOT NULL,
    order_id character varying,
    opened_on date NOT NULL,
    status character varying NOT NULL,
    summary text NOT NULL
);


--
-- Name: order_lines; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE order_lines (
    order_id character varying NOT NULL,
    line_no integer NOT NULL,
    sku character varying NOT NULL,
    title character varying NOT NULL,
    category character varying NOT NULL,
    qty integer NOT NULL,
    price_eur numeric(10,2) NOT NULL,
    final_sale boolean NOT NULL
);


--
-- Name: orders; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE orders (
    id character varying NOT NULL,
    customer_id character varying NOT NULL,
    placed_on date NOT NULL,
    status character varying NOT NULL,
    ship_to_country character varying NOT NULL,
    payment character varying NOT NULL,
    total_eur numeric(10,2) NOT NULL,
    carrier character varying,
    tracking_number character varying,
    shipped_on date,
    estimated_delivery date,
    delivered_on date,
    shipping_address text
);


--
-- Name: returns; Type: TABLE; Schema: -; Owner: -
--

CREATE TABLE returns (
    rma character varying NOT NULL,
    order_id character varying NOT NULL,
    opened_on date NOT NULL,
    status character varying NOT NULL,
    received_on date,
    refund_eur numeric(10,2) NOT NULL,
    refund_issued_on date,
    refund_to character varying,
    reason text,
    skus json NOT NULL
);


--
-- Data for Name: customers; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO customers VALUES ('c01', 'Ana García', 'ana.garcia@example.com', '+34600111222', '34600111222', 'ES', 'es', 'vip', '2023-01-31');
INSERT INTO customers VALUES ('c02', 'Lucía Fernández', 'lucia.fernandez@example.com', '+34600333444', '34600333444', 'ES', 'es', 'regular', '2026-05-15');
INSERT INTO customers VALUES ('c03', 'Carlos Méndez', 'carlos.mendez@example.mx', '+5215512345678', '5215512345678', 'MX', 'es', 'regular', '2026-09-02');
INSERT INTO customers VALUES ('c04', 'João Silva', 'joao.silva@example.com.br', '+5511987654321', '5511987654321', 'BR', 'pt', 'regular', '2025-12-01');
INSERT INTO customers VALUES ('c05', 'Mariana Costa', 'mariana.costa@example.pt', '+351912345678', '351912345678', 'PT', 'pt', 'vip', '2024-06-14');
INSERT INTO customers VALUES ('c06', 'Tom Baker', 'tom.baker@example.org', '+447700900123', '447700900123', 'GB', 'en', 'regular', '2026-10-02');
INSERT INTO customers VALUES ('c07', 'Emily Chen', 'emily.chen@example.com', '+14155550123', '14155550123', 'US', 'en', 'new', '2026-11-21');
INSERT INTO customers VALUES ('c08', 'Javier Ruiz', 'javier.ruiz@example.es', '+34600555666', '34600555666', 'ES', 'es', 'regular', '2025-07-19');


--
-- Data for Name: incidents; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO incidents VALUES ('INC-1001', 'c01', '100235', '2026-11-01', 'closed', 'Return request for headphones rejected: outside window');
INSERT INTO incidents VALUES ('INC-1002', 'c03', '100610', '2026-11-30', 'open', 'Customer asked twice why the parcel is late');


--
-- Data for Name: order_lines; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO order_lines VALUES ('100234', 1, 'JK-204-M', 'Chaqueta impermeable Nube', 'apparel', 1, 89.90, false);
INSERT INTO order_lines VALUES ('100235', 1, 'HP-900', 'Auriculares Eco Pro', 'electronics', 1, 129.00, false);
INSERT INTO order_lines VALUES ('100502', 1, 'SN-330-38', 'Zapatillas Brisa talla 38', 'footwear', 1, 39.90, false);
INSERT INTO order_lines VALUES ('100502', 2, 'SW-101-S', 'Bikini Coral', 'swimwear', 1, 19.90, false);
INSERT INTO order_lines VALUES ('100503', 1, 'MG-12', 'Taza Aurora personalizada', 'personalized', 1, 24.50, false);
INSERT INTO order_lines VALUES ('100610', 1, 'BG-550', 'Mochila Travesía 40L', 'accessories', 2, 105.00, false);
INSERT INTO order_lines VALUES ('100777', 1, 'TS-880-G', 'Camiseta Onda tamanho G', 'apparel', 3, 25.00, false);
INSERT INTO order_lines VALUES ('100778', 1, 'SC-77', 'Cachecol Lã', 'accessories', 1, 45.00, true);
INSERT INTO order_lines VALUES ('100801', 1, 'TB-10', 'Tablet Aurora 10', 'electronics', 1, 349.00, false);
INSERT INTO order_lines VALUES ('100871', 1, 'DR-410-M', 'Vestido Linho M', 'apparel', 1, 60.00, false);
INSERT INTO order_lines VALUES ('100410', 1, 'BT-220-42', 'Hiking Boots Sierra size 42', 'footwear', 1, 99.90, false);
INSERT INTO order_lines VALUES ('100410', 2, 'SK-09', 'Wool Socks', 'underwear', 1, 12.50, false);
INSERT INTO order_lines VALUES ('100920', 1, 'GC-50', 'Gift Card 50', 'gift_card', 1, 50.00, false);
INSERT INTO order_lines VALUES ('100955', 1, 'JN-500-40', 'Vaqueros Río talla 40', 'apparel', 1, 79.00, false);


--
-- Data for Name: orders; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO orders VALUES ('100234', 'c01', '2026-11-25', 'in_transit', 'ES', 'card', 89.90, 'SEUR', 'SE4829910375ES', '2026-11-27', '2026-12-02', NULL, 'Calle Mayor 1, Madrid, ES');
INSERT INTO orders VALUES ('100235', 'c01', '2026-10-22', 'delivered', 'ES', 'paypal', 129.00, 'Correos', 'PQ7711203948ES', '2026-10-24', '2026-10-27', '2026-10-27', 'Calle Mayor 1, Madrid, ES');
INSERT INTO orders VALUES ('100502', 'c02', '2026-11-19', 'delivered', 'ES', 'bizum', 59.80, 'Correos', 'PQ7711209912ES', '2026-11-21', '2026-11-24', '2026-11-24', 'Calle Mayor 2, Madrid, ES');
INSERT INTO orders VALUES ('100503', 'c02', '2026-11-30', 'paid', 'ES', 'card', 24.50, NULL, NULL, NULL, '2026-12-05', NULL, 'Calle Mayor 2, Madrid, ES');
INSERT INTO orders VALUES ('100610', 'c03', '2026-11-16', 'in_transit', 'MX', 'card', 210.00, 'DHL', 'JD014600006281123456', '2026-11-19', '2026-11-29', NULL, 'Avenida Juárez 3, Ciudad de México, MX');
INSERT INTO orders VALUES ('100777', 'c04', '2026-11-22', 'shipped', 'BR', 'pix', 75.00, 'Correios', 'LB123456785BR', '2026-11-28', '2026-12-09', NULL, 'Rua Oscar Freire 4, São Paulo, BR');
INSERT INTO orders VALUES ('100778', 'c04', '2026-10-12', 'delivered', 'BR', 'card', 45.00, 'Correios', 'LB987654321BR', '2026-10-15', '2026-10-24', '2026-10-24', 'Rua Oscar Freire 4, São Paulo, BR');
INSERT INTO orders VALUES ('100801', 'c05', '2026-11-11', 'delivered', 'PT', 'card', 349.00, 'CTT', 'RR123456789PT', '2026-11-13', '2026-11-17', '2026-11-17', 'Rua Augusta 5, Lisboa, PT');
INSERT INTO orders VALUES ('100871', 'c05', '2026-11-28', 'cancelled', 'PT', 'card', 60.00, NULL, NULL, NULL, NULL, NULL, 'Rua Augusta 5, Lisboa, PT');
INSERT INTO orders VALUES ('100410', 'c06', '2026-11-23', 'delivered', 'GB', 'paypal', 112.40, 'UPS', '1Z999AA10123456784', '2026-11-25', '2026-11-29', '2026-11-29', '6 Baker Street, London, GB');
INSERT INTO orders VALUES ('100920', 'c07', '2026-11-29', 'pending_payment', 'US', 'card', 54.00, NULL, NULL, NULL, NULL, NULL, '7 Market Street, San Francisco, US');
INSERT INTO orders VALUES ('100955', 'c08', '2026-11-06', 'returned', 'ES', 'card', 79.00, 'SEUR', 'SE4829911111ES', '2026-11-08', '2026-11-10', '2026-11-10', 'Calle Mayor 8, Madrid, ES');


--
-- Data for Name: returns; Type: TABLE DATA; Schema: -; Owner: -
--

INSERT INTO returns VALUES ('RMA-5001', '100955', '2026-11-19', 'refund_issued', '2026-11-25', 79.00, '2026-11-29', 'card', NULL, '["JN-500-40"]');
INSERT INTO returns VALUES ('RMA-5002', '100235', '2026-11-01', 'rejected', NULL, 0.00, NULL, NULL, 'outside the 15-day window for electronics', '["HP-900"]');


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: incidents incidents_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY incidents
    ADD CONSTRAINT incidents_pkey PRIMARY KEY (id);


--
-- Name: order_lines order_lines_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY order_lines
    ADD CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: returns returns_pkey; Type: CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY returns
    ADD CONSTRAINT returns_pkey PRIMARY KEY (rma);


--
-- Name: ix_customers_email_lower; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_customers_email_lower ON customers USING btree (lower((email)::text));


--
-- Name: ix_customers_phone_key; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_customers_phone_key ON customers USING btree (phone_key);


--
-- Name: ix_incidents_customer_id; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_incidents_customer_id ON incidents USING btree (customer_id);


--
-- Name: ix_orders_customer_id; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_orders_customer_id ON orders USING btree (customer_id);


--
-- Name: ix_returns_order_id; Type: INDEX; Schema: -; Owner: -
--

CREATE INDEX ix_returns_order_id ON returns USING btree (order_id);


--
-- Name: order_lines order_lines_order_id_fkey; Type: FK CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY order_lines
    ADD CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders(id);


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: -; Owner: -
--

ALTER TABLE ONLY orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id);


--
-- PostgreSQL database dump complete
--


