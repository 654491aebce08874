"""Events from AIS tracks: pure detectors over Polars frames, one call shape for all.

``Detector(params).detect(positions) -> events`` (DESIGN.md §2.4), returning the table of
:mod:`.schema` and never modifying the input:

- :class:`veille.core.tracks.Segmenter` (segments, position jumps, shared MMSIs),
  :class:`.gaps.GapDetector`, :class:`.encounters.EncounterDetector`,
  :class:`.loitering.LoiteringDetector`, :class:`.zones.ZoneDetector`, :class:`.cables.CableDetector`,
  :class:`.identity.IdentityDetector` (over the registry's history);
- :func:`.batch.detect_all` runs them together, :func:`.batch.grouped` wraps one for Spark's grouped
  map, :class:`.stream.StreamEngine` gives the same events message by message;
- :mod:`.stats` counts vessels, vessel-hours and events per day, zone and flag;
- :mod:`.scenario` plants events in synthetic traffic and :mod:`.evaluate` scores the detectors.

docs/events.md has the definitions, their defaults and sources.
"""

__all__: list[str] = []
