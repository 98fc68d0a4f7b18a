PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE customers (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	email VARCHAR NOT NULL, 
	phone VARCHAR NOT NULL, 
	phone_key VARCHAR NOT NULL, 
	country VARCHAR NOT NULL, 
	language VARCHAR NOT NULL, 
	tier VARCHAR NOT NULL, 
	customer_since DATE NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO customers VALUES('c01','Ana García','ana.garcia@example.com','+34600111222','34600111222','ES','es','vip','2023-01-31');
INSERT INTO customers VALUES('c02','Lucía Fernández','lucia.fernandez@example.com','+34600333444','34600333444','ES','es','regular','2026-05-15');
INSERT INTO customers VALUES('c03','Carlos Méndez','carlos.mendez@example.mx','+5215512345678','5215512345678','MX','es','regular','2026-09-02');
INSERT INTO customers VALUES('c04','João Silva','joao.silva@example.com.br','+5511987654321','5511987654321','BR','pt','regular','2025-12-01');
INSERT INTO customers VALUES('c05','Mariana Costa','mariana.costa@example.pt','+351912345678','351912345678','PT','pt','vip','2024-06-14');
INSERT INTO customers VALUES('c06','Tom Baker','tom.baker@example.org','+447700900123','447700900123','GB','en','regular','2026-10-02');
INSERT INTO customers VALUES('c07','Emily Chen','emily.chen@example.com','+14155550123','14155550123','US','en','new','2026-11-21');
INSERT INTO customers VALUES('c08','Javier Ruiz','javier.ruiz@example.es','+34600555666','34600555666','ES','es','regular','2025-07-19');
CREATE TABLE returns (
	rma VARCHAR NOT NULL, 
	order_id VARCHAR NOT NULL, 
	opened_on DATE NOT NULL, 
	status VARCHAR NOT NULL, 
	received_on DATE, 
	refund_eur NUMERIC(10, 2) NOT NULL, 
	refund_issued_on DATE, 
	refund_to VARCHAR, 
	reason TEXT, 
	skus JSON NOT NULL, 
	PRIMARY KEY (rma)
);
INSERT INTO returns VALUES('RMA-5001','100955','2026-11-19','refund_issued','2026-11-25',79,'2026-11-29','card',NULL,'["JN-500-40"]');
INSERT INTO returns VALUES('RMA-5002','100235','2026-11-01','rejected',NULL,0,NULL,NULL,'outside the 15-day window for electronics','["HP-900"]');
CREATE TABLE incidents (
	id VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	order_id VARCHAR, 
	opened_on DATE NOT NULL, 
	status VARCHAR NOT NULL, 
	summary TEXT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO incidents VALUES('INC-1001','c01','100235','2026-11-01','closed','Return request for headphones rejected: outside window');
INSERT INTO incidents VALUES('INC-1002','c03','100610','2026-11-30','open','Customer asked twice why the parcel is late');
CREATE TABLE orders (
	id VARCHAR NOT NULL, 
	customer_id VARCHAR NOT NULL, 
	placed_on DATE NOT NULL, 
	status VARCHAR NOT NULL, 
	ship_to_country VARCHAR NOT NULL, 
	payment VARCHAR NOT NULL, 
	total_eur NUMERIC(10, 2) NOT NULL, 
	carrier VARCHAR, 
	tracking_number VARCHAR, 
	shipped_on DATE, 
	estimated_delivery DATE, 
	delivered_on DATE, 
	shipping_address TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(customer_id) REFERENCES customers (id)
);
INSERT INTO orders VALUES('100234','c01','2026-11-25','in_transit','ES','card',89.900000000000005687,'SEUR','SE4829910375ES','2026-11-27','2026-12-02',NULL,'Calle Mayor 1, Madrid, ES');
INSERT INTO orders VALUES('100235','c01','2026-10-22','delivered','ES','paypal',129,'Correos','PQ7711203948ES','2026-10-24','2026-10-27','2026-10-27','Calle Mayor 1, Madrid, ES');
INSERT INTO orders VALUES('100502','c02','2026-11-19','delivered','ES','bizum',59.799999999999997159,'Correos','PQ7711209912ES','2026-11-21','2026-11-24','2026-11-24','Calle Mayor 2, Madrid, ES');
INSERT INTO orders VALUES('100503','c02','2026-11-30','paid','ES','card',24.5,NULL,NULL,NULL,'2026-12-05',NULL,'Calle Mayor 2, Madrid, ES');
INSERT INTO orders VALUES('100610','c03','2026-11-16','in_transit','MX','card',210,'DHL','JD014600006281123456','2026-11-19','2026-11-29',NULL,'Avenida Juárez 3, Ciudad de México, MX');
INSERT INTO orders VALUES('100777','c04','2026-11-22','shipped','BR','pix',75,'Correios','LB123456785BR','2026-11-28','2026-12-09',NULL,'Rua Oscar Freire 4, São Paulo, BR');
INSERT INTO orders VALUES('100778','c04','2026-10-12','delivered','BR','card',45,'Correios','LB987654321BR','2026-10-15','2026-10-24','2026-10-24','Rua Oscar Freire 4, São Paulo, BR');
INSERT INTO orders VALUES('100801','c05','2026-11-11','delivered','PT','card',349,'CTT','RR123456789PT','2026-11-13','2026-11-17','2026-11-17','Rua Augusta 5, Lisboa, PT');
INSERT INTO orders VALUES('100871','c05','2026-11-28','cancelled','PT','card',60,NULL,NULL,NULL,NULL,NULL,'Rua Augusta 5, Lisboa, PT');
INSERT INTO orders VALUES('100410','c06','2026-11-23','delivered','GB','paypal',112.40000000000000567,'UPS','1Z999AA10123456784','2026-11-25','2026-11-29','2026-11-29','6 Baker Street, London, GB');
INSERT INTO orders VALUES('100920','c07','2026-11-29','pending_payment','US','card',54,NULL,NULL,NULL,NULL,NULL,'7 Market Street, San Francisco, US');
INSERT INTO orders VALUES('100955','c08','2026-11-06','returned','ES','card',79,'SEUR','SE4829911111ES','2026-11-08','2026-11-10','2026-11-10','Calle Mayor 8, Madrid, ES');
CREATE TABLE order_lines (
	order_id VARCHAR NOT NULL, 
	line_no INTEGER NOT NULL, 
	sku VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	category VARCHAR NOT NULL, 
	qty INTEGER NOT NULL, 
	price_eur NUMERIC(10, 2) NOT NULL, 
	final_sale BOOLEAN NOT NULL, 
	PRIMARY KEY (order_id, line_no), 
	FOREIGN KEY(order_id) REFERENCES orders (id)
);
INSERT INTO order_lines VALUES('100234',1,'JK-204-M','Chaqueta impermeable Nube','apparel',1,89.900000000000005687,0);
INSERT INTO order_lines VALUES('100235',1,'HP-900','Auriculares Eco Pro','electronics',1,129,0);
INSERT INTO order_lines VALUES('100502',1,'SN-330-38','Zapatillas Brisa talla 38','footwear',1,39.899999999999998579,0);
INSERT INTO order_lines VALUES('100502',2,'SW-101-S','Bikini Coral','swimwear',1,19.899999999999998578,0);
INSERT INTO order_lines VALUES('100503',1,'MG-12','Taza Aurora personalizada','personalized',1,24.5,0);
INSERT INTO order_lines VALUES('100610',1,'BG-550','Mochila Travesía 40L','accessories',2,105,0);
INSERT INTO order_lines VALUES('100777',1,'TS-880-G','Camiseta Onda tamanho G','apparel',3,25,0);
INSERT INTO order_lines VALUES('100778',1,'SC-77','Cachecol Lã','accessories',1,45,1);
INSERT INTO order_lines VALUES('100801',1,'TB-10','Tablet Aurora 10','electronics',1,349,0);
INSERT INTO order_lines VALUES('100871',1,'DR-410-M','Vestido Linho M','apparel',1,60,0);
INSERT INTO order_lines VALUES('100410',1,'BT-220-42','Hiking Boots Sierra size 42','footwear',1,99.900000000000005687,0);
INSERT INTO order_lines VALUES('100410',2,'SK-09','Wool Socks','underwear',1,12.5,0);
INSERT INTO order_lines VALUES('100920',1,'GC-50','Gift Card 50','gift_card',1,50,0);
INSERT INTO order_lines VALUES('100955',1,'JN-500-40','Vaqueros Río talla 40','apparel',1,79,0);
CREATE INDEX ix_customers_phone_key ON customers (phone_key);
CREATE INDEX ix_customers_email_lower ON customers (lower(email));
CREATE INDEX ix_returns_order_id ON returns (order_id);
CREATE INDEX ix_incidents_customer_id ON incidents (customer_id);
CREATE INDEX ix_orders_customer_id ON orders (customer_id);
COMMIT;
