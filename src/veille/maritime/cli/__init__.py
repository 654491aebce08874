"""``veille ais``: one module per action, which the management command
(``veille.maritime.management.commands.ais``) puts together; none of them imports the command.

Each module has ``add_parser(sub)`` (its arguments, under ``veille ais``'s sub-parsers) and
``run(opts, stdout, stderr)``; :mod:`veille.maritime.cli.common` has what several share (exit codes,
the store an action works on, times and addresses given on the command line).

=============  =====================================================================================
``ingest``     read NMEA or CSV archives (files, .gz, stdin, tcp://) into the store (:mod:`.ingest`)
``runs``       the ingest runs recorded in the store; ``rollback RUN``, ``resume RUN`` (:mod:`.runs`)
``replay``     serve a capture over TCP on 127.0.0.1 (:mod:`.replay`)
``stats``      what the store holds (:mod:`.stats`)
``generate``   seeded synthetic traffic as NMEA (:mod:`.generate`)
``events``     detect (or read) events: gaps, encounters, loitering, zones, cables… (:mod:`.events`)
``scenario``   synthetic Arctic traffic with planted events, its manifest, ingested (:mod:`.scenario`)
``evaluate``   precision and recall per event type against a scenario's manifest (:mod:`.scenario`)
``watch``      events live from a feed, as JSON lines (:mod:`.watch`)
=============  =====================================================================================
"""
