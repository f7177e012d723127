"""Published results: what a cycle decided, per prefecture and county, kept as data officials can
read and export, apart from the workflow that produced it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.persistence.types import Json, UtcDateTime


class Base(DeclarativeBase):
    """The assessment's own tables, apart from the engine's metadata: the extension hands this
    metadata to the engine (migrations, clean-up), the engine never imports it. Created by the
    engine's revision 0005, which was written before the assessment became an extension."""

    __table__: ClassVar[Table]  # every model maps a Table (engine/persistence/models.py)


class CycleResult(Base):
    __tablename__ = "cycle_results"

    cycle: Mapped[str] = mapped_column(String(64), primary_key=True)  # "2021", "transition-2021-2025"
    kind: Mapped[str] = mapped_column(String(16))  # annual | transition
    year: Mapped[int] = mapped_column(Integer)
    instance_id: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    approved_by: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    notice: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class UnitResult(Base):
    __tablename__ = "unit_results"
    __table_args__ = (Index("ix_unit_results_level", "cycle", "level", "code"),)

    cycle: Mapped[str] = mapped_column(
        ForeignKey("cycle_results.cycle", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))  # prefecture | county
    name: Mapped[str] = mapped_column(String(255))
    prefecture_code: Mapped[str | None] = mapped_column(String(12))
    category: Mapped[str | None] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(8))  # the grade the gates decided
    computed_grade: Mapped[str | None] = mapped_column(String(8))  # the DMN's, before any amendment
    score: Mapped[float] = mapped_column(Float)
    scores: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    flags: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # each {stage, by, at, from, to, reason}: who changed the proposed grade at which step, and why
    amendments: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list, server_default="[]")
    findings: Mapped[list[dict[str, Any]]] = mapped_column(
        Json, default=list, server_default="[]"
    )  # {source, text}


class RectificationItem(Base):
    """One problem fed back to a unit (Art. 7(6)), tracked until the unit reports it rectified:
    opened when the feedback is sent, given a measure and a date by the unit's rectification plan,
    closed by its report. Open items stay open across cycles; supervision reads them here."""

    __tablename__ = "rectification_items"
    __table_args__ = (
        UniqueConstraint("cycle", "unit_code", "number", name="uq_rectification_item"),
        Index("ix_rectification_items_status", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[str] = mapped_column(String(32))
    unit_code: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(16))  # prefecture | county
    unit_name: Mapped[str] = mapped_column(String(255))
    prefecture_code: Mapped[str | None] = mapped_column(String(12))
    number: Mapped[int] = mapped_column(Integer)  # the problem's place in the unit's feedback
    source: Mapped[str] = mapped_column(String(64))  # spot_check, experts, third_party, department:…, advice
    problem: Mapped[str] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(Text)  # 改进意见 of the feedback
    measure: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    planned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)
