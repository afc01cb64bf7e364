"""Experiment builder: a six-step wizard from a problem to a running experiment.

Steps: 1 problem & hypothesis, 2 variants (with a live shop preview), 3 metrics, 4 power, 5 traffic (with the hash
visualiser), 6 review & launch. The learner moves freely between steps; the draft is kept in the browser, so a
reload continues it. "Save draft" stores the spec as a draft experiment; "Launch" stores it and starts it.

Query parameters (for links from elsewhere in the Lab, e.g. an Overview alert) start a fresh, prefilled draft;
the URL is then cleaned so a reload keeps the learner's edits:

* ``metric``: the primary metric's key (``marts.metrics``), e.g. ``conversion``;
* ``persona``: the shopper persona in focus (``swarm.personas``), e.g. ``cautious``;
* ``direction``: ``increase`` or ``decrease``;
* ``idea``: the change to test, in words (the hypothesis's change);
* ``why``: the rationale;
* ``expected``: the expected relative effect in percent, e.g. ``5``;
* ``name``: the experiment's name (the key follows it);
* any knob key from ``shop.knobs`` (e.g. ``banner_color=red``): the treatment variant's value for that knob.

``draft=KEY`` instead continues a stored draft experiment (the experiments list links to it). Every value is
checked by the wizard's rules like typed input, so a bad link shows inline problems and never reaches storage.

Example: ``/experiments/new?metric=conversion&persona=cautious&idea=show%20ratings%20on%20every%20card``.
"""

import reflex as rx

from novarium_app import routes
from novarium_app.builder.validation import STEP_TITLES
from novarium_app.components.builder_metrics import metrics_step
from novarium_app.components.builder_power import power_step
from novarium_app.components.builder_problem import problem_step
from novarium_app.components.builder_review import launched, review_step
from novarium_app.components.builder_state import BuilderState
from novarium_app.components.builder_stepper import stepper
from novarium_app.components.builder_traffic import traffic_step
from novarium_app.components.builder_variants import variants_step
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import WITH_SIDE_PANEL, error_callout, loading_grid, page_header
from novarium_app.i18n import t

STYLE = """
.card-icon { width: 2.25rem; height: 2.25rem; flex-shrink: 0; border-radius: var(--radius-3);
  background: var(--accent-3); color: var(--accent-11); }
.launch-icon { width: 4rem; height: 4rem; border-radius: 9999px; background: var(--accent-3); color: var(--accent-11); }
.tabular-nums { font-variant-numeric: tabular-nums; }
"""


def _start_over() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("rotate-ccw", size=14),
                t(("Start over", "처음부터")),
                variant="soft",
                color_scheme="gray",
                size="2",
                id="start-over",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(("Start over?", "처음부터 다시 할까요?"))),
            rx.alert_dialog.description(
                t(
                    (
                        "Everything typed in this design is cleared. Saved experiments are not touched.",
                        "이 설계에 입력한 내용이 모두 지워집니다. 저장된 실험은 그대로입니다.",
                    )
                ),
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        t(
                            (
                                "Keep editing",
                                "계속 편집",
                            )
                        ),
                        variant="soft",
                        color_scheme="gray",
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(
                        t(
                            (
                                "Clear the design",
                                "설계 지우기",
                            )
                        ),
                        color_scheme="red",
                        on_click=BuilderState.start_over,
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _header() -> rx.Component:
    return page_header(
        ("Design an experiment", "실험 설계"),
        (
            "From a problem to a running test in six steps. Your design is kept in this browser as you go.",
            "문제에서 실행 중인 실험까지 여섯 단계. 작성하는 내용은 이 브라우저에 계속 저장됩니다.",
        ),
        rx.cond(
            BuilderState.result_status != "running",
            rx.hstack(
                rx.cond(
                    BuilderState.own_key != "",
                    rx.badge(
                        rx.icon("file-pen", size=13),
                        t(("Draft ", "초안 ")),
                        BuilderState.own_key,
                        variant="surface",
                        size="2",
                        id="continuing-draft",
                    ),
                ),
                rx.tooltip(
                    rx.badge(
                        rx.icon("hard-drive-download", size=13),
                        t(("Kept in this browser", "브라우저에 보관됨")),
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                    ),
                    content=t(("Reloading the page keeps your design.", "페이지를 새로 고쳐도 설계가 유지됩니다.")),
                ),
                _start_over(),
                spacing="2",
                align="center",
                flex_shrink="0",
            ),
        ),
        back=rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), t(("Experiments", "실험")), spacing="1", align="center"),
            href=routes.EXPERIMENTS,
            size="2",
            color=rx.color("gray", 11),
            underline="none",
        ),
        wrap="wrap",
        spacing="4",
    )


def _panel() -> rx.Component:
    return rx.match(
        BuilderState.step,
        (0, problem_step()),
        (1, variants_step()),
        (2, metrics_step()),
        (3, power_step()),
        (4, traffic_step()),
        review_step(),
    )


def _nav() -> rx.Component:
    last = len(STEP_TITLES) - 1
    return rx.hstack(
        rx.button(
            rx.icon("arrow-left", size=16),
            t(("Back", "이전")),
            on_click=BuilderState.back_step,
            disabled=BuilderState.step == 0,
            variant="soft",
            color_scheme="gray",
            size="3",
            id="builder-back",
        ),
        rx.spacer(),
        rx.text(
            t(("Step ", "")),
            BuilderState.step + 1,
            t((" of 6", " / 6단계")),
            size="2",
            color=rx.color("gray", 10),
        ),
        rx.spacer(),
        rx.cond(
            BuilderState.step < last,
            rx.button(
                t(("Next", "다음")),
                rx.icon("arrow-right", size=16),
                on_click=BuilderState.next_step,
                size="3",
                id="builder-next",
            ),
            rx.box(width="6rem"),
        ),
        align="center",
        width="100%",
        padding_top="0.5rem",
    )


def _loading() -> rx.Component:
    return rx.vstack(
        rx.skeleton(rx.card(height="5.5rem"), width="100%"),
        loading_grid(["28rem", "16rem"], grid_template_columns=WITH_SIDE_PANEL),
        spacing="4",
        width="100%",
        id="builder-loading",
    )


def _wizard() -> rx.Component:
    return rx.vstack(stepper(), _panel(), _nav(), spacing="4", width="100%", id="builder")


@lab_page(routes.BUILDER, "Design an experiment", on_load=BuilderState.load)
def builder() -> rx.Component:
    """The experiment builder."""
    return rx.vstack(
        rx.el.style(STYLE),
        _header(),
        rx.cond(
            BuilderState.load_error != "",
            error_callout(
                t(
                    (
                        "Could not read the warehouse, so baselines and key checks are missing: ",
                        "웨어하우스를 읽지 못해 기준값과 키 확인을 할 수 없습니다: ",
                    )
                ),
                BuilderState.load_error,
                element_id="builder-error",
            ),
        ),
        rx.cond(
            BuilderState.loading,
            _loading(),
            rx.cond(BuilderState.result_status == "running", launched(), _wizard()),
        ),
        spacing="5",
        width="100%",
    )
