"""The audit log: who changed what, from where, with the fields before and after.

Changes are captured from the ORM as they are flushed, so every mutation made on behalf
of a person or a token is recorded without each service having to remember to.
"""
