"""Published results: what a cycle decided, per prefecture and county, kept as data officials can
read and export, apart from the workflow that produced it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Table
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
    grade: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)
    scores: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    flags: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
