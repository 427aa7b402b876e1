"""What a webhook carries, exactly as the official SDK reads it
(docs/behaviour.md §8.3, §8.6):

    body    the bare compact RS256 JWT
    claims  {"data": <envelope as a JSON string>, "iat", "exp"}  (wall clock)
    envelope {"eventType", "instanceId", "data": <domain event as a JSON string>,
              "identity": <identity as a JSON string>,
              "accountInfo": {"accountId", "siteId"}}

`data` and `identity` are strings and `accountInfo` an object: the SDK rejects
anything else. `decode` is the inverse, for Python receivers in tests.
"""

from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

import orjson

from ...config import NOTHING
from ...state.clock import Ids
from ...state.events import Event

Json = dict[str, Any]

#: How long a token stays valid after it is signed (`exp` - `iat`). Wix does
#: not document it; a receiver checks `exp` when present.
TOKEN_TTL_SECONDS = 3600


def _derived_guid(ids: Ids, name: str) -> str:
    """A GUID v4 that depends only on the seed and `name`."""
    bits = random.Random(ids.derive(name)).getrandbits(128)
    return str(uuid.UUID(int=bits, version=4))


@functools.lru_cache(maxsize=4096)
def _instance_id(seed: int, site_id: str) -> str:
    bits = random.Random(f"{seed}:webhook-instance:{site_id}").getrandbits(128)
    return str(uuid.UUID(int=bits, version=4))


class AppIdentity(NamedTuple):
    """Who the webhooks are addressed to: one app, installed on every site
    with one instance id per site, owned by one account. Ids not given as
    settings are derived from the seed, so they are stable for a seeded app."""

    app_id: str
    account_id: str
    seed: int
    instance_ids: Mapping[str, str] = NOTHING

    @classmethod
    def create(
        cls, ids: Ids, app_id: str | None, instance_ids: Mapping[str, str]
    ) -> AppIdentity:
        return cls(
            app_id=app_id or _derived_guid(ids, "webhook-app-id"),
            account_id=_derived_guid(ids, "webhook-account-id"),
            seed=ids.seed,
            instance_ids=dict(instance_ids),
        )

    def instance_id(self, site_id: str) -> str:
        """The app's instance id on `site_id` (a setting, or derived)."""
        given = self.instance_ids.get(site_id)
        if given is not None:
            return given
        return _instance_id(self.seed, site_id)

    def identity(self) -> Json:
        """The caller of every write, as Wix names it in `identity`: the app
        (docs/webhooks.md; the fake does not model users or visitors)."""
        return {"identityType": "APP", "appId": self.app_id}


def envelope(event: Event, app: AppIdentity) -> Json:
    """The decoded `data` claim of the webhook for `event`."""
    return {
        "eventType": event.event_type,
        "instanceId": app.instance_id(event.site_id),
        "data": orjson.dumps(event.to_dict()).decode(),
        "identity": orjson.dumps(app.identity()).decode(),
        "accountInfo": {"accountId": app.account_id, "siteId": event.site_id},
    }


def payload(event: Event, app: AppIdentity) -> str:
    """The `data` claim: the envelope as one JSON string. It is fixed when the
    event happens; retries and redeliveries send the same string, as Wix
    resends the data of the time of the event."""
    return orjson.dumps(envelope(event, app)).decode()


def claims(data: str, now: float) -> Json:
    """The JWT claims for one attempt, timed by the wall clock `now`."""
    issued = int(now)
    return {"data": data, "iat": issued, "exp": issued + TOKEN_TTL_SECONDS}


def decode(token: str | bytes, public_key: str) -> Json:
    """Verify a webhook body with the public key (PEM or base64 of the PEM)
    and unpack it: ``{eventType, instanceId, identity, accountInfo, event,
    claims}`` with `identity` and the domain event `event` parsed. Raises
    jwt.InvalidTokenError for a bad signature, an expired token or a token
    that is not a webhook."""
    import base64

    from .signing import require_crypto

    require_crypto()
    import jwt

    key = public_key.strip()
    if "\n" not in key and "-----BEGIN" not in key:
        key = base64.b64decode(key).decode("ascii")
    text = token.decode("ascii") if isinstance(token, bytes) else token
    decoded = jwt.decode(
        text, key, algorithms=["RS256"], options={"require": ["data", "iat"]}
    )
    data = decoded["data"]
    if not isinstance(data, str):
        raise jwt.InvalidTokenError("the data claim must be a JSON string")
    outer = orjson.loads(data)
    return {
        "eventType": outer["eventType"],
        "instanceId": outer["instanceId"],
        "identity": orjson.loads(outer["identity"]),
        "accountInfo": outer.get("accountInfo"),
        "event": orjson.loads(outer["data"]),
        "claims": decoded,
    }
