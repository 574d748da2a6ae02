"""The hand-off from the server's threads to the single writer that owns the store.

Request threads call :meth:`SaveDesk.submit` and wait on the returned future; the writer
(the GUI thread through a timer, or the headless command's main loop) calls
:meth:`SaveDesk.drain`, which is the only code that touches the store.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from navtool_desktop.core.records import Rating, utc_now
from navtool_desktop.errors import UserFacingError
from navtool_desktop.i18n import _


@dataclass(frozen=True)
class SaveJob:
    """One answer from a phone, checked by the server, not yet saved."""

    participant_id: str
    competency_id: str
    level: str
    practices: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class KeysJob:
    """The PINs and personal codes of the cycle changed (a PIN was set): keep them on disk
    (hashes only; ``phones/keys.py``) before the phone hears it joined. ``saved`` is called
    by the writer, so what it writes holds every change made before the job was queued."""

    saved: Callable[[], dict[str, Any]]


class SaveDesk:
    """A thread-safe queue of save jobs, each with a future the writer resolves."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[SaveJob | KeysJob, Future[Any]]] = queue.SimpleQueue()
        #: a job of the other kind met while draining: first in the next tick (writer only)
        self._held: tuple[SaveJob | KeysJob, Future[Any]] | None = None

    def submit(self, job: SaveJob | KeysJob) -> Future[Any]:
        """Queue a job (any thread); the future holds the saved record or the refusal."""
        future: Future[Any] = Future()
        self._queue.put((job, future))
        return future

    def pending(self) -> int:
        return self._queue.qsize() + (self._held is not None)

    def drain(self, write: Callable[[Sequence[Any]], list[Any]], *, limit: int = 60) -> int:
        """Take up to ``limit`` queued jobs and write them in one go; the number handled.

        ``write`` gets the jobs and returns one result per job: the saved record or a
        :class:`UserFacingError` for a job the store refused. Called on the writer thread
        only, once per timer tick: one file write per tick keeps the GUI thread free between,
        so a tick takes jobs of one kind only (answers, or the PINs kept beside them).
        """
        batch: list[tuple[SaveJob | KeysJob, Future[Any]]] = []
        if self._held is not None:
            batch.append(self._held)
            self._held = None
        while len(batch) < limit:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if batch and type(item[0]) is not type(batch[0][0]):
                self._held = item  # the other file: next tick
                break
            batch.append(item)
        if not batch:
            return 0
        try:
            results = write([job for job, _future in batch])
        except Exception as exc:  # the phone must hear something
            results = [exc] * len(batch)
        for (_job, future), result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
        return len(batch)

    def refuse_all(self, reason: str) -> None:
        """Fail every queued job (the server stopped before the writer got to them)."""
        held, self._held = self._held, None
        if held is not None:
            held[1].set_exception(UserFacingError(reason))
        while True:
            try:
                _job, future = self._queue.get_nowait()
            except queue.Empty:
                return
            future.set_exception(UserFacingError(reason))


def store_writer(store: Any, cycle_id: str) -> Callable[[Sequence[Any]], list[Any]]:
    """A ``write`` for :meth:`SaveDesk.drain` that saves ratings into a district store, and
    the cycle's PINs and codes beside it (:class:`KeysJob`).

    A batch is written as one file change; if the store refuses it, each job is tried on
    its own so one bad answer cannot fail the others.
    """
    from navtool_desktop.phones.keys import save_keys
    from navtool_desktop.storage import StoreError  # storage is below phones; no Qt

    def rating_of(job: SaveJob) -> Rating:
        old = store.cycle(cycle_id).rating_for(job.participant_id, job.competency_id)
        if old is None:
            return Rating(participant_id=job.participant_id, competency_id=job.competency_id,
                          level=job.level, practices=job.practices, note=job.note)
        changed: Rating = old.replace(updated=utc_now(), level=job.level, practices=job.practices,
                                      note=job.note)
        return changed

    def one(job: SaveJob) -> Any:
        try:
            return store.save_rating(cycle_id, rating_of(job))
        except (StoreError, UserFacingError) as exc:
            return exc
        except ValueError:
            return UserFacingError(_("That answer could not be saved."))

    def keys(newest: KeysJob) -> Any:
        try:
            save_keys(store, cycle_id, newest.saved())
        except (StoreError, OSError):
            return UserFacingError(_("Your PIN could not be kept on the laptop. Try again."))
        return True

    def write(all_jobs: Sequence[SaveJob | KeysJob]) -> list[Any]:
        key_jobs = [j for j in all_jobs if isinstance(j, KeysJob)]
        jobs = [j for j in all_jobs if isinstance(j, SaveJob)]
        if key_jobs:  # one write holds every queued change (it is read now)
            if jobs:  # SaveDesk.drain gives one kind per tick (one file write per tick)
                raise ValueError("a batch holds answers or PINs, not both")
            return [keys(key_jobs[-1])] * len(all_jobs)
        if len(jobs) > 1:
            # one write for the batch when each job is a different person and competency
            pairs = {(j.participant_id, j.competency_id) for j in jobs}
            if len(pairs) == len(jobs):
                try:
                    return list(store.save_ratings(cycle_id, [rating_of(j) for j in jobs]))
                except (StoreError, UserFacingError, ValueError):
                    pass  # fall through: one at a time, each with its own answer
        return [one(j) for j in jobs]

    return write
