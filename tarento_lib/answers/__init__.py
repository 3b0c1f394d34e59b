"""The interview answers: for each question, the code a strong candidate writes in the room.

One module per question, named ``qNN_topic.py`` (``q01_lru.py``): the 20-30-minute answer,
plain and idiomatic, typed, with a docstring that states its time and space complexity. Each
uses the standard library plus the question's own framework only (redis-py, FastAPI,
SQLAlchemy, boto3) and imports nothing else of ``tarento_lib``, so a candidate can read it
without knowing the library. Each passes its question's exercise suite, every case green
(``tests/test_answers.py``); the notebooks show it in "The interview answer" and the rest of
``tarento_lib`` shows what production adds.
"""
