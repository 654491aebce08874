from tests.council.fixtures import council_data, decision, delivery, jakub, meeting, nadia

__all__ = ["council_data", "decision", "delivery", "jakub", "meeting", "nadia"]
