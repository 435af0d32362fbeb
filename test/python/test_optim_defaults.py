"""The backend's optimizer defaults (landscape_lens/optim.py) against the config schema
(schemas/experiment.schema.json), as test/unit/config.test.ts checks the engine's: the same
names, every parameter documented, and each default the schema states (a "default", or the
per-optimizer values its description lists for lr, weight_decay and eps) equal to the backend's."""

import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

from landscape_lens.optim import DEFAULT_OPTIMIZER, OPTIMIZER_DEFAULTS, resolve_optimizer  # noqa: E402

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "experiment.schema.json")
NOT_PARAMETERS = {"name", "label", "schedule"}
"""Optimizer fields that are not torch.optim parameters."""


def load_schema() -> dict:
    with open(SCHEMA, encoding="utf-8") as handle:
        return json.load(handle)


def described_defaults(description: str) -> tuple[object, dict[str, object]]:
    """The defaults a description states, as (the value for every optimizer or None, {optimizer: value}):
    "Default 1e-8; adagrad 1e-10." gives (1e-8, {"adagrad": 1e-10}); "Defaults: sgd 0.001, adam 0.001."
    gives (None, {"sgd": 0.001, "adam": 0.001}); a description stating none gives (None, {})."""
    found = re.search(r"\bDefaults?:?\s+(.*)$", description)
    if found is None:
        return None, {}
    general, by_name = None, {}
    for piece in re.split(r"[,;]\s*", found.group(1).rstrip(".")):
        words = piece.split()
        if len(words) == 1:
            general = float(words[0])
        elif len(words) == 2:
            by_name[words[0]] = float(words[1])
        else:
            raise AssertionError(f"cannot read the default {piece!r} in the schema's description {description!r}")
    return general, by_name


class OptimizerDefaultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        definitions = load_schema()["$defs"]
        cls.properties = definitions["optimizer"]["properties"]
        cls.training = definitions["training"]["properties"]

    def test_the_schema_names_the_backends_optimizers(self):
        self.assertEqual(set(self.properties["name"]["enum"]), set(OPTIMIZER_DEFAULTS))

    def test_every_parameter_is_documented_and_every_documented_one_is_used(self):
        used = set()
        for name, defaults in OPTIMIZER_DEFAULTS.items():
            for parameter in defaults:
                with self.subTest(optimizer=name, parameter=parameter):
                    self.assertIn(parameter, self.properties, f"{name}.{parameter} is not in the schema's optimizer")
                    self.assertTrue(self.properties[parameter].get("description"), f"{name}.{parameter} has no description in the schema")
                used.add(parameter)
        self.assertEqual(set(self.properties) - NOT_PARAMETERS - used, set(), "schema parameters no backend optimizer takes")

    def test_each_default_equals_the_schemas(self):
        compared = 0
        for name, defaults in OPTIMIZER_DEFAULTS.items():
            for parameter, value in defaults.items():
                property_ = self.properties[parameter]
                general, by_name = described_defaults(property_["description"])
                if "default" in property_:
                    expected = property_["default"]
                elif name in by_name:
                    expected = by_name[name]
                elif general is not None:
                    expected = general
                else:
                    self.fail(f"the schema states no default for {name}.{parameter}: give it a \"default\" or list it in the description")
                with self.subTest(optimizer=name, parameter=parameter):
                    self.assertEqual(type(value) is bool, type(expected) is bool, f"{name}.{parameter}: {value!r} against the schema's {expected!r}")
                    if isinstance(expected, list):
                        self.assertEqual(list(value), expected)
                    else:
                        self.assertEqual(float(value), float(expected), f"{name}.{parameter} default")
                compared += 1
        self.assertEqual(compared, sum(len(d) for d in OPTIMIZER_DEFAULTS.values()))

    def test_resolved_parameters_are_the_schemas_defaults(self):
        # What training runs with when the config names only the optimizer.
        for name in OPTIMIZER_DEFAULTS:
            with self.subTest(optimizer=name):
                resolved = resolve_optimizer({"name": name})
                _, lr = described_defaults(self.properties["lr"]["description"])
                self.assertEqual(float(resolved["lr"]), lr[name])
                self.assertEqual(resolved["parameters"], OPTIMIZER_DEFAULTS[name])

    def test_the_optimizer_without_one_in_the_config_is_the_schemas(self):
        description = self.training["optimizer"]["description"]
        found = re.search(r"Default: (\S+) with lr ([0-9.e-]+)\.", description)
        self.assertIsNotNone(found, f"training.optimizer's description states no default: {description!r}")
        self.assertEqual(DEFAULT_OPTIMIZER, {"name": found.group(1), "lr": float(found.group(2))})

    def test_reading_the_descriptions(self):
        self.assertEqual(described_defaults("Term added. Default 1e-8; adagrad 1e-10."), (1e-8, {"adagrad": 1e-10}))
        self.assertEqual(described_defaults("Learning rate. Defaults: sgd 0.001, noisy-gd 0.1."), (None, {"sgd": 0.001, "noisy-gd": 0.1}))
        self.assertEqual(described_defaults("No default here."), (None, {}))


if __name__ == "__main__":
    unittest.main()
