"""Households, residents, household visits and the notice and commitment letters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, RecordMixin, SoftDeleteMixin


class Household(RecordMixin, SoftDeleteMixin, Base):
    """A household (户), the unit of a household visit."""

    __tablename__ = "household"
    # the figures count live households by visit date from the index alone
    __table_args__ = (
        Index("ix_household_live_visited", "deleted_at", "last_visited_on"),
        Index("ix_household_live_notice", "deleted_at", "notice_delivered_on"),
        Index("ix_household_live_commitment", "deleted_at", "commitment_signed_on"),
        Index("ix_household_live_app", "deleted_at", "residents_without_app"),
        Index("ix_household_live_key_groups", "deleted_at", "key_group_mask"),
        # the coverage figures per village and grid read this index alone
        Index(
            "ix_household_coverage",
            "deleted_at",
            "village_id",
            "grid_id",
            "last_visited_on",
            "notice_delivered_on",
            "commitment_signed_on",
            "resident_count",
            "residents_without_app",
        ),
        Index("ix_household_grid_address", "grid_id", "address"),
        Index("ix_household_address", "address"),
    )

    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    head_name: Mapped[str] = mapped_column(String(64), index=True)
    head_id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer, default=1)
    # Key-group tags separated by commas, e.g. "老年人,留守妇女".
    tags: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # Kept by the visit service so "not visited this year" stays an index lookup at 300,000 rows.
    last_visited_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Kept by SQLite triggers from the letters and residents (db/household_index.py), so the
    # filters 告知书未送达 / 承诺书未签 / 有人未装APP and the coverage figures read an index,
    # whoever wrote the letter or the resident. Never set them from Python.
    notice_delivered_on: Mapped[date | None] = mapped_column(Date)
    commitment_signed_on: Mapped[date | None] = mapped_column(Date)
    resident_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # one bit per 重点人群 (db.household_index.KEY_GROUPS) of the household or its residents
    key_group_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    residents_without_app: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    residents: Mapped[list[Resident]] = relationship(back_populates="household")


class Resident(RecordMixin, SoftDeleteMixin, Base):
    """A person living in a household; gender and birth date are derived from the ID number."""

    __tablename__ = "resident"
    __table_args__ = (Index("ix_resident_live_app", "deleted_at", "app_installed_on"),)

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    # head, spouse, child, parent, grandchild, sibling, other
    relation: Mapped[str | None] = mapped_column(String(16))
    tags: Mapped[str | None] = mapped_column(String(200))
    app_installed_on: Mapped[date | None] = mapped_column(Date)
    app_installed_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    notes: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship(back_populates="residents")


class Visit(RecordMixin, SoftDeleteMixin, Base):
    """A household visit (入户走访) by a grid worker and a police officer."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_household_date", "household_id", "visited_on"),)

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    # in_person (入户), phone_callback (电话回访), group_session (集中宣讲)
    mode: Mapped[str] = mapped_column(String(16))
    grid_worker_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    police_officer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    other_visitors: Mapped[str | None] = mapped_column(String(200))
    # visited, nobody_home (不在家), refused (拒签/拒绝)
    outcome: Mapped[str] = mapped_column(String(16))
    topics: Mapped[str | None] = mapped_column(String(400))
    notice_delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    # signed, refused, not_offered
    commitment_result: Mapped[str | None] = mapped_column(String(16))
    risks_found: Mapped[str | None] = mapped_column(Text)
    follow_up_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)


class LetterTemplate(RecordMixin, SoftDeleteMixin, Base):
    """A version of a letter's text; a reprint uses the version the letter was signed with."""

    __tablename__ = "letter_template"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    # notice, commitment_household, commitment_employee
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)


class Letter(RecordMixin, SoftDeleteMixin, Base):
    """A notice or commitment letter, tracked from printing to the signed copy."""

    __tablename__ = "letter"
    __table_args__ = (
        CheckConstraint(
            "household_id IS NOT NULL OR employee_id IS NOT NULL", name="has_addressee"
        ),
        Index("ix_letter_household_kind", "household_id", "kind"),
        Index("ix_letter_kind_status_household", "kind", "status", "deleted_at", "household_id"),
    )

    # notice, commitment_household, commitment_employee
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(32), unique=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("letter_template.id"))
    # pending_print, printed, delivered, signed, refused, void
    status: Mapped[str] = mapped_column(String(16), index=True)
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    signed_on: Mapped[date | None] = mapped_column(Date)
    signer_name: Mapped[str | None] = mapped_column(String(64))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    scan_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    # The placeholder values the letter was printed with (JSON), so a reprint says what the
    # signed paper said even after the fraud-type list or the township's settings changed.
    printed_values: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
