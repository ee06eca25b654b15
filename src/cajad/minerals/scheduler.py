"""Where the chunked work of a run executes: threads of this process (the default), or an
existing ``dask.distributed`` cluster given by its scheduler address.

Every task of a run is picklable (blocks are read by path, GeoTIFFs are written here from
computed blocks), so the same code runs on both. Workers must see the evidence and output folders
at the same paths (a shared disk, or a cluster on this machine).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from cajad.minerals.errors import MineralsError

__all__ = ["SchedulerError", "dask_scheduler"]


class SchedulerError(MineralsError, ConnectionError):
    """The dask scheduler asked for cannot be reached."""


@contextmanager
def dask_scheduler(address: str | None, *, timeout: float = 10.0) -> Iterator[None]:
    """Inside the block, dask computations run on the distributed scheduler at ``address``
    (e.g. ``tcp://10.0.0.5:8786``); with None or "" they run on local threads."""
    if not address:
        yield
        return
    from distributed import Client

    try:
        client = Client(address, timeout=timeout)  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise SchedulerError(f"cannot reach the dask scheduler at {address}: {exc}") from exc
    with client:
        yield
