"""Several panels of a page answered by one callback request: a board of sections.

A change of the map page's area or window used to send one request per side panel (eleven in
all, measured in Chromium), each paying for the session check, the data version and Dash's
dispatch, and all of them contending for two cores. A *section* is declared like a callback
(``@section(cap, Output…, Input…, State…)``) but is not one: ``register`` joins every section
of a page into one ``secure_callback`` whose inputs are the union of theirs. On each request
only the sections whose inputs changed run (all of them on the first call); the others
answer ``no_update``. Each section keeps its own capability: a viewer without it gets
``no_update`` from that section, never its data (and geodata checks again underneath).

The one callback declares the strongest capability of its sections, so the guard refuses a
role that could use none of them, as it refused each panel's own callback before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import dash
from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from dashboard.auth.guard import current_viewer
from dashboard.auth.policy import secure_callback
from geodata.roles import Cap

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Section:
    """One panel's part of a board: its function and dependencies, as a callback's would be."""

    name: str
    fn: Callable[..., Any]
    cap: Cap
    outputs: tuple[Output, ...]
    inputs: tuple[Input, ...]
    states: tuple[State, ...]


_BOARDS: dict[str, list[Section]] = {}


def _key(dep: Input | State | Output) -> str:
    return f"{dep.component_id}.{dep.component_property}"


def section(board: str, cap: Cap, *deps: Output | Input | State) -> Callable[[F], F]:
    """Declare ``fn`` as a section of ``board``; it is called with its inputs, then states,
    in the order given, and returns its outputs as a callback would (one value for one
    output, a tuple for several). ``fn`` stays a plain function (tests call it directly)."""

    def deco(fn: F) -> F:
        sections = _BOARDS.setdefault(board, [])
        if any(s.name == fn.__name__ for s in sections):
            return fn  # a module imported twice (tests): declared once
        sections.append(
            Section(
                name=fn.__name__,
                fn=fn,
                cap=cap,
                outputs=tuple(d for d in deps if isinstance(d, Output)),
                inputs=tuple(d for d in deps if isinstance(d, Input)),
                states=tuple(d for d in deps if isinstance(d, State)),
            )
        )
        return fn

    return deco


def sections(board: str) -> list[Section]:
    return list(_BOARDS.get(board, []))


def register(
    board: str, cap: Cap, *, gate: tuple[Input, Input] | None = None
) -> Callable[..., list[Any]]:
    """The one callback of ``board`` (declared with ``cap``), from the sections declared so
    far. ``gate = (held_by, stands_for)``: one more input, ``held_by``, written in the browser
    after ``stands_for`` (Dash holds a callback back while another one is to write one of its
    inputs), whose change runs the sections that take ``stands_for``."""
    parts = sections(board)
    inputs: dict[str, Input] = {}
    states: dict[str, State] = {}
    for s in parts:
        for i in s.inputs:
            inputs.setdefault(_key(i), i)
    alias: dict[str, str] = {}
    if gate is not None:
        inputs.setdefault(_key(gate[0]), gate[0])
        alias[_key(gate[0])] = _key(gate[1])
    for s in parts:
        for st in s.states:
            if _key(st) not in inputs:
                states.setdefault(_key(st), st)
    names = [*inputs, *states]
    outputs = [o for s in parts for o in s.outputs]

    def answer(*values: Any) -> list[Any]:
        given = dict(zip(names, values, strict=True))
        changed = set(dash.ctx.triggered_prop_ids) if dash.ctx.triggered else set()
        changed = {alias.get(c, c) for c in changed}
        viewer = current_viewer()
        out: list[Any] = []
        for s in parts:
            runs = not changed or any(_key(i) in changed for i in s.inputs)
            answered: tuple[Any, ...] = (dash.no_update,) * len(s.outputs)
            if runs and viewer.can(s.cap):
                try:
                    got = s.fn(*(given[_key(d)] for d in (*s.inputs, *s.states)))
                except PreventUpdate:
                    got = dash.no_update
                if len(s.outputs) == 1:
                    answered = (got,)
                elif got is not dash.no_update:
                    answered = tuple(got)
            out.extend(answered)
        return out

    answer.__name__ = f"board_{board}"
    answer.__doc__ = f"The sections of the {board} board: " + ", ".join(s.name for s in parts)
    return secure_callback(cap, *outputs, *inputs.values(), *states.values())(answer)
