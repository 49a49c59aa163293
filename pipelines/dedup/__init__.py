"""Dedup stage: exact copies share ``content_hash``; near copies share an LSH band key and pass
:func:`pipelines.dedup.hashing.is_near` on their MinHash signatures; :mod:`canonical` picks
``duplicate_of``. ``hashing`` and ``canonical`` are pure (worker processes run ``hashing``);
``index`` is the persistent index and ``sql`` its statements.

Nothing is imported here: a process that needs only ``hashing`` does not pay for the database
layer, and ``index`` does not pay for pypinyin until a canonical copy is chosen.
"""
