"""The shop database's tables as they were when migrations began (commit c629cdf), frozen: what
revision 0001 creates and 0002 fills in (money as NUMERIC(10,2), the column type of bot/shop/sql.py's
Money). Never edit it: a change to the schema is a new revision."""
from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, Numeric, String, Table, Text, func

metadata = MetaData()

customers = Table(
    "customers", metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("email", String, nullable=False),
    Column("phone", String, nullable=False),
    Column("phone_key", String, nullable=False, index=True),  # phone_key(phone): what lookups compare
    Column("country", String, nullable=False),
    Column("language", String, nullable=False),
    Column("tier", String, nullable=False),
    Column("customer_since", Date, nullable=False),
)
Index("ix_customers_email_lower", func.lower(customers.c.email))

orders = Table(
    "orders", metadata,
    Column("id", String, primary_key=True),
    Column("customer_id", String, ForeignKey("customers.id"), nullable=False, index=True),
    Column("placed_on", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("ship_to_country", String, nullable=False),
    Column("payment", String, nullable=False),
    Column("total_eur", Numeric(10, 2), nullable=False),
    Column("carrier", String),
    Column("tracking_number", String),
    Column("shipped_on", Date),
    Column("estimated_delivery", Date),
    Column("delivered_on", Date),
    Column("shipping_address", Text),
)

order_lines = Table(
    "order_lines", metadata,
    Column("order_id", String, ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),  # keeps the lines in the order they were bought
    Column("sku", String, nullable=False),
    Column("title", String, nullable=False),
    Column("category", String, nullable=False),
    Column("qty", Integer, nullable=False),
    Column("price_eur", Numeric(10, 2), nullable=False),
    Column("final_sale", Boolean, nullable=False, default=False),
)

returns = Table(
    "returns", metadata,
    Column("rma", String, primary_key=True),
    # No foreign key: ShopifyBackend keeps its returns here, for orders that live in Shopify.
    Column("order_id", String, nullable=False, index=True),
    Column("opened_on", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("received_on", Date),
    Column("refund_eur", Numeric(10, 2), nullable=False),
    Column("refund_issued_on", Date),
    Column("refund_to", String),
    Column("reason", Text),
    Column("skus", JSON, nullable=False),  # the skus of the lines returned, a JSON list
)

incidents = Table(
    "incidents", metadata,
    Column("id", String, primary_key=True),
    # No foreign keys: an incident is a note about a conversation and must be writable even
    # when the customer or order it mentions is unknown to the shop.
    Column("customer_id", String, nullable=False, index=True),
    Column("order_id", String),
    Column("opened_on", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("summary", Text, nullable=False),
)
