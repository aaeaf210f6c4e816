"""Saving and restoring everything the emulator holds, inside the emulator process.

Why our own code: moto 5.2 has no persistence of its own (its `/moto-api/data.json` is a
read-only, lossy dump: no S3 bodies, no KMS key material, no zips), and its recorder
replays requests, which makes new random ids (Cognito pool ids, API ids, KMS key ids),
so Terraform's state would name resources that no longer exist. LocalStack's persistence
pickles moto's backends; so does this module: every backend in use (`BackendDict`, by
service, account and region) goes into one pickle, so objects that refer to each other
across services still do after a restore. Locks (moto keeps some in its models) are
pickled as new, unlocked locks. Measured on the local stack: see docs/local-cloud.md.

The file starts with a header naming the format, Python and moto versions; a file from
another version, or one that does not unpickle whole, is refused before anything in the
emulator changes (never a half-restored emulator).
"""

from __future__ import annotations

import functools
import io
import pickle
import threading
import traceback
import weakref
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localcloud.emulator import STATE_ROUTE

FORMAT = "localcloud-emulator-state/1"

_LOCK_TYPES: tuple[type, ...] = (type(threading.Lock()), type(threading.RLock()))


class StateRefusedError(RuntimeError):
    """The file is not a state this emulator can restore whole."""


def _versions() -> dict[str, str]:
    import sys
    from importlib.metadata import version

    return {
        "format": FORMAT,
        "python": ".".join(map(str, sys.version_info[:3])),
        "moto": version("moto"),
    }


def _new_lock(reentrant: bool) -> Any:
    return threading.RLock() if reentrant else threading.Lock()


def _weak_values(items: dict[Any, Any]) -> Any:
    import weakref

    return weakref.WeakValueDictionary(items)


def _portable_factory(factory: Any) -> Any:
    """A picklable stand-in for a defaultdict's factory that pickle cannot name (moto
    writes `defaultdict(lambda: {})`): the type of the empty value it makes."""
    qualified = getattr(factory, "__qualname__", "")
    if factory is None or ("<lambda>" not in qualified and "<locals>" not in qualified):
        return factory
    made = factory()
    if isinstance(made, defaultdict) and not made:
        return functools.partial(defaultdict, _portable_factory(made.default_factory))
    if type(made) in (dict, list, set, int, float, str, tuple) and made == type(made)():
        return type(made)
    raise pickle.PicklingError(f"cannot pickle the defaultdict factory {qualified}")


