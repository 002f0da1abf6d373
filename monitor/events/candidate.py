"""A launch candidate: a center named in the text with the trigger that launches it, before it is dated."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.events.centers import CenterName
from monitor.models import EventType, Hit, Sentence


@dataclass(frozen=True)
class Candidate:
    """A center (by name, or by reference with the name it stands for), its sentence and its trigger; its
    type (launch or branch) and the confidence the wording gives."""

    center: CenterName
    sentence: Sentence
    trigger: Hit
    type: EventType
    score: float
    place_name: str | None = None  # the sub-center's own place (宜宾 in 四川国际传播中心宜宾分中心)
