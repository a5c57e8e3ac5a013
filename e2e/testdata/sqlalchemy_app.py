"""A small bookshop on SQLAlchemy 1.4's ORM over PyMySQL, as an application writes it.

Run against a MySQL-protocol server (URL in WEIR_TEST_URL), it creates its schema with
metadata.create_all, works through an ORM session (inserts with relationships, queries with
filters, joins and eager loading, updates, deletes, a rolled-back transaction, a unique-key
violation) and reads a view, then prints what it saw as one JSON object. The Go test runs it
against MariaDB and against Weir and compares the two objects.
"""
import datetime
import decimal
import json
import os
import sys

from sqlalchemy import (Column, Date, ForeignKey, Integer, MetaData, Numeric, String, Table,
                        Text, create_engine, func, select, text)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base, relationship, selectinload

Base = declarative_base()


class Author(Base):
    __tablename__ = "sa_authors"
    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(60), nullable=False, unique=True)
    country = Column(String(40))
    books = relationship("Book", back_populates="author", order_by="Book.id")


class Book(Base):
    __tablename__ = "sa_books"
    id = Column(Integer, primary_key=True, autoincrement=True)
    author_id = Column(Integer, ForeignKey("sa_authors.id"), nullable=False, index=True)
    title = Column(String(120), nullable=False)
    price = Column(Numeric(8, 2))
    published = Column(Date)
    blurb = Column(Text)
    author = relationship("Author", back_populates="books")
    reviews = relationship("Review", back_populates="book", order_by="Review.id")


class Review(Base):
    __tablename__ = "sa_reviews"
    id = Column(Integer, primary_key=True, autoincrement=True)
    book_id = Column(Integer, ForeignKey("sa_books.id"), nullable=False)
    stars = Column(Integer, nullable=False)
    body = Column(String(200))
    book = relationship("Book", back_populates="reviews")


def plain(v):
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return v


def rows(result):
    return [[plain(v) for v in r] for r in result]


def main():
    engine = create_engine(os.environ["WEIR_TEST_URL"], future=True)
    saw = {}
    Base.metadata.create_all(engine)
    # A second create_all finds every table in place, as on each start of the application.
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE VIEW sa_author_stats AS "
            "SELECT a.id, a.name, COUNT(b.id) AS books, SUM(b.price) AS total "
            "FROM sa_authors a LEFT JOIN sa_books b ON b.author_id = a.id GROUP BY a.id, a.name"))

    with Session(engine, future=True) as s:
        le_guin = Author(name="Ursula K. Le Guin", country="US", books=[
            Book(title="The Dispossessed", price=decimal.Decimal("12.50"),
                 published=datetime.date(1974, 5, 1), blurb="An ambiguous utopia",
                 reviews=[Review(stars=5, body="timeless"), Review(stars=4, body="slow start")]),
            Book(title="A Wizard of Earthsea", price=decimal.Decimal("9.99"),
                 published=datetime.date(1968, 11, 1)),
        ])
        lem = Author(name="Stanisław Lem", country="PL", books=[
            Book(title="Solaris", price=decimal.Decimal("11.00"), published=datetime.date(1961, 6, 1),
                 reviews=[Review(stars=5, body="the ocean!")]),
        ])
        s.add_all([le_guin, lem, Author(name="Nobody Yet")])
        s.commit()
        saw["ids"] = [le_guin.id, lem.id, le_guin.books[0].id, lem.books[0].id]

        s.add(Author(name="ursula k. le guin"))
        try:
            s.commit()
            saw["duplicate"] = "committed"
        except IntegrityError as e:
            s.rollback()
            saw["duplicate"] = e.orig.args[0]

        q = select(Book).where(Book.price > decimal.Decimal("10")).order_by(Book.title)
        saw["pricey"] = [b.title for b in s.scalars(q)]

        authors = s.scalars(select(Author).options(selectinload(Author.books).selectinload(Book.reviews))
                            .order_by(Author.id)).all()
        saw["authors"] = [[a.name, [[b.title, [r.stars for r in b.reviews]] for b in a.books]] for a in authors]

        q = (select(Author.name, func.count(Review.id), func.avg(Review.stars))
             .join(Book, Book.author_id == Author.id).join(Review, Review.book_id == Book.id)
             .group_by(Author.name).order_by(Author.name))
        saw["ratings"] = rows(s.execute(q))

        book = s.get(Book, le_guin.books[1].id)
        book.price = decimal.Decimal("10.49")
        s.commit()
        saw["updated"] = plain(s.scalar(select(Book.price).where(Book.id == book.id)))

        # A transaction rolled back leaves nothing behind.
        s.add(Book(author_id=lem.id, title="Never Published"))
        s.flush()
        s.execute(text("UPDATE sa_authors SET country = 'XX' WHERE id = :id"), {"id": lem.id})
        s.rollback()
        saw["afterRollback"] = rows(s.execute(
            select(Author.country, func.count(Book.id)).join(Book).where(Author.id == lem.id)
            .group_by(Author.country)))

        s.delete(s.get(Review, 2))
        s.commit()

    stats = Table("sa_author_stats", MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        saw["viewColumns"] = [c.name for c in stats.columns]
        saw["view"] = rows(conn.execute(select(stats).order_by(stats.c.id)))
        saw["viewByName"] = rows(conn.execute(
            select(stats.c.books, stats.c.total).where(stats.c.name == "Stanisław Lem")))
    json.dump(saw, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
