"""Types for the API's parameters, bounded so that the schema says what the database can take.

SQLite and PostgreSQL store integers in 64 bits: an id of 36 digits was a 500 (OverflowError) on
SQLite; bounded here, it is a 422 that names the bound.
"""

from typing import Annotated

from pydantic import Field

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
SmallCode = Annotated[int, Field(ge=0, le=100)]  # choices stored as small integers (学历 …)
