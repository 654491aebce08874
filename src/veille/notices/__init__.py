"""Notices: what a user must do or should know, raised by the mechanisms and following the state.

A shared facility below the mechanisms (DESIGN.md §1, layer 4): a mechanism raises a notice for a
*key* (the action awaited, ``purl:list:5:decision``) and the users who must act, and clears the key
when the action is done; ``services`` is the API, ``queries`` what pages read (docs/contributing.md).
"""
