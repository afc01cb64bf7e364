"""The world: this deployment's own persona sensitivities, drawn from a secret, so the truth is not open data.

Everything else the ground truth reads is public: the variants (``GET /api/experiments/{key}``), the population mix
(the warehouse's ``users.persona``), the run's days and switches, and the behaviour model and persona parameters in
this source code. What is not public is how strongly each shopper persona reacts to each knob. Each deployment's
database holds a secret, created once at random by a schema step (the hidden ``world_secret`` table); from it the
world draws every persona's ``SENSITIVITIES`` around their documented nominal values (``swarm.personas``):

    value = nominal * exp(JITTER_SD * z),  z = the normal quantile of HMAC-SHA256(secret, "persona.field"),

with ``z`` clipped to ``±Z_CLIP``. The multiplier is positive, so every sign is kept (urgency still repels the
cautious; a zero stays zero), and it is deterministic: the same secret gives the same world, in every process.

Only knob effects change. Under the shop's default settings every knob shift is zero (``swarm.behaviour``), so
baselines, the warehouse and A/A runs are the same in every world; the top-up of baskets near the free-delivery
threshold, which happens in the default shop too, is a baseline parameter (``Persona.top_up``) and is not drawn.

``NOMINAL`` is the world of the documented values: plans built without a world (unit tests, the Learn lessons' A/A
plans) live in it. A world goes over the admin API as ``to_dict`` (its id and sensitivities, never the secret).
"""

import hashlib
import hmac
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Any

from marts.storage import StorageError, Store
from swarm.personas import PERSONAS, SHOPPERS, Persona

SENSITIVITIES: tuple[str, ...] = (
    "price_sensitivity",
    "discount_sensitivity",
    "urgency_response",
    "rating_reliance",
    "layout_preference",
)
"""The persona parameters that scale how a knob moves behaviour (see ``swarm.behaviour.knob_shifts``)."""
JITTER_SD = 0.35
"""Standard deviation of log(value / nominal)."""
Z_CLIP = 2.5
"""Normal draws are clipped here, so a multiplier stays within exp(±0.875) (0.42 to 2.4)."""
_NORMAL = NormalDist()
_LOWEST = math.exp(-JITTER_SD * Z_CLIP) * (1 - 1e-9)
_HIGHEST = math.exp(JITTER_SD * Z_CLIP) * (1 + 1e-9)


def _multiplier(secret: bytes, label: str) -> float:
    digest = hmac.new(secret, label.encode(), hashlib.sha256).digest()
    uniform = (int.from_bytes(digest[:8], "big") + 0.5) / 2.0**64
    z = min(max(_NORMAL.inv_cdf(uniform), -Z_CLIP), Z_CLIP)
    return math.exp(JITTER_SD * z)


def _problems(sensitivities: Mapping[str, Mapping[str, float]]) -> list[str]:
    if not isinstance(sensitivities, Mapping):
        return ["world.sensitivities: must map persona names to their sensitivities"]
    problems = []
    shoppers = {p.name for p in SHOPPERS}
    for name, values in sensitivities.items():
        if name not in shoppers:
            problems.append(
                f"world.sensitivities.{name}: unknown shopper persona; known: {', '.join(sorted(shoppers))}"
            )
            continue
        if not isinstance(values, Mapping):
            problems.append(f"world.sensitivities.{name}: must map sensitivity names to numbers")
            continue
        for key, value in values.items():
            where = f"world.sensitivities.{name}.{key}"
            nominal = getattr(PERSONAS[name], key, None) if key in SENSITIVITIES else None
            if nominal is None:
                problems.append(f"{where}: unknown sensitivity; known: {', '.join(SENSITIVITIES)}")
            elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                problems.append(f"{where}: must be a finite number (got {value!r})")
            elif value * nominal < 0 or (value == 0) != (nominal == 0):
                problems.append(f"{where}: must have the sign of the nominal {nominal:g} (got {value})")
            elif nominal != 0 and not _LOWEST <= value / nominal <= _HIGHEST:
                problems.append(
                    f"{where}: must be {_LOWEST:.3f} to {_HIGHEST:.3f} times the nominal {nominal:g} (got {value})"
                )
    return problems


@dataclass(frozen=True)
class World:
    """Every shopper persona's knob sensitivities in one deployment.

    Attributes:
        world_id: a short id derived one-way from the secret (None for the nominal world); stored with each plan,
            so a run is always rebuilt in the world it was made in.
        sensitivities: persona -> sensitivity -> value, for the personas and fields that differ from nominal.
    """

    world_id: str | None
    sensitivities: Mapping[str, Mapping[str, float]]
    _personas: dict[str, Persona] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = _problems(self.sensitivities)
        if problems:
            raise ValueError("; ".join(problems))
        if self.world_id is not None and (not isinstance(self.world_id, str) or not self.world_id):
            raise ValueError(f"world.world_id: must be a non-empty string or null (got {self.world_id!r})")
        personas = {name: replace(p, **self.sensitivities.get(name, {})) for name, p in PERSONAS.items()}
        object.__setattr__(self, "_personas", personas)

    @classmethod
    def from_secret(cls, secret: bytes) -> "World":
        """The world a secret draws (see the module's docstring).

        Raises:
            ValueError: when the secret is shorter than 16 bytes.
        """
        if len(secret) < 16:
            raise ValueError(f"secret: must hold at least 16 bytes (got {len(secret)})")
        drawn = {
            persona.name: {
                name: getattr(persona, name) * _multiplier(secret, f"{persona.name}.{name}") for name in SENSITIVITIES
            }
            for persona in SHOPPERS
        }
        world_id = hmac.new(secret, b"world-id", hashlib.sha256).hexdigest()[:16]
        return cls(world_id, drawn)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "World":
        """The world ``to_dict`` wrote; raises ValueError naming the field and the rule."""
        if not isinstance(data, Mapping) or not isinstance(data.get("sensitivities"), Mapping):
            raise ValueError("world: must be an object with world_id and sensitivities")
        return cls(data.get("world_id"), {p: dict(v) for p, v in data["sensitivities"].items()})

    @property
    def nominal(self) -> bool:
        """Whether this is the world of the documented values."""
        return self.world_id is None

    def persona(self, name: str) -> Persona:
        """The persona ``name`` as it behaves in this world."""
        return self._personas[name]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (admin only: whoever holds it can compute every truth of this world)."""
        return {"world_id": self.world_id, "sensitivities": {p: dict(v) for p, v in self.sensitivities.items()}}


NOMINAL = World(None, {})
"""The world of the personas' documented values."""


def world_of(store: Store) -> World:
    """The store's world, drawn from its stored secret.

    Raises:
        StorageError: when the database holds no world secret (its schema step creates one).
    """
    secret = store.scalar("SELECT secret FROM world_secret WHERE world_key = 1")
    if not secret:
        raise StorageError("world: the database holds no world secret (its schema step, 'world', creates one)")
    return World.from_secret(bytes.fromhex(secret))


def plan_world(stored_id: str | None, world: "World | None") -> World:
    """The world to rebuild a stored plan in: nominal for plans made without one, else ``world`` when it matches.

    Raises:
        ValueError: when the plan was made in a world and ``world`` is another one (or missing).
    """
    if stored_id is None:
        return NOMINAL
    if world is None or world.world_id != stored_id:
        found = "none" if world is None else repr(world.world_id)
        raise ValueError(f"world: the plan was made in world {stored_id!r}; rebuild it in that world (got {found})")
    return world
