"""What both simulators' states share (a state mixin): the form's choices and errors, and the run with progress.

A simulator state sets its typed fields as vars and overrides the ``_lesson_*`` hooks; its background ``run`` event
delegates to ``_simulate``, which validates, runs the lesson in a worker thread through ``learn_jobs`` and shows
the result, with a toast in the learner's language at each end.
"""

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import reflex as rx

from novarium_app.components.learn_form import FormCheck, Text, Whole, update_errors
from novarium_app.components.learn_jobs import end_job, run_job, start_job, stop_job
from novarium_app.i18n import LocaleState, pick
from swarm.lessons import LessonCancelled

log = logging.getLogger("novarium.learn")

METRIC_OPTIONS: tuple[tuple[str, Text], ...] = (
    ("conversion", ("Conversion", "전환율")),
    ("revenue", ("Revenue / visitor", "방문자당 매출")),
)
ALPHA_OPTIONS: tuple[tuple[str, Text], ...] = (("0.01", ("1%", "1%")), ("0.05", ("5%", "5%")), ("0.1", ("10%", "10%")))
NOT_RUN: Text = ("Check the highlighted fields: nothing was run.", "표시된 항목을 확인하세요. 실행하지 않았습니다.")
FAILED: Text = ("The simulation failed: ", "시뮬레이션이 실패했습니다: ")


class LessonState(rx.State, mixin=True):
    """The shared half of a simulator's state."""

    metric: str = "conversion"
    alpha: str = "0.05"
    errors_en: dict[str, str] = {}
    errors_ko: dict[str, str] = {}
    running: bool = False
    done: int = 0
    total: int = 0
    has_result: bool = False

    # ----- hooks a simulator overrides ---------------------------------------------------------------------------

    def _lesson_name(self) -> str:
        raise NotImplementedError

    def _lesson_fields(self) -> Mapping[str, Whole]:
        raise NotImplementedError

    def _lesson_validate(self, form: Mapping[str, str]) -> FormCheck:
        raise NotImplementedError

    def _lesson_work(self, settings: Any) -> Callable:
        """``work(progress, cancel) -> result`` for ``learn_jobs.run_job``."""
        raise NotImplementedError

    def _lesson_show(self, result: Any) -> None:
        raise NotImplementedError

    def _lesson_done(self, settings: Any) -> Text:
        raise NotImplementedError

    # ----- the form --------------------------------------------------------------------------------------------

    def _form(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in (*self._lesson_fields(), "metric", "alpha")}

    def _show_errors(self, errors: Mapping[str, Text]) -> None:
        self.errors_en = {name: text[0] for name, text in errors.items()}
        self.errors_ko = {name: text[1] for name, text in errors.items()}

    @rx.event
    def set_field(self, name: str, value: str):
        """Store a typed field and check it at once, so the error shows while the learner types."""
        if name not in self._lesson_fields() or self.running:
            return
        setattr(self, name, value)
        errors = {key: (self.errors_en[key], self.errors_ko[key]) for key in self.errors_en}
        self._show_errors(update_errors(self._lesson_fields(), self._form(), name, errors))

    @rx.event
    def set_metric(self, value: str | list[str]):
        """Conversion or revenue per visitor."""
        if isinstance(value, str) and value in dict(METRIC_OPTIONS) and not self.running:
            self.metric = value

    @rx.event
    def set_alpha(self, value: str | list[str]):
        """The significance level, one of the offered choices."""
        if isinstance(value, str) and value in dict(ALPHA_OPTIONS) and not self.running:
            self.alpha = value

    # ----- the run ---------------------------------------------------------------------------------------------

    def _job_key(self) -> str:
        return f"{self.router.session.client_token}:{self._lesson_name()}"

    @rx.event
    def stop(self):
        """Ask the running simulation to stop after the experiment in hand."""
        stop_job(self._job_key())

    async def _simulate(self) -> AsyncIterator[Any]:
        """Validate; run the lesson off the event loop with progress; show the result. Yields toasts."""
        async with self:
            if self.running:
                return
            locale = (await self.get_state(LocaleState)).locale
            check = self._lesson_validate(self._form())
            self._show_errors(check.errors)
            key = self._job_key()
            job = start_job(key) if check.settings is not None else None
            if job is not None:
                self.running, self.done, self.total = True, 0, check.settings.experiments
        if check.settings is None:
            yield rx.toast.error(pick(locale, NOT_RUN))
            return
        if job is None:
            return

        async def report(done: int, total: int) -> None:
            async with self:
                self.done, self.total = done, total

        try:
            result = await run_job(job, self._lesson_work(check.settings), report)
        except LessonCancelled as stopped:
            yield rx.toast.info(pick(locale, (f"Simulation {stopped}.", "시뮬레이션을 중지했습니다.")))
            return
        except (ValueError, ArithmeticError, MemoryError) as error:
            log.exception("the %s simulation failed", self._lesson_name())
            yield rx.toast.error(pick(locale, FAILED) + str(error))
            return
        finally:
            end_job(key)
            async with self:
                self.running = False
        async with self:
            self._lesson_show(result)
            self.has_result = True
        yield rx.toast.success(pick(locale, self._lesson_done(check.settings)))

    @rx.var
    def percent_done(self) -> int:
        """The share of experiments simulated, 0 to 100."""
        return int(100 * self.done / self.total) if self.total else 0

    @rx.var
    def progress_label(self) -> str:
        """Experiments done of planned, e.g. "312 / 1,000"."""
        return f"{self.done:,} / {self.total:,}"
