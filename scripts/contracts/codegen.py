"""Validator source code from a JSON Schema: fastjsonschema's draft-07 code generator, with
faster code for the same checks.

The checks, their order and the errors (`JsonSchemaValueException` with the same message,
`name`, `value`, `definition` and `rule`) are fastjsonschema's; only how the valid path is
written changes (a validator mostly sees valid events):

- `required`: `"a" in data and "b" in data` instead of building a set per object (the
  missing keys are only computed to report them);
- `properties` and `additionalProperties: false`: no copy of the keys with one removal per
  declared property; an undeclared key is found by counting (every required key is there,
  so an object of exactly that many keys has none) or by one `issuperset` with a constant;
  a required property is read without testing for it again;
- a keyword guarded by the value's type (`if isinstance(x, str)` before a `pattern`,
  `minimum`, ...) is not guarded again when `type` has already rejected the other types
  (the guard is written `if True:`, and that block is dedented);
- `$ref`: the referenced schema is generated in place instead of called as a function
  (which also computed the path of every array item for its `name_prefix` argument); a
  recursive reference stays a call;
- regular expressions (formats and patterns) are called through module-level bound methods
  instead of a dictionary look-up per call; an `enum` of strings is one set look-up;
  `uniqueItems` uses a module-level key function instead of defining one per call;
- the `definition` attached to an error is a module-level constant instead of a dict
  literal rebuilt at every raise (errors are cheaper, and modules smaller).

`tests/contract/test_generated_code.py` checks that generated and plain fastjsonschema
validators agree on every example and on many variations of them.
"""

from __future__ import annotations

import re
from typing import Any

import fastjsonschema
from fastjsonschema import generator
from fastjsonschema.draft04 import DOLLAR_FINDER
from fastjsonschema.draft07 import CodeGeneratorDraft07
from fastjsonschema.ref_resolver import RefResolver

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# Guards fastjsonschema writes before a keyword that applies to one type only, and the JSON
# types for which the guard always holds.
_TYPE_GUARDS: dict[str, frozenset[str]] = {
    "if isinstance({variable}, str):": frozenset({"string"}),
    "if isinstance({variable}, (int, float, Decimal)) and not isinstance({variable}, bool):": (
        frozenset({"integer", "number"})
    ),
    "if {variable}_is_dict:": frozenset({"object"}),
    "if {variable}_is_list:": frozenset({"array"}),
}
_TYPE_FLAGS: dict[str, tuple[str, frozenset[str]]] = {
    "{variable}_is_dict = isinstance({variable}, dict)": (
        "{variable}_is_dict = True",
        frozenset({"object"}),
    ),
    "{variable}_is_list = isinstance({variable}, (list, tuple))": (
        "{variable}_is_list = True",
        frozenset({"array"}),
    ),
}
ALWAYS = "if True:"

# `uniqueItems`: fastjsonschema's key function (booleans apart from 0 and 1, containers
# made hashable), defined once per module.
_UNIQUE_KEY = (
    "def _unique_key(var): "
    "return frozenset(dict((k, _unique_key(v)) for k, v in var.items()).items()) "
    'if hasattr(var, "items") else tuple(_unique_key(v) for v in var) '
    "if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var"
)


# fastjsonschema's generator is untyped (and "can be changed without noticing", it says: the
# tests in tests/contract/test_generated_code.py are what pins its behaviour down).
_Generator: Any = CodeGeneratorDraft07
_enforce_list: Any = generator.enforce_list
_repr_default: Any = generator.repr_default


