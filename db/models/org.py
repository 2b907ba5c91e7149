"""The organisation: people, member units and their named roles, the leading group, grids."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, RecordMixin, SoftDeleteMixin


class Person(RecordMixin, SoftDeleteMixin, Base):
    """A named contact (cadre, grid worker, police officer, volunteer) reusable across units."""

    __tablename__ = "person"

    name: Mapped[str] = mapped_column(String(64), index=True)
    gender: Mapped[str | None] = mapped_column(String(8))
    id_number: Mapped[str | None] = mapped_column(String(18))
    mobile: Mapped[str | None] = mapped_column(String(20))
    # The employer or village the person belongs to, if any (a post can outlive its holder).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    post: Mapped[str | None] = mapped_column(String(64))
    # police_officer / auxiliary_police / grid_worker / cadre / volunteer / other
    category: Mapped[str | None] = mapped_column(String(24))
    notes: Mapped[str | None] = mapped_column(Text)


class Unit(RecordMixin, SoftDeleteMixin, Base):
    """A member unit (成员单位) of the joint meeting; villages are units of kind `village`."""

    __tablename__ = "unit"

    name: Mapped[str] = mapped_column(String(128), index=True)
    short_name: Mapped[str | None] = mapped_column(String(32))
    # institution, police, village, school, finance, medical, enterprise, mass_org, other
    kind: Mapped[str] = mapped_column(String(16), index=True)
    duties: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    is_member: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)

    roles: Mapped[list[UnitRole]] = relationship(back_populates="unit")
    grids: Mapped[list[Grid]] = relationship(back_populates="village")


class UnitRole(RecordMixin, SoftDeleteMixin, Base):
    """One of the four named people a unit reports (第一责任人, 具体责任人, 联络员, 宣讲员)."""

    __tablename__ = "unit_role"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # first_responsible, specific_responsible, liaison, lecturer (several lecturers allowed)
    role: Mapped[str] = mapped_column(String(24))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    post: Mapped[str | None] = mapped_column(String(64))
    reported_on: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit] = relationship(back_populates="roles")
    person: Mapped[Person] = relationship()


class Employee(RecordMixin, SoftDeleteMixin, Base):
    """A member of a unit's staff list (职工名单), who signs the staff commitment letter."""

    __tablename__ = "employee"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    post: Mapped[str | None] = mapped_column(String(64))
    mobile: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(18))
    commitment_signed_on: Mapped[date | None] = mapped_column(Date)
    app_installed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class LeadingGroup(RecordMixin, SoftDeleteMixin, Base):
    """The leading group (领导小组) and where its office sits."""

    __tablename__ = "leading_group"

    name: Mapped[str] = mapped_column(String(128))
    office_location: Mapped[str | None] = mapped_column(String(128))
    office_director: Mapped[str | None] = mapped_column(String(64))
    document_number: Mapped[str | None] = mapped_column(String(64))
    established_on: Mapped[date | None] = mapped_column(Date)

    members: Mapped[list[LeadingGroupMember]] = relationship(back_populates="group")


class LeadingGroupMember(RecordMixin, SoftDeleteMixin, Base):
    """A seat in the leading group; a member who leaves gets `ended_on`, so history is kept."""

    __tablename__ = "leading_group_member"

    group_id: Mapped[int] = mapped_column(ForeignKey("leading_group.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # leader, executive_deputy, deputy, member, office_director
    group_role: Mapped[str] = mapped_column(String(24))
    post: Mapped[str | None] = mapped_column(String(128))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    group: Mapped[LeadingGroup] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class Grid(RecordMixin, SoftDeleteMixin, Base):
    """A grid (网格) of a village, staffed by a grid worker and a police officer."""

    __tablename__ = "grid"

    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(32))
    grid_worker_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    police_officer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)

    village: Mapped[Unit] = relationship(back_populates="grids")
    grid_worker: Mapped[Person | None] = relationship(foreign_keys=[grid_worker_id])
    police_officer: Mapped[Person | None] = relationship(foreign_keys=[police_officer_id])


class PublicityGroup(RecordMixin, SoftDeleteMixin, Base):
    """A WeChat publicity group of the three tiers (三级宣传群), with its pusher and supervisor."""

    __tablename__ = "publicity_group"

    name: Mapped[str] = mapped_column(String(128))
    tier: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("publicity_group.id"), index=True)
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    pusher_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    last_push_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class CentreStaff(RecordMixin, SoftDeleteMixin, Base):
    """A post of the township's anti-fraud sub-centre (分中心, seed 004): 主任, 常务副主任, 副主任
    or 工作人员; one who leaves gets `ended_on`, so who served when is kept."""

    __tablename__ = "centre_staff"

    # director, executive_deputy, deputy, staff
    role: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(64))
    # the post held besides (本职): 党委副书记、平安办主任、派出所所长…
    post: Mapped[str | None] = mapped_column(String(128))
    mobile: Mapped[str | None] = mapped_column(String(20))
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class UnitGovernor(RecordMixin, SoftDeleteMixin, Base):
    """A unit's anti-fraud 治理员 (seed 003: 按照“一企一员”的标准，建立反电诈联络员、治理员队伍)."""

    __tablename__ = "unit_governor"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    post: Mapped[str | None] = mapped_column(String(64))
    mobile: Mapped[str | None] = mapped_column(String(20))
    appointed_on: Mapped[date | None] = mapped_column(Date)