def _private_key(pem: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    # The key was valid when saved (it came from a live key object): checking an RSA key
    # again costs ~0.2 s each, most of a restore.
    return load_pem_private_key(pem, password=None, unsafe_skip_rsa_key_validation=True)


def _public_key(pem: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(pem)


def _key_types() -> tuple[tuple[type, ...], tuple[type, ...]]:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    private = (
        rsa.RSAPrivateKey,
        ec.EllipticCurvePrivateKey,
        ed25519.Ed25519PrivateKey,
        ed448.Ed448PrivateKey,
        dsa.DSAPrivateKey,
    )
    public = (
        rsa.RSAPublicKey,
        ec.EllipticCurvePublicKey,
        ed25519.Ed25519PublicKey,
        ed448.Ed448PublicKey,
        dsa.DSAPublicKey,
    )
    return private, public


class _StatePickler(pickle.Pickler):
    """Pickles what moto's models hold that pickle itself refuses: locks (as new, unlocked
    ones), defaultdicts made with a lambda, weak-valued indexes (their values are pickled
    where they are held) and `cryptography` keys (KMS asymmetric keys, Cognito's signing
    key) as PEM."""

    def __init__(self, file: Any, protocol: int) -> None:
        super().__init__(file, protocol=protocol)
        self._private_keys, self._public_keys = _key_types()

    def reducer_override(self, obj: Any) -> Any:
        from cryptography.hazmat.primitives import serialization as pem

        if type(obj) in _LOCK_TYPES:
            return _new_lock, (type(obj) is _LOCK_TYPES[1],)
        if type(obj) is defaultdict:
            factory = _portable_factory(obj.default_factory)
            if factory is not obj.default_factory:
                return defaultdict, (factory,), None, None, iter(obj.items())
            return NotImplemented
        if type(obj) is weakref.WeakValueDictionary:  # Lambda's index of functions by ARN
            return _weak_values, (dict(obj.items()),)
        key: Any = obj
        if isinstance(obj, self._private_keys):
            encoded = key.private_bytes(
                pem.Encoding.PEM, pem.PrivateFormat.PKCS8, pem.NoEncryption()
            )
            return _private_key, (encoded,)
        if isinstance(obj, self._public_keys):
            encoded = key.public_bytes(pem.Encoding.PEM, pem.PublicFormat.SubjectPublicKeyInfo)
            return _public_key, (encoded,)
        return NotImplemented


@dataclass(frozen=True)
class SavedState:
    path: Path
    services: list[str]
    size_bytes: int


def _backends_in_use() -> dict[str, dict[str, dict[str, Any]]]:
    """{service: {account: {region: backend}}} of every backend moto has created."""
    from moto.core.base_backend import BackendDict

    state: dict[str, dict[str, dict[str, Any]]] = {}
    for backend_dict in list(BackendDict._instances):  # type: ignore[misc]
        accounts = {
            account: dict(regions.items()) for account, regions in list(backend_dict.items())
        }
        if any(accounts.values()):
            state[backend_dict.service_name] = accounts
    return state


def save(path: Path) -> SavedState:
    """Writes every backend in use to ``path`` (atomically: a temporary file, renamed).

    Call it while no request changes the emulator (the local cloud does, right after
    `terraform apply` and before its runtime starts)."""
    from moto.core.base_backend import backend_lock

    buffer = io.BytesIO()
    with backend_lock:
        backends = _backends_in_use()
        pickle.dump(_versions(), buffer, protocol=pickle.HIGHEST_PROTOCOL)  # read first, alone
        _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(backends)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(path)
    return SavedState(path=path, services=sorted(backends), size_bytes=len(buffer.getvalue()))


def load(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Reads a saved state whole, or raises StateRefusedError; changes nothing."""
    try:
        with path.open("rb") as file:
            header = pickle.load(file)
            if header != _versions():
                raise StateRefusedError(f"saved by {header}, this emulator is {_versions()}")
            backends = pickle.load(file)
    except StateRefusedError:
        raise
    except Exception as error:  # unreadable, truncated, a class that moved: all the same
        raise StateRefusedError(f"{type(error).__name__}: {error}") from error
    if not isinstance(backends, dict):
        raise StateRefusedError("not a saved emulator state")
    return backends


def restore(path: Path) -> list[str]:
    """Puts a saved state in place of an emulator that holds nothing yet; returns the
    services restored. Refused (StateRefusedError) before any change when the file is not
    a whole state of this version."""
    from moto.backends import get_backend
    from moto.core.base_backend import BackendDict

    backends = load(path)
    targets = {service: get_backend(service) for service in backends}  # type: ignore[call-overload]
    if any(targets[s] in BackendDict._instances for s in targets):  # type: ignore[misc]
        raise StateRefusedError("the emulator holds resources already")
    for service, accounts in backends.items():
        backend_dict = targets[service]
        for account, regions in accounts.items():
            account_backends = backend_dict[account]  # moto creates the account's dict
            for region, backend in regions.items():
                dict.__setitem__(account_backends, region, backend)
    _continue_ses_send_order()
    return sorted(backends)


def _continue_ses_send_order() -> None:
    """E-mails restored keep their send numbers; new ones are numbered after them."""
    from moto.ses.models import Message, RawMessage, TemplateMessage

    from localcloud import emulator_server

    numbers = [
        getattr(message, "sent_sequence", 0)
        for model in (Message, RawMessage, TemplateMessage)
        for message in model.instances_tracked  # type: ignore[union-attr]
    ]
    emulator_server.continue_ses_numbering_after(max(numbers, default=0))


def add_state_route() -> None:
    """``POST /moto-api/localcloud/state`` ``{"save": "<path>"}`` saves the emulator's
    state to that file and answers the services saved and the size."""
    import json

    from moto.moto_api._internal import urls

    def state_view(request: Any, _full_url: str, _headers: Any) -> Any:
        if request.method != "POST":
            return 405, {}, json.dumps({"message": 'POST {"save": "<path>"}'})
        raw = request.data if hasattr(request, "data") else request.body
        try:
            target = json.loads(raw or b"{}").get("save")
        except (ValueError, AttributeError):
            target = None
        if not isinstance(target, str) or not target:
            return 400, {}, json.dumps({"message": 'send {"save": "<absolute path>"}'})
        try:
            saved = save(Path(target))
        except Exception as error:  # say what could not be saved; the emulator goes on
            traceback.print_exc()
            message = f"the state could not be saved: {type(error).__name__}: {error}"
            return 500, {"Content-Type": "application/json"}, json.dumps({"message": message})
        body = {"path": str(saved.path), "services": saved.services, "bytes": saved.size_bytes}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    urls.url_paths["{0}" + STATE_ROUTE] = state_view  # type: ignore[assignment]