class FastCodeGenerator(_Generator):  # type: ignore[misc]
    """fastjsonschema's draft-07 generator, writing faster code for the same checks."""

    def __init__(self, definition: Any, **options: Any) -> None:
        super().__init__(definition, **options)
        # module-level constants: source -> name, in order of first use
        self._constants: dict[str, str] = {}
        self._helpers: list[str] = []
        # variable -> [(scope where `type` was checked, the JSON types it allows)]
        self._known_types: dict[str, list[tuple[tuple[int, ...], frozenset[str]]]] = {}
        # `required` keys checked (fast fail) for a variable, by scope
        self._present_keys: dict[str, list[tuple[tuple[int, ...], frozenset[str]]]] = {}
        self._inlining: list[str] = []
        # Off for good once a keyword replaces a value by its decoded content: what was
        # learnt about values (kept in the blocks around this one) may no longer hold.
        self._values_stay = True

    # -- output ------------------------------------------------------------------------------

    @property
    def func_code(self) -> str:
        return _dedent_always_blocks(super().func_code)

    @property
    def global_state_code(self) -> str:
        code: str = super().global_state_code
        extra = [f"{name} = {source}" for source, name in self._constants.items()]
        return code + "\n".join([*extra, *self._helpers]) + ("\n" if extra or self._helpers else "")

    def _constant(self, source: str, prefix: str) -> str:
        """The name of a module-level constant with this source code."""
        if source not in self._constants:
            self._constants[source] = f"{prefix}_{len(self._constants)}"
        return self._constants[source]

    # -- what is known at this point of the generated code -----------------------------------

    def _in_scope(self, scope: tuple[int, ...]) -> bool:
        """Whether code written now runs only after code written in `scope` ran."""
        return tuple(self._scope_stack[: len(scope)]) == scope

    def _known_type(self, variable: str) -> frozenset[str] | None:
        if not self._values_stay:
            return None
        known = None
        for scope, types in self._known_types.get(variable, []):
            if self._in_scope(scope):
                known = types if known is None else known & types
        return known

    def _present(self, variable: str) -> frozenset[str]:
        present: frozenset[str] = frozenset()
        if not self._values_stay:
            return present
        for scope, keys in self._present_keys.get(variable, []):
            if self._in_scope(scope):
                present |= keys
        return present

    def l(self, line: str, *args: Any, **kwds: Any) -> Any:  # noqa: E743 (fastjsonschema's name)
        """fastjsonschema's line writer; a type guard known to hold becomes `if True:`."""
        if self._fast_fail and self._variable is not None:
            known = self._known_type(self._variable)
            if known is not None:
                if line in _TYPE_GUARDS and known <= _TYPE_GUARDS[line]:
                    line = ALWAYS
                elif line in _TYPE_FLAGS and known <= _TYPE_FLAGS[line][1]:
                    line = _TYPE_FLAGS[line][0]
        if line == ALWAYS:
            # fastjsonschema merges a block into the previous one when their first lines are
            # equal, even when it is nested in it: tell the levels apart.
            line = f"{ALWAYS}  # level {self._indent}"
        return super().l(line, *args, **kwds)

    def generate_func_code_block(
        self, definition: Any, variable: str, variable_name: str, clear_variables: bool = False
    ) -> int:
        # Like fastjsonschema's own variables (`x_len`, ...): what is known in a block whose
        # variables are cleared (a property's value, a subschema) is not known after it.
        if not clear_variables:
            count: int = super().generate_func_code_block(definition, variable, variable_name)
            return count
        backup = self._known_types, self._present_keys
        self._known_types, self._present_keys = {}, {}
        try:
            count = super().generate_func_code_block(
                definition, variable, variable_name, clear_variables=True
            )
        finally:
            self._known_types, self._present_keys = backup
        return count

    def generate_validation_function(self, uri: str, name: str) -> None:
        self._inlining.append(uri)  # a reference to it from inside calls it
        try:
            super().generate_validation_function(uri, name)
        finally:
            self._inlining.pop()

    # -- keywords ----------------------------------------------------------------------------

    def generate_type(self) -> None:
        super().generate_type()
        if self._fast_fail:  # the check raised for any other type: remember it
            types = frozenset(_enforce_list(self._definition["type"]))
            self._known_types.setdefault(self._variable, []).append(
                (tuple(self._scope_stack), types)
            )

    def generate_content_encoding(self) -> None:
        super().generate_content_encoding()
        self._values_stay = False  # the value was decoded: its type is unknown

    def generate_content_media_type(self) -> None:
        super().generate_content_media_type()
        self._values_stay = False

    def generate_required(self) -> None:
        required = self._definition["required"]
        if not self._fast_fail or not isinstance(required, list) or not required:
            super().generate_required()
            return
        # fastjsonschema's checks of the definition
        if len(required) != len(set(required)):
            raise fastjsonschema.JsonSchemaDefinitionException(
                "required must contain unique elements"
            )
        if not self._definition.get("additionalProperties", True):
            not_possible = [
                prop
                for prop in required
                if prop not in self._definition.get("properties", {})
                and not any(
                    re.search(regex, prop)
                    for regex in self._definition.get("patternProperties", {})
                )
            ]
            if not_possible:
                raise fastjsonschema.JsonSchemaDefinitionException(
                    f"{self._variable}: items {not_possible} are required but not allowed"
                )
        self.create_variable_is_dict()
        with self.l("if {variable}_is_dict:"):
            present = " and ".join(f'"{_literal(self.e(key))}" in {{variable}}' for key in required)
            with self.l(f"if not ({present}):"):
                self.l("{variable}__missing_keys = set({required}) - {variable}.keys()")
                dynamic = 'str(sorted({variable}__missing_keys)) + " properties"'
                self.exc(
                    "{name} must contain ",
                    self.e(required),
                    rule="required",
                    append_to_msg=dynamic,
                )
        # From here on (where it is a dict, which is what the code using this tests), the
        # variable has these keys.
        self._present_keys.setdefault(self._variable, []).append(
            (tuple(self._scope_stack), frozenset(required))
        )

    def _keys_copied(self) -> bool:
        """Whether fastjsonschema's set of unchecked keys is needed (`patternProperties`
        or an `additionalProperties` schema)."""
        additional = self._definition.get("additionalProperties", True)
        return (
            "patternProperties" in self._definition
            or (not isinstance(additional, bool) and additional != {})
            or not self._fast_fail
        )

    def generate_properties(self) -> None:
        if self._keys_copied():
            super().generate_properties()
            return
        self.create_variable_is_dict()
        with self.l("if {variable}_is_dict:"):
            present = self._present(self._variable)
            for key, prop_definition in self._definition["properties"].items():
                key_name = re.sub(r"($[^a-zA-Z]|[^a-zA-Z0-9])", "", key)
                if not isinstance(prop_definition, dict | bool):
                    raise fastjsonschema.JsonSchemaDefinitionException(
                        f"{self._variable}[{key_name}] must be object"
                    )
                default: Any = (
                    prop_definition
                    if self._use_default
                    and isinstance(prop_definition, dict)
                    and "default" in prop_definition
                    else None
                )
                test = ALWAYS if key in present and default is None else 'if "{}" in {variable}:'
                with self.l(test, self.e(key)):
                    self.l('{variable}__{0} = {variable}["{1}"]', key_name, self.e(key))
                    self.generate_func_code_block(
                        prop_definition,
                        f"{self._variable}__{key_name}",
                        "{}.{}".format(
                            self._variable_name,
                            self.e(key).replace("{", "{{").replace("}", "}}"),
                        ),
                        clear_variables=True,
                    )
                if default is not None:
                    self.l(
                        'else: {variable}["{}"] = {}',
                        self.e(key),
                        _repr_default(default["default"]),
                    )

    def generate_additional_properties(self) -> None:
        if self._keys_copied():
            super().generate_additional_properties()
            return
        if self._definition["additionalProperties"] is not False:
            return  # true or {}: anything goes
        declared = list(self._definition.get("properties", {}))
        names = self._constant(f"frozenset({tuple(declared)!r})", "_PROPERTIES")
        self.create_variable_is_dict()
        with self.l("if {variable}_is_dict:"):
            # The required keys are there (and declared): with exactly that many keys, there
            # is nothing else.
            required = self._present(self._variable) & frozenset(declared)
            test = f"not {names}.issuperset({{variable}})"
            if required:
                test = f"len({{variable}}) > {len(required)} and {test}"
            with self.l(f"if {test}:"):
                # The undeclared keys, as fastjsonschema collects them (same set, same order).
                self.l("{variable}_keys = set({variable}.keys())")
                self.l("{variable}_keys.difference_update({})", repr(tuple(declared)))
                self.exc(
                    '{name} must not contain "+str({variable}_keys)+" properties',
                    rule="additionalProperties",
                )

    def generate_ref(self) -> int:
        ref = self._definition["$ref"]
        with self._resolver.in_scope(ref):
            uri = self._resolver.get_uri()
        if uri in self._inlining:  # recursive: a function calling itself
            count: int = super().generate_ref()
            return count
        self._inlining.append(uri)
        try:
            with self._resolver.resolving(ref) as definition:
                count = self.generate_func_code_block(
                    definition, self._variable, self._variable_name, clear_variables=True
                )
        finally:
            self._inlining.pop()
        return count

    def _generate_format(self, format_name: str, regexp_name: str, regexp: str) -> None:
        if self._definition["format"] == format_name:
            if regexp_name not in self._compile_regexps:
                self._compile_regexps[regexp_name] = re.compile(regexp)
            match = self._regex_method(regexp_name, "match")
            with self.l(f"if not {match}({{variable}}):"):
                self.exc("{name} must be {}", format_name, rule="format")

    def generate_pattern(self) -> None:
        with self.l("if isinstance({variable}, str):"):
            pattern = self._definition["pattern"]
            safe_pattern = self.e(pattern)
            end_of_string_fixed_pattern = DOLLAR_FINDER.sub(r"\\Z", pattern)
            self._compile_regexps[pattern] = re.compile(end_of_string_fixed_pattern)
            search = self._regex_method(pattern, "search")
            with self.l(f"if not {search}({{variable}}):"):
                self.exc("{name} must match pattern {}", safe_pattern, rule="pattern")

    def _regex_method(self, key: str, method: str) -> str:
        return self._constant(f"REGEX_PATTERNS[{key!r}].{method}", f"_{method.upper()}")

    def generate_enum(self) -> None:
        enum = self._definition["enum"]
        if not (isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum)):
            super().generate_enum()
            return
        # `x in {...}` of constants is a frozenset constant: one hash look-up
        values = _literal("{" + ", ".join(repr(v) for v in dict.fromkeys(enum)) + "}")
        with self.l(f"if not (isinstance({{variable}}, str) and {{variable}} in {values}):"):
            self.exc("{name} must be one of {}", self.e(enum), rule="enum")

    def generate_unique_items(self) -> None:
        if not self._definition["uniqueItems"]:
            return
        if _UNIQUE_KEY not in self._helpers:
            self._helpers.append(_UNIQUE_KEY)
        self.create_variable_is_list()
        with self.l("if {variable}_is_list:"):
            self.create_variable_with_length()
            with self.l("if {variable}_len > len(set(map(_unique_key, {variable}))):"):
                self.exc("{name} must contain unique items", rule="uniqueItems")

    def exc(
        self,
        msg: str,
        *args: Any,
        append_to_msg: str | None = None,
        rule: str | None = None,
    ) -> None:
        if not self._detailed_exceptions or not self._fast_fail:
            super().exc(msg, *args, append_to_msg=append_to_msg, rule=rule)
            return
        arg = '"' + msg + '"'
        if append_to_msg:
            arg += " + (" + append_to_msg + ")"
        definition = self._expand_refs(self._definition)
        definition_rule = self.e(definition.get(rule) if isinstance(definition, dict) else None)
        constant = self._constant(_repr_default(definition), "_DEFINITION")
        self.l(
            "raise JsonSchemaValueException("
            + arg
            + ', value={variable}, name="{name}", definition='
            + constant
            + ", rule={rule})",
            *args,
            rule=repr(rule),
            definition_rule=definition_rule,
        )


def _literal(text: str) -> str:
    """`text` written into a line template of fastjsonschema's (formatted with `{}`)."""
    return text.replace("{", "{{").replace("}", "}}")


def _dedent_always_blocks(code: str) -> str:
    """Removes `if True:` lines, dedenting their blocks (every generated line is one
    statement, indented by four spaces per level)."""
    lines = code.split("\n")
    output: list[str] = []
    removed: list[int] = []  # indentation of the `if True:` lines whose block is open
    for line in lines:
        indentation = len(line) - len(line.lstrip(" "))
        if line.strip():
            while removed and indentation <= removed[-1]:
                closed = removed.pop()
                if indentation == closed and line.lstrip().startswith(("else", "elif")):
                    raise ValueError(f"cannot dedent an `if True:` followed by {line.strip()!r}")
        if line.strip().startswith(ALWAYS):
            removed.append(indentation)
            continue
        output.append(line[4 * len(removed) :] if line.strip() else line)
    return "\n".join(output)


def compile_to_code(definition: Any, **options: Any) -> str:
    """Python source of the validators of a draft-07 `definition`: what
    `fastjsonschema.compile_to_code(definition, **options)` returns, faster."""
    if not isinstance(definition, dict) or definition.get("$schema") != DRAFT_07:
        raise fastjsonschema.JsonSchemaDefinitionException(f"only {DRAFT_07} schemas")
    resolver = RefResolver.from_schema(definition, store={})
    code_generator = FastCodeGenerator(definition, resolver=resolver, **options)
    func_code = code_generator.func_code  # generates; the global state is known after
    return (
        f'VERSION = "{fastjsonschema.VERSION}"\n'
        + code_generator.global_state_code
        + "\n"
        + func_code
    )


def compile_in_memory(definition: Any, **options: Any) -> Any:
    """The validator of `definition`, compiled in memory (tests and benchmarks only)."""
    namespace: dict[str, Any] = {}
    exec(compile_to_code(definition, **options), namespace)
    entry_point = RefResolver.from_schema(definition, store={}).get_scope_name()
    return namespace[entry_point]
